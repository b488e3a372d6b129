"""What a desk pulls: publications for its commune (or for everyone) and the changes pushed by
the other desks of its commune, after an opaque cursor.

The cursor is "v1:<change id>:<publication id>". Ids come from sequences, so a reader could
see id 11 committed before id 10; writers of one commune's changes (and all publication
writers) hold an advisory lock until commit (db.commune_lock, db.publication_lock), so within
what one desk reads, ids become visible in order and the cursor never skips a row.
"""

from commune_desk.district.models import Change, Device, Publication

PAGE = 500
MAX_ID = 2 ** 63 - 1            # ids are 64-bit at most in either database


def parse_cursor(text: str | None) -> tuple[int, int] | None:
    if not text:
        return 0, 0
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != "v1" or not all(x.isascii() and x.isdigit() for x in parts[1:]):
        return None
    ids = int(parts[1]), int(parts[2])
    return ids if max(ids) <= MAX_ID else None


def format_cursor(change_id: int, publication_id: int) -> str:
    return f"v1:{change_id}:{publication_id}"


def change_item(ch: Change) -> dict:
    item = {"type": "change", "uuid": ch.uuid, "at": ch.at.isoformat(timespec="seconds"),
            "kind": ch.kind, "actor": ch.actor, "desk": ch.desk, "dossier_uuid": ch.dossier_uuid,
            "data": ch.data}
    if ch.stale_base is not None:
        item["stale_base"] = ch.stale_base      # a conflict: shown, not applied (sync-protocol.md)
    return item


def pull(device: Device, cursor: tuple[int, int], limit: int = PAGE) -> dict:
    change_after, pub_after = cursor
    limit = max(1, min(limit, PAGE))
    items = []
    # read first: every change of this commune up to `last` is committed (ids become visible
    # in order), so the change query below sees all of them
    last = (Change.select(Change.id).where(Change.commune == device.commune_id)
            .order_by(Change.id.desc()).limit(1).scalar())
    pubs = list(Publication.select()
                .where(Publication.id > pub_after,
                       (Publication.commune == device.commune_id) | Publication.commune.is_null())
                .order_by(Publication.id).limit(limit))
    for pub in pubs:
        items.append({"type": pub.kind, "uuid": pub.uuid, "at": pub.at.isoformat(timespec="seconds"),
                      "data": pub.data})
        pub_after = pub.id
    changes = list(Change.select()
                   .where(Change.id > change_after, Change.commune == device.commune_id,
                          Change.device != device.id)
                   .order_by(Change.id).limit(limit))
    for ch in changes:
        items.append(change_item(ch))
        change_after = ch.id
    # the desk's own changes are not sent back, but the cursor moves past them
    more = len(pubs) == limit or len(changes) == limit
    if not more and last and last > change_after:
        change_after = last
    return {"cursor": format_cursor(change_after, pub_after), "more": more, "items": items}


def recover(device: Device, cursor: tuple[int, int], limit: int = PAGE) -> dict:
    """The device's own changes after the cursor, in the server's order: what a desk restored from
    an old backup asks for to get back what it made and sent after that backup. Same item shape as
    a pulled `change`, with "own": true and the desk's "seq"; the cursor's publication part is 0."""
    change_after = cursor[0]
    limit = max(1, min(limit, PAGE))
    changes = list(Change.select()
                   .where(Change.device == device.id, Change.id > change_after)
                   .order_by(Change.id).limit(limit))
    items = []
    for ch in changes:
        items.append({**change_item(ch), "own": True, "seq": ch.local_seq})
        change_after = ch.id
    return {"cursor": format_cursor(change_after, 0), "more": len(changes) == limit, "items": items}

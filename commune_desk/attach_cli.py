"""`commune-desk attach` and `commune-desk attachments`: registered into the desk's parser by
commune_desk.cli.build_parser (one line there)."""

from contextlib import closing

from commune_desk.commands import iso, open_desk
from commune_desk.errors import InvalidInput


def attachment_json(desk, row) -> dict:
    return {"id": row.id, "sha256": row.sha256, "size": row.size, "pages": row.pages, "document": row.document,
            "name": row.name, "source": row.source, "added_at": iso(row.added_at), "sync_state": row.sync_state,
            "sync_note": row.sync_note, "sent_at": iso(row.sent_at), "path": str(desk.attachment_file(row))}


def document_label(dossier, document: int | None) -> str:
    if document is None:
        return "cả hồ sơ"
    return f"giấy tờ {document}: {dossier.documents[document - 1]['name']}"


def cmd_attach(args):
    with closing(open_desk(args)) as desk:
        if args.document is not None and args.document < 1:
            raise InvalidInput("Số thứ tự giấy tờ bắt đầu từ 1.", "document")
        row = desk.attach(args.code, args.file, document=args.document, source=args.source)
        dossier = desk.dossier(args.code)
        obj = {"sha256": row.sha256, "size": row.size, "pages": row.pages, "document": row.document,
               "code": dossier.code, "dossier_uuid": dossier.uuid}
        text = (f"Đã đính kèm {row.name} ({row.pages} trang, {row.size / 1024:.0f} kB) vào hồ sơ "
                f"{dossier.code or dossier.uuid}, {document_label(dossier, row.document)}.")
        return text, obj


def cmd_attachments(args):
    with closing(open_desk(args)) as desk:
        if args.clean:
            removed = desk.clean_attachments()
            return f"Đã dọn {len(removed)} tệp không thuộc hồ sơ nào.", {"removed": removed}
        if not args.code:
            raise InvalidInput("Cần mã hồ sơ: commune-desk attachments MÃ-HỒ-SƠ.", "code")
        dossier = desk.dossier(args.code)
        rows = desk.attachments_of(dossier)
        items = [attachment_json(desk, r) for r in rows]
        state = {"pending": "chờ gửi", "sent": "đã gửi", "refused": "bị từ chối"}
        lines = [f"{r.sha256[:12]}  {r.size / 1024:>7.0f} kB  {r.pages:>3} trang  {state.get(r.sync_state, r.sync_state)}"
                 f"  {document_label(dossier, r.document)}" for r in rows]
        return "\n".join(lines) or "Hồ sơ chưa có tệp đính kèm.", items


def register(sub, common) -> None:
    p = sub.add_parser("attach", parents=[common], help="đính kèm bản quét / tệp vào hồ sơ",
                       description="Đính kèm tệp (JPEG, PNG, TIFF hoặc PDF) vào một giấy tờ của hồ sơ. "
                                   "Nhiều ảnh được ghép thành một PDF; PDF được giữ nguyên.")
    p.add_argument("code", help="mã hồ sơ hoặc mã lượt")
    p.add_argument("file", nargs="+", help="tệp cần đính kèm (nhiều ảnh: nhiều trang của một giấy tờ)")
    p.add_argument("--document", type=int, help="số thứ tự giấy tờ trong danh mục (mặc định: cả hồ sơ)")
    p.add_argument("--source", default="file", choices=["file", "folder", "scanner"], help="nguồn của tệp")
    p.set_defaults(func=cmd_attach)

    p = sub.add_parser("attachments", parents=[common], help="xem tệp đính kèm của hồ sơ",
                       description="Liệt kê tệp đính kèm của hồ sơ (sha256, kích thước, trạng thái gửi). "
                                   "--clean: dọn tệp mồ côi sau sự cố.")
    p.add_argument("code", nargs="?", help="mã hồ sơ hoặc mã lượt")
    p.add_argument("--clean", action="store_true", help="xóa tệp không thuộc hồ sơ nào (quá 1 giờ)")
    p.set_defaults(func=cmd_attachments)

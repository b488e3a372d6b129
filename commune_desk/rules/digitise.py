"""The digitised share (Bộ chỉ số 766, NĐ 107/2021): a dossier counts as digitised when every
document the citizen submitted has a scan attached, or one scan covers the whole dossier.

Pure: no I/O. "Submitted" is the dossier's checklist as received, less the documents listed as
missing and the conditional ones (a checklist line with a bracketed condition "(nếu …)", e.g. an
authorisation "(nếu nộp thay …)", which most citizens do not bring; "; nếu không có thì …" offers
a substitute and stays required). A dossier whose checklist has no required line
counts once it has any scan.
"""

from dataclasses import dataclass, field

from commune_desk.rules.text import fold


def conditional(document: dict) -> bool:
    return "(neu " in fold(document.get("name", ""))


def submitted(documents: list, missing: list) -> set[int]:
    """1-based numbers of the checklist documents handed in."""
    absent = {fold(m.get("name", "")) for m in missing or []}
    return {i for i, d in enumerate(documents or [], 1)
            if not conditional(d) and fold(d.get("name", "")) not in absent}


def is_digitised(documents: list, missing: list, attached: set) -> bool:
    """attached: the document numbers that have a scan; None stands for the whole dossier."""
    if None in attached:
        return True
    needed = submitted(documents, missing)
    return bool(attached) and needed <= attached


@dataclass
class Share:
    received: int = 0
    digitised: int = 0
    by_field: dict = field(default_factory=dict)     # field -> [received, digitised]

    def add(self, field_name: str, digitised: bool) -> None:
        self.received += 1
        self.digitised += digitised
        counts = self.by_field.setdefault(field_name or "", [0, 0])
        counts[0] += 1
        counts[1] += digitised

    def to_dict(self) -> dict:
        return {"received": self.received, "digitised": self.digitised, "share": rate(self.digitised, self.received),
                "by_field": [{"field": k, "received": r, "digitised": d, "share": rate(d, r)}
                             for k, (r, d) in sorted(self.by_field.items())]}


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None

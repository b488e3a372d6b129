"""The procedure catalog shipped in resources/catalog, checked before it reaches the database."""

import json
from pathlib import Path

from commune_desk.errors import InvalidInput
from commune_desk.paths import resources_dir
from commune_desk.rules.bounds import MAX_MONEY, MONEY_TEXT
from commune_desk.rules.text import clean, fold, nfc

CATALOG_FILE = "catalog/procedures.json"


def builtin_catalog_path() -> Path:
    return resources_dir() / CATALOG_FILE


def read_catalog(path: Path | None = None) -> dict:
    path = path or builtin_catalog_path()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"Không đọc được danh mục thủ tục {path}: {exc}", "catalog") from None
    return parse_catalog(data)


def parse_catalog(data: dict) -> dict:
    version = nfc(str(data.get("catalog_version", ""))).strip()
    if not version:
        raise InvalidInput("Danh mục thủ tục thiếu số phiên bản (catalog_version).", "catalog")
    seen = set()
    procedures = []
    for raw in data.get("procedures", []):
        entry = parse_procedure(raw)
        if entry["id"] in seen:
            raise InvalidInput(f"Danh mục thủ tục có mã trùng: {entry['id']}.", "catalog")
        seen.add(entry["id"])
        procedures.append(entry)
    if not procedures:
        raise InvalidInput("Danh mục thủ tục không có thủ tục nào.", "catalog")
    return {"catalog_version": version, "procedures": procedures}


def parse_procedure(raw: dict) -> dict:
    pid = clean(raw.get("id"), label="Mã thủ tục", max_len=40, required=True, field="id").upper()
    name = clean(raw.get("name"), label="Tên thủ tục", max_len=400, required=True, field="name")
    days = raw.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
        raise InvalidInput(f"Thủ tục {pid}: thời hạn giải quyết phải là số ngày làm việc từ 0 đến 365.", "days")
    fee = raw.get("fee", 0)
    if not isinstance(fee, int) or isinstance(fee, bool) or not 0 <= fee <= MAX_MONEY:
        raise InvalidInput(f"Thủ tục {pid}: lệ phí phải là số đồng không âm, tối đa {MONEY_TEXT}.", "fee")
    documents = []
    for doc in raw.get("documents", []):
        counts = {k: doc.get(k, 0) for k in ("originals", "certified_copies", "photocopies")}
        if any(not isinstance(v, int) or v < 0 for v in counts.values()):
            raise InvalidInput(f"Thủ tục {pid}: số bản giấy tờ phải là số nguyên không âm.", "documents")
        documents.append({"name": clean(doc.get("name"), label="Tên giấy tờ", max_len=400, required=True),
                          **counts})
    return {
        "id": pid,
        "national_code": nfc(raw.get("national_code") or "").strip() or None,
        "name": name,
        "name_folded": fold(name),
        "field": clean(raw.get("field"), label="Lĩnh vực", max_len=200, required=True, field="field"),
        "days": days,
        "days_note": clean(raw.get("days_note"), label="Ghi chú thời hạn", max_len=1000),
        "fee": fee,
        "fee_note": clean(raw.get("fee_note"), label="Ghi chú lệ phí", max_len=1000),
        "liaison": bool(raw.get("liaison", False)),
        "documents": documents,
        "legal_basis": [clean(x, label="Căn cứ pháp lý", max_len=400) for x in raw.get("legal_basis", [])],
    }

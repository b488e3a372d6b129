"""A file of past dossiers that reproduces phường Phúc Lợi's first half of 2019 (seeds/001):
4,228 received, 4,204 resolved, 24 still open and not yet due, none late, 504 received online,
83 results delivered home by post."""

import csv
from datetime import date, datetime, timedelta

from commune_desk.rules.office_calendar import TZ

AGENCY = "000.30.36.H26"
OFFICE = "UBND phường Phúc Lợi"
PERIOD = (date(2019, 1, 1), date(2019, 6, 30))
NOW = "2019-07-01T09:00:00+07:00"               # the day the figures were published
COLUMNS = ["MaHoSo", "MaTTHC", "ChuHoSo", "SoDinhDanh", "SoDienThoai", "KenhNop", "NgayTiepNhan", "NgayHenTra",
           "NgayKetThucXuLy", "NgayTra", "TrangThaiHoSo", "TraQuaBuuChinh"]
# national codes: khai sinh, xác nhận tình trạng hôn nhân, chứng thực bản sao, liên thông khai sinh
PROCEDURES = ["1.001193", "1.004873", "2.000815", "3.000722", "HT-KT"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đỗ Đức Đạt", "Vũ Thị Hương"]
RECEIVED, RESOLVED, OPEN, ONLINE, BY_POST = 4228, 4204, 24, 504, 83


def _stamp(t: datetime, iso: bool) -> str:
    return t.isoformat(timespec="seconds") if iso else f"{t:%Y%m%d%H%M%S}"


def rows() -> list[dict]:
    days = [date(2019, 1, 2) + timedelta(days=i) for i in range(178)]
    days = [d for d in days if d.weekday() < 5 and d <= date(2019, 6, 26)]
    out = []
    per_day: dict = {}
    for i in range(RECEIVED):
        still_open = i >= RESOLVED
        day = date(2019, 6, 28) if still_open else days[i % len(days)]
        seq = per_day[day] = per_day.get(day, 0) + 1
        received = datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ) + timedelta(minutes=7 * seq)
        due = datetime(day.year, day.month, day.day, 17, 0, tzinfo=TZ) + timedelta(days=5)
        iso = i % 7 == 0                          # both date forms the portal's exports use
        row = {"MaHoSo": f"{AGENCY}-{day:%y%m%d}-{seq:04d}", "MaTTHC": PROCEDURES[i % len(PROCEDURES)],
               "ChuHoSo": NAMES[i % len(NAMES)], "SoDinhDanh": f"0011900{i:05d}" if i % 3 else "",
               "SoDienThoai": f"09{i:08d}" if i % 2 else "", "KenhNop": "2" if i < ONLINE else "1",
               "NgayTiepNhan": _stamp(received, iso), "NgayHenTra": _stamp(due, iso),
               "NgayKetThucXuLy": "", "NgayTra": "", "TrangThaiHoSo": "4", "TraQuaBuuChinh": "0"}
        if not still_open:
            finished = received + timedelta(days=1 if i % 4 else 5)     # early, or on the due day
            finished = min(finished, due - timedelta(hours=1))
            row.update(NgayKetThucXuLy=_stamp(finished, iso), NgayTra=_stamp(finished + timedelta(hours=1), iso),
                       TrangThaiHoSo="10", TraQuaBuuChinh="1" if i % 50 == 1 and i < 50 * BY_POST else "0")
        out.append(row)
    return out


def write_csv(path, data=None) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        w.writerows(data or rows())


def write_xlsx(path, data=None) -> None:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for r in data or rows():
        sheet.append([int(r[c]) if c in ("KenhNop", "TrangThaiHoSo", "TraQuaBuuChinh") else r[c] for c in COLUMNS])
    book.save(path)

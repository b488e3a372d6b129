"""How tests/first_schema/first_schema_desk.sqlite3 was made: with the code of commit 4a89fcd (the
first with store/migrations/0001, the schema of the first release), not with today's code.

    git worktree add --detach /tmp/first 4a89fcd
    mkdir -p /tmp/first/resources/catalog && cp resources/catalog/procedures.json /tmp/first/resources/catalog/
    PYTHONPATH=/tmp/first .venv/bin/python tests/first_schema/make_first_schema_desk.py /tmp/out

(That commit predates the shipped catalog file: the catalog is today's. It also predates the sync
client: the sync state of that schema is each event's sync_state/synced_at, set here as a desk
that had pushed its first visit would have left them.)
"""
import shutil
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from commune_desk.rules.intake import IntakeForm
from commune_desk.store.desk import Desk
from commune_desk.store.models import Event

VN = ZoneInfo("Asia/Ho_Chi_Minh")
out = Path(sys.argv[1])
shutil.rmtree(out, ignore_errors=True)
now = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
desk = Desk(out, clock=lambda: now)
desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1,
           clerk_name="Trần Văn Bình")
visits = [
    IntakeForm(procedure_id="HT-KS", name="Nguyễn Thị Hồng Nhung", id_number="001186012345",
               phone="0912345678", address="Thôn Đông, xã Phúc Lợi"),
    IntakeForm(procedure_id="HT-XNHN", name="Lê Văn Đạt", id_number="001090012345",
               return_by="post", post_address="Số 5 phố Huế, Hà Nội"),
    IntakeForm(procedure_id="HT-KH", name="Phạm Thu Hà", outcome="supplement",
               missing=[{"name": "Giấy xác nhận tình trạng hôn nhân", "reason": "Quá 6 tháng"}]),
    IntakeForm(procedure_id="HT-KT", name="Đỗ Văn Quang", outcome="refused",
               reason="Không thuộc thẩm quyền của UBND xã"),
]
for i, form in enumerate(visits):
    now = datetime(2026, 11, 23, 9, 10 + 7 * i, tzinfo=VN)
    desk.intake(form)
desk.save_draft({"procedure_id": "HT-KS", "name": "Vũ Minh Khôi", "phone": "0987654321"})
with desk.db.atomic():      # the first visit had been pushed and acknowledged
    first = Event.select().where(Event.kind == "intake").order_by(Event.seq).first()
    first.sync_state, first.synced_at = "synced", datetime(2026, 11, 23, 9, 15, tzinfo=VN)
    first.save()
desk.db.execute_sql("pragma wal_checkpoint(TRUNCATE)")
desk.close()
print(out / "desk.sqlite3")

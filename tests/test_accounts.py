"""Desk accounts: sign-in, lockout, roles, the clerk's name from the account."""

import pytest

from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules.intake import IntakeForm
from commune_desk.store.accounts import Forbidden, SignInFailed
from commune_desk.store.models import Account




def test_no_account_yet_everyone_may_everything(desk):
    assert not desk.has_accounts()
    assert desk.may("intake") and desk.may("accounts")


def test_first_admin_only_once(desk):
    desk.create_first_admin("admin", "quan-tri-123")
    assert desk.account.role == "quan-tri"
    with pytest.raises(NotAllowed):
        desk.create_first_admin("admin2", "quan-tri-456")


def test_first_account_must_be_an_administrator(desk):
    with pytest.raises(InvalidInput, match="quản trị"):
        desk.add_account("lan.tt", "tiep-nhan", "tiep-nhan-123")


def test_password_is_stored_only_as_argon2(staffed):
    with staffed.using():
        row = Account.get(Account.name == "lan.tt")
    assert row.password_hash.startswith("$argon2") and "tiep-nhan-123" not in row.password_hash
    with staffed.using():
        details = " ".join(str(e.detail) for e in staffed.audit_entries(500))
    assert "tiep-nhan-123" not in details and "$argon2" not in details


def test_wrong_password_is_refused_and_audited(staffed):
    with pytest.raises(SignInFailed, match="Sai tên đăng nhập hoặc mật khẩu") as caught:
        staffed.sign_in("lan.tt", "nhầm-mật-khẩu")
    assert caught.value.delay > 0
    assert staffed.account is None
    with staffed.using():
        last = staffed.audit_entries(1)[0]
    assert (last.action, last.target, last.detail["after"]["reason"]) == ("sign_in_failed", "lan.tt", "wrong_password")
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    assert staffed.account.full_name == "Trần Thị Lan"


def test_five_failures_lock_that_account_only_for_a_while(staffed, clock):
    for _ in range(4):
        with pytest.raises(SignInFailed):
            staffed.sign_in("lan.tt", "sai-mat-khau")
    with pytest.raises(SignInFailed, match="tạm khóa"):
        staffed.sign_in("lan.tt", "sai-mat-khau")
    with pytest.raises(SignInFailed, match="tạm khóa"):       # even the right password, while locked
        staffed.sign_in("lan.tt", "tiep-nhan-123")
    staffed.sign_in("binh.cm", "chuyen-mon-123")             # another account is not locked
    staffed.sign_out()
    clock.set("2026-11-23 09:48")
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    assert staffed.account.name == "lan.tt"


def test_disabled_account_cannot_sign_in(staffed):
    staffed.sign_in("admin", "quan-tri-123")
    staffed.disable_account("binh.cm")
    staffed.sign_out()
    with pytest.raises(SignInFailed, match="vô hiệu hóa"):
        staffed.sign_in("binh.cm", "chuyen-mon-123")


def test_last_administrator_cannot_be_disabled(staffed):
    staffed.sign_in("admin", "quan-tri-123")
    with pytest.raises(NotAllowed, match="quản trị cuối cùng"):
        staffed.disable_account("admin")


def test_roles_decide(staffed):
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    assert staffed.may("intake") and staffed.may("handover") and staffed.may("search")
    assert not staffed.may("process") and not staffed.may("settings")
    with pytest.raises(Forbidden, match="không được quản lý tài khoản"):
        staffed.add_account("x.y", "tiep-nhan", "abcdefgh1")
    staffed.sign_out()
    with pytest.raises(Forbidden, match="Cần đăng nhập"):
        staffed.require("search")


def test_clerk_on_dossier_and_story_is_the_signed_in_account(staffed):
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    d = staffed.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt"))
    assert d.clerk == "Trần Thị Lan"
    assert [e.actor for e in staffed.events_of(d)] == ["Trần Thị Lan"]
    with staffed.using():
        entry = [e for e in staffed.audit_entries(5) if e.action == "intake"][0]
    assert entry.actor == "lan.tt"


def test_change_password(staffed):
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    with pytest.raises(InvalidInput, match="hiện tại không đúng"):
        staffed.change_password("sai", "mat-khau-moi-1")
    with pytest.raises(InvalidInput, match="ít nhất 8"):
        staffed.change_password("tiep-nhan-123", "ngan")
    staffed.change_password("tiep-nhan-123", "mat-khau-moi-1")
    staffed.sign_out()
    with pytest.raises(SignInFailed):
        staffed.sign_in("lan.tt", "tiep-nhan-123")
    staffed.sign_in("lan.tt", "mat-khau-moi-1")


def test_the_store_itself_refuses_what_the_role_may_not(staffed):
    from datetime import datetime
    from commune_desk.rules.office_calendar import TZ
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    d = staffed.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt"))
    staffed.handoff(d.code, "Công chức Tư pháp - Hộ tịch")        # the counter passes it on
    with pytest.raises(Forbidden, match="không được xử lý hồ sơ"):
        staffed.advance(d.code, 9)
    staffed.sign_out()
    staffed.sign_in("binh.cm", "chuyen-mon-123")
    with pytest.raises(Forbidden, match="không được duyệt gia hạn"):
        staffed.extend(d.code, datetime(2026, 12, 3, 17, 0, tzinfo=TZ), "Cần xác minh")
    with pytest.raises(Forbidden, match="không được sửa danh mục"):
        staffed.edit_procedure("HT-XNHN", fee=1)
    staffed.advance(d.code, 9)


def test_idle_lock_minutes_is_a_setting_with_bounds(desk):
    assert desk.config().idle_lock_minutes == 10
    cfg = desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", idle_lock_minutes="5")
    assert cfg.idle_lock_minutes == 5
    with pytest.raises(InvalidInput, match="từ 1 đến 240 phút"):
        desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", idle_lock_minutes=0)
    assert desk.config().idle_lock_minutes == 5


def test_only_an_administrator_enrols_the_desk_upstream(staffed):
    from commune_desk.sync import enroll
    staffed.sign_in("lan.tt", "tiep-nhan-123")
    with pytest.raises(Forbidden, match="không được thay đổi thiết lập"):
        enroll(staffed, "https://motcua.example.gov.vn", "ABCD-EFGH")

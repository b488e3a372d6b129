"""Desk accounts: who is signed in, their role, their password (argon2), lockout after failures.

Mixed into Desk. A desk with no account yet works as before (nobody is asked); once one exists
the window and the commands act as a signed-in account (`sign_in`), and the store refuses account
management to anyone but an administrator.
"""

import os
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from commune_desk.errors import InvalidInput, NotAllowed, NotFound
from commune_desk.rules import roles
from commune_desk.rules.text import clean
from commune_desk.store.models import Account

# the account a command signed in as: every Desk the command opens acts as it (accounts_cli.guard)
process_account: ContextVar = ContextVar("commune_desk_account", default=None)

MAX_FAILURES = 5                  # consecutive wrong passwords before the account locks
LOCK_MINUTES = 15
COST_ENV = "COMMUNE_DESK_ARGON2"  # "cheapest": argon2's own test profile, for the test suite only


def _hasher() -> PasswordHasher:
    # RFC 9106's second recommendation (argon2-cffi's default) unless the tests ask for the cheapest
    if os.environ.get(COST_ENV) == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


class SignInFailed(NotAllowed):
    """Wrong name or password, or a locked or disabled account. `delay`: seconds the caller waits
    before it answers again (grows with each failure)."""
    def __init__(self, message: str, delay: float = 0.0):
        super().__init__(message, "password")
        self.delay = delay


class Forbidden(NotAllowed):
    """The signed-in account's role may not do this."""


@dataclass(frozen=True)
class SignedIn:
    name: str
    full_name: str
    role: str

    @property
    def display_name(self) -> str:
        return self.full_name or self.name

    @property
    def role_label(self) -> str:
        return roles.role_label(self.role)


def failure_delay(failures: int) -> float:
    return min(0.5 * 2 ** max(failures - 1, 0), 5.0)


class Accounts:
    account: SignedIn | None = None

    # ---- reading -----------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        # asked on every intake and screen change: plain SQL (peewee's composing costs ~1 ms)
        return self.db.execute_sql('SELECT 1 FROM "account" LIMIT 1').fetchone() is not None

    def accounts(self) -> list[Account]:
        return list(Account.select().order_by(Account.name))

    def get_account(self, name: str) -> Account:
        row = Account.get_or_none(Account.name == roles.parse_account_name(name))
        if row is None:
            raise NotFound(f"Không có tài khoản «{name}».")
        return row

    def may(self, action: str) -> bool:
        """True when the signed-in account may take the action, or when the desk has no account yet."""
        if self.account is None:
            return not self.has_accounts()
        return roles.allowed(self.account.role, action)

    def require(self, action: str) -> None:
        if self.may(action):
            return
        what = roles.ACTION_LABELS.get(action, action)
        if self.account is None:
            raise Forbidden(f"Cần đăng nhập để {what}.")
        raise Forbidden(f"Tài khoản «{self.account.name}» ({self.account.role_label}) không được {what}.")

    def clerk_name(self) -> str:
        """The name printed on forms and kept on the story: the signed-in account, else the setting."""
        if self.account is not None:
            return self.account.display_name
        cfg = self.config()
        return cfg.clerk_name if cfg else ""

    # ---- signing in --------------------------------------------------------------------------

    def sign_in(self, name: str, password: str) -> SignedIn:
        """Check the password; on success this desk acts as the account. Every attempt is audited."""
        now = self.now()
        try:
            login = roles.parse_account_name(name)
        except InvalidInput:
            login = None
        row = Account.get_or_none(Account.name == login) if login else None
        if row is None:
            with self.db.atomic():
                self.record("sign_in_failed", login or str(name)[:40], reason="unknown_account")
            raise SignInFailed("Sai tên đăng nhập hoặc mật khẩu.", failure_delay(1))
        if row.disabled:
            with self.db.atomic():
                self.record("sign_in_failed", row.name, reason="disabled")
            raise SignInFailed(f"Tài khoản «{row.name}» đã bị vô hiệu hóa. Hãy liên hệ quản trị.")
        if row.locked_until is not None and row.locked_until > now:
            with self.db.atomic():
                self.record("sign_in_failed", row.name, reason="locked")
            raise SignInFailed(f"Tài khoản «{row.name}» đang tạm khóa vì nhập sai mật khẩu nhiều lần; "
                               f"thử lại sau {row.locked_until:%H:%M} ngày {row.locked_until:%d/%m/%Y}.")
        if not _verify(row.password_hash, password):
            failures = row.failures + 1
            locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
            with self.db.atomic():
                Account.update(failures=0 if locked else failures, locked_until=locked).where(
                    Account.id == row.id).execute()
                self.record("sign_in_failed", row.name, reason="wrong_password", failures=failures,
                            locked_until=locked.isoformat(timespec="seconds") if locked else None)
            if locked:
                raise SignInFailed(f"Sai mật khẩu {failures} lần: tài khoản «{row.name}» bị tạm khóa "
                                   f"{LOCK_MINUTES} phút, đến {locked:%H:%M}.", failure_delay(failures))
            raise SignInFailed("Sai tên đăng nhập hoặc mật khẩu.", failure_delay(failures))
        values = {"failures": 0, "locked_until": None, "last_sign_in_at": now}
        if _hasher().check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher().hash(password)
        self.account = SignedIn(row.name, row.full_name, row.role)
        self.db.audit.actor = row.name
        with self.db.atomic():
            Account.update(**values).where(Account.id == row.id).execute()
            self.record("sign_in", row.name, role=row.role)
        return self.account

    def sign_out(self, reason: str = "sign_out") -> None:
        if self.account is None:
            return
        with self.db.atomic():
            self.record(reason, self.account.name)
        self.account = None
        self.db.audit.actor = ""

    def act_as(self, account: SignedIn | None) -> None:
        """Act as an account already signed in elsewhere in this process (the CLI's, the window's)."""
        self.account = account
        self.db.audit.actor = account.name if account else ""

    # ---- managing accounts -------------------------------------------------------------------

    def create_first_admin(self, name: str, password: str, full_name: str = "") -> Account:
        """The first administrator of a desk that has no account yet (set-up, the first-run window).
        This desk then acts as that administrator."""
        if self.has_accounts():
            raise NotAllowed("Quầy đã có tài khoản; hãy đăng nhập bằng tài khoản quản trị để thêm tài khoản.")
        row = self._add_account(name, roles.ADMIN, password, full_name)
        self.act_as(SignedIn(row.name, row.full_name, row.role))
        return row

    def add_account(self, name: str, role: str, password: str, full_name: str = "") -> Account:
        role = roles.parse_role(role)
        if not self.has_accounts():
            if role != roles.ADMIN:
                raise InvalidInput("Tài khoản đầu tiên phải là quản trị (--role quan-tri).", "role")
            return self.create_first_admin(name, password, full_name)
        self.require("accounts")
        return self._add_account(name, role, password, full_name)

    def _add_account(self, name: str, role: str, password: str, full_name: str) -> Account:
        login = roles.parse_account_name(name)
        full_name = clean(full_name, label="Họ tên", max_len=120, field="full_name")
        password = roles.check_password(password, login)
        with self.db.atomic():
            if Account.select().where(Account.name == login).exists():
                raise InvalidInput(f"Tên đăng nhập «{login}» đã có.", "name")
            return Account.create(name=login, full_name=full_name, role=role,
                                  password_hash=_hasher().hash(password), created_at=self.now())

    def disable_account(self, name: str, disabled: bool = True) -> Account:
        self.require("accounts")
        row = self.get_account(name)
        with self.db.atomic():
            if disabled and row.role == roles.ADMIN and not row.disabled:
                others = Account.select().where(Account.role == roles.ADMIN, Account.disabled == False,  # noqa: E712
                                                Account.id != row.id).count()
                if not others:
                    raise NotAllowed("Không thể vô hiệu hóa quản trị cuối cùng của quầy.")
            Account.update(disabled=disabled).where(Account.id == row.id).execute()
        return Account.get_by_id(row.id)

    def set_role(self, name: str, role: str) -> Account:
        self.require("accounts")
        role = roles.parse_role(role)
        row = self.get_account(name)
        with self.db.atomic():
            if row.role == roles.ADMIN and role != roles.ADMIN and not Account.select().where(
                    Account.role == roles.ADMIN, Account.disabled == False, Account.id != row.id).exists():  # noqa: E712
                raise NotAllowed("Không thể bỏ vai trò quản trị của quản trị cuối cùng.")
            Account.update(role=role).where(Account.id == row.id).execute()
        return Account.get_by_id(row.id)

    def change_password(self, old: str, new: str) -> None:
        """The signed-in account changes its own password."""
        if self.account is None:
            raise Forbidden("Cần đăng nhập để đổi mật khẩu.")
        row = self.get_account(self.account.name)
        if not _verify(row.password_hash, old):
            with self.db.atomic():
                self.record("password_change_failed", row.name)
            raise InvalidInput("Mật khẩu hiện tại không đúng.", "old_password")
        new = roles.check_password(new, row.name)
        with self.db.atomic():
            Account.update(password_hash=_hasher().hash(new)).where(Account.id == row.id).execute()

    def reset_password(self, name: str, new: str) -> None:
        """An administrator sets another account's password (and lifts its lock)."""
        self.require("accounts")
        row = self.get_account(name)
        new = roles.check_password(new, row.name)
        with self.db.atomic():
            Account.update(password_hash=_hasher().hash(new), failures=0, locked_until=None).where(
                Account.id == row.id).execute()


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return False

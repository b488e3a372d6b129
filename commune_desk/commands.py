"""What `commune-desk` and `commune-district` share: an argparse parser that speaks Vietnamese,
the runner that turns a command's result or error into output and an exit status, and the
clock a command may be given for tests and imports."""

import argparse
import json
import logging
import os
import sys
from commune_desk.errors import DeskError, InvalidInput
from commune_desk.rules.office_calendar import parse_instant

log = logging.getLogger("commune_desk.cli")

NOW_ENV_VAR = "COMMUNE_DESK_NOW"


# argparse speaks English; the few phrases a clerk or admin meets are said in Vietnamese.
_VI = {
    "usage: ": "cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "giá trị %(value)r không hợp lệ (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ",
    "expected one argument": "cần một giá trị",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
}
argparse._ = lambda text: _VI.get(text, text)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"Lệnh không hợp lệ: {message}. Xem: {self.prog} --help\n")


def env_clock():
    """A fixed instant from COMMUNE_DESK_NOW (ISO 8601) for tests and imports, else None (the
    real clock)."""
    raw = os.environ.get(NOW_ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        instant = parse_instant(raw, NOW_ENV_VAR)
    except InvalidInput:
        raise InvalidInput(f"Biến môi trường {NOW_ENV_VAR}=«{raw}» không đúng định dạng ISO 8601 "
                           "(ví dụ 2026-11-23T09:32:00+07:00).", NOW_ENV_VAR) from None
    return lambda: instant


def open_desk(args):
    """The desk in the command's data folder (--data-dir), on the command's clock. A command that
    may be one of several in a process closes it: `with closing(open_desk(args)) as desk:`."""
    from commune_desk.store.desk import Desk
    return Desk(args.data_dir, clock=env_clock())


def iso(t) -> str | None:
    """An instant as the commands' JSON gives it (to the second), or None."""
    return t.isoformat(timespec="seconds") if t else None


def execute(func, args, log_dir=None, explain=None) -> int:
    """Run one command of `commune-desk` or `commune-district`: its result as text or JSON; an
    expected error as one Vietnamese line and exit 2; anything else logged, one line, exit 1.
    `explain(exc, args)` may turn an OS or database failure into the DeskError a user reads."""
    try:
        try:
            text, obj = func(args)
        except Exception as exc:
            said = None if isinstance(exc, DeskError) or explain is None else explain(exc, args)
            if said is None:
                raise
            raise said from exc
    except DeskError as exc:
        if args.json:
            # an error may carry its report (audit verify); it keeps the "error" key
            obj = getattr(exc, "obj", None) or {"error": exc.message, "field": exc.field}
            print(json.dumps(obj, ensure_ascii=False))
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: log it, say it in one line
        log.exception("unexpected error in %s", getattr(args, "command", None))
        where = f" Chi tiết ghi trong nhật ký ở {log_dir}." if log_dir else ""
        print(f"Lỗi không mong đợi: {exc.__class__.__name__}: {exc}.{where}", file=sys.stderr)
        return 1
    if args.json and obj is not None:
        print(json.dumps(obj, ensure_ascii=False, indent=2))
    elif text:
        print(text)
    return getattr(args, "exit_status", 0)

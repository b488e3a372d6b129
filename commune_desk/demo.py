"""`make run`: open the desk on its embedded defaults — the per-user data folder, and a demo office
set up on first start so the counter is usable at once (change it in Quản trị)."""

import sys

from commune_desk import paths
from commune_desk.gui.app import run_app
from commune_desk.store.desk import Desk

DEMO = dict(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1,
            clerk_name="Cán bộ tiếp nhận", head_name="Chủ tịch UBND xã",
            lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}")


def main(argv=None) -> int:
    data_dir = (argv or sys.argv[1:] or [None])[0]
    desk = Desk(data_dir)
    if desk.config() is None:
        desk.setup(**DEMO)
    desk.close()
    print(f"Commune Desk: dữ liệu tại {paths.data_dir(data_dir)}")
    run_app(data_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

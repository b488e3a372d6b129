"""`make run`'s defaults: a demo office, and a demo district server the desk is enrolled to."""

import socket

import requests

from commune_desk import demo
from commune_desk.store.desk import Desk
from commune_desk.sync.engine import run_pass
from commune_desk.rules.intake import IntakeForm


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_server_enrols_the_demo_desk(tmp_path, monkeypatch, clock):
    monkeypatch.setattr(demo, "PORT", free_port())
    (tmp_path / "logs").mkdir()
    desk = Desk(tmp_path, clock=clock)
    desk.setup(**demo.DEMO)
    desk.close()
    server = demo.start_demo_server(tmp_path)
    try:
        assert server is not None and (tmp_path / "sync-token.json").exists()
        desk = Desk(tmp_path, clock=clock)
        d = desk.intake(IntakeForm(procedure_id="HT-KS", name="Nguyễn Văn Thử", phone="0912345678"))
        result = run_pass(desk)
        assert result.error is None
        # the public lookup: the code (as the slip's QR code opens it) and the phone's last 4 digits
        import re
        browser = requests.Session()
        form = browser.get(f"http://127.0.0.1:{demo.PORT}/tra-cuu", params={"ma": d.code}, timeout=5).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        page = browser.post(f"http://127.0.0.1:{demo.PORT}/tra-cuu", timeout=5,
                            data={"csrf_token": token, "ma": d.code, "so": "5678"})
        from commune_desk.district.web import mask_name
        assert d.code in page.text and mask_name("Nguyễn Văn Thử") in page.text
        assert "Nguyễn Văn Thử" not in page.text
        desk.close()
    finally:
        server.terminate()
        server.wait(10)

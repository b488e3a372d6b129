"""Attaching scans at the counter: at intake and later, what the clerk gets back, what is stored,
and what a crash between the file and its row leaves behind."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pages import rasterise, text_page_pdf

ROOT = Path(__file__).resolve().parents[2]


def run(data, *args, check=True):
    out = subprocess.run([sys.executable, "-m", "commune_desk", *args, "--data-dir", str(data)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """A full text page scanned at 200 dpi (PNG) and at 300 dpi (JPEG), and a receipt slip scanned
    at 300 dpi whose barcode must survive the conversion."""
    from commune_desk.documents import render_dossier_form
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store.desk import Desk
    root = tmp_path_factory.mktemp("scans")
    text = text_page_pdf(root / "text.pdf")
    desk = Desk(root / "slip-desk")
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    d = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt"))
    (root / "slip.pdf").write_bytes(render_dossier_form(desk, d.code, "01", "a4"))
    desk.close()
    return {"text200": rasterise(text, root / "text200.png", dpi=200),
            "text300": rasterise(text, root / "text300.jpg", dpi=300, fmt="jpeg"),
            "slip300": rasterise(root / "slip.pdf", root / "slip300.jpg", dpi=300, fmt="jpeg"),
            "pdf": text}


def render(pdf: Path, out: Path, dpi: int = 200) -> Path:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(out)], check=True)
    return Path(f"{out}.png")


def ocr(png: Path) -> str:
    """What a reader makes of the page: Tesseract with its Vietnamese model, lines joined."""
    out = subprocess.run(["tesseract", str(png), "-", "-l", "vie"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def image_info(pdf: Path) -> str:
    return subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_attach_at_intake_and_later_over_the_command_line(tmp_path, scans):
    data = tmp_path / "desk"
    run(data, "setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26")
    got = json.loads(run(data, "intake", "--procedure", "HT-XNHN", "--name", "Trần Thị Bình",
                         "--received-at", "2026-11-23T09:30:00+07:00",
                         "--attach", f"1={scans['text200']}", "--json").stdout)
    code = got["code"]
    listed = json.loads(run(data, "attachments", code, "--json").stdout)
    assert [(a["document"], a["pages"], a["sync_state"]) for a in listed] == [(1, 1, "pending")]

    # later (Xử lý): the slip, scanned at 300 dpi, to document 2; a PDF to the whole dossier
    later = json.loads(run(data, "attach", code, str(scans["slip300"]), "--document", "2", "--json").stdout)
    assert set(later) >= {"sha256", "size"}
    kept = json.loads(run(data, "attach", code, str(scans["pdf"]), "--json").stdout)
    assert kept["sha256"] == hashlib.sha256(scans["pdf"].read_bytes()).hexdigest()   # a PDF is kept as it is

    listed = json.loads(run(data, "attachments", code, "--json").stdout)
    assert [(a["document"], a["sha256"]) for a in listed] == [
        (1, listed[0]["sha256"]), (2, later["sha256"]), (None, kept["sha256"])]
    for a in listed:
        stored = Path(a["path"])
        assert stored.parent.parent == data / "attachments"
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == a["sha256"] == stored.name
        assert stored.stat().st_size == a["size"]

    # the slip, scanned at 300 dpi, is a 200 dpi bilevel page that still reads
    slip_pdf = Path(listed[1]["path"])
    assert "ccitt" in image_info(slip_pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in ocr(render(slip_pdf, tmp_path / "slip"))

    story = json.loads(run(data, "show", code, "--json").stdout)["events"]
    added = [e for e in story if e["kind"] == "attachment_added"]
    assert [e["document"] for e in added] == [1, 2, None]
    assert added[1]["sha256"] == later["sha256"]


@pytest.mark.parametrize("which", ["text200", "text300"])
def test_a_text_page_at_200_dpi_is_small_and_bilevel(desk, scans, tmp_path, which):
    from commune_desk.rules.intake import IntakeForm
    d = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Lê Văn Cường"))
    row = desk.attach(d.code, [scans[which]], document=1)
    pdf = desk.attachment_file(row)
    assert row.size == pdf.stat().st_size <= 60 * 1024
    listing = image_info(pdf)
    assert "ccitt" in listing and " 200   200 " in listing, listing
    # legible: an A4 page at 200 dpi whose every diacritic and slash reads back
    png = render(pdf, tmp_path / which)
    from PIL import Image
    assert Image.open(png).size == (1654, 2339)
    text = ocr(png)
    assert text.count("Nguyễn Văn Đạt, sinh ngày 12/03/1990, nơi cư trú thôn Đông") >= 5, text[:400]
    assert text.count("Nghị định số 61/2018/NĐ-CP") >= 5


def test_several_images_of_one_document_make_one_pdf(desk, scans):
    from commune_desk.rules.intake import IntakeForm
    d = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Lê Văn Cường"),
                    attachments=[(1, [scans["text200"], scans["slip300"], scans["pdf"]])])
    [row] = desk.attachments_of(d)
    assert row.pages == 3 and row.document == 1       # two scanned pages and a one-page PDF
    import pikepdf
    with pikepdf.open(desk.attachment_file(row)) as pdf:
        assert len(pdf.pages) == 3


@pytest.mark.parametrize("args, message", [
    (["attach", "{code}", "{junk}"], "không phải ảnh JPEG/PNG/TIFF hay PDF"),
    (["attach", "{code}", "{missing}"], "Không tìm thấy tệp"),
    (["attach", "{code}", "{png}", "--document", "9"], "Giấy tờ số 9 không có"),
    (["attach", "000.30.36.H26-261123-0999", "{png}"], "Không tìm thấy hồ sơ"),
])
def test_bad_input_changes_nothing(tmp_path, scans, args, message):
    data = tmp_path / "desk"
    run(data, "setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26")
    code = json.loads(run(data, "intake", "--procedure", "HT-XNHN", "--name", "An",
                          "--received-at", "2026-11-23T09:30:00+07:00", "--json").stdout)["code"]
    junk = tmp_path / "note.png"
    junk.write_text("không phải ảnh")
    values = {"code": code, "junk": junk, "missing": tmp_path / "nope.jpg", "png": scans["text200"]}
    out = run(data, *[a.format(**values) for a in args], check=False)
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert message in line and "Traceback" not in out.stderr
    assert json.loads(run(data, "attachments", code, "--json").stdout) == []
    assert not [p for p in (data / "attachments").rglob("*") if p.is_file()]


CRASH = textwrap.dedent("""
    import os, sys
    from commune_desk.store import attachments
    from commune_desk.store.desk import Desk
    real = attachments.Attachments._add_attachment

    def add_then_die(self, *args, **kwargs):
        real(self, *args, **kwargs)          # the row is written, its transaction not committed
        os._exit(9)                           # power cut

    attachments.Attachments._add_attachment = add_then_die
    desk = Desk(sys.argv[1])
    desk.attach(sys.argv[2], [sys.argv[3]], document=1)
""")


def test_a_crash_between_file_and_row_leaves_an_orphan_the_clean_up_removes(tmp_path, scans, clock):
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store.desk import Desk
    data = tmp_path / "desk"
    desk = Desk(data, clock=clock)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26")
    kept = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="An"), attachments=[(2, [scans["pdf"]])])
    d = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Bình"))
    desk.close()

    out = subprocess.run([sys.executable, "-c", CRASH, str(data), d.code, str(scans["text200"])],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 9, out.stderr

    desk = Desk(data, clock=clock)
    try:
        assert desk.attachments_of(desk.dossier(d.code)) == []          # no row without its file
        [survivor] = desk.attachments_of(desk.dossier(kept.code))
        files = sorted(p.name for p in (data / "attachments").rglob("*") if p.is_file())
        assert len(files) == 2 and survivor.sha256 in files              # the orphan is on disk
        assert desk.clean_attachments() == []                           # too fresh: maybe in flight
        removed = desk.clean_attachments(min_age_s=0)
        assert len(removed) == 1 and removed[0] != survivor.sha256
        assert [p.name for p in (data / "attachments").rglob("*") if p.is_file()] == [survivor.sha256]
        assert desk.attachment_file(survivor).is_file()
    finally:
        desk.close()


@pytest.mark.parametrize("password", [None, "mật khẩu USB 2026"])
def test_backups_carry_the_scans_and_a_restore_brings_them_back(desk, scans, tmp_path, password):
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store import backup
    d = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Lê Văn Cường"), attachments=[(1, [scans["pdf"]])])
    [row] = desk.attachments_of(d)
    usb = tmp_path / "usb"
    usb.mkdir()
    out = backup.make_backup(desk.path, usb / "desk.sqlite3", password=password)
    kept = list((usb / "attachments").rglob("*"))
    kept = [p for p in kept if p.is_file()]
    assert len(kept) == 1
    if password:
        assert kept[0].read_bytes() != scans["pdf"].read_bytes()          # sealed like the backup
    # a second backup to the same stick copies no file twice
    backup.make_backup(desk.path, usb / "desk-2.sqlite3", password=password)
    assert len([p for p in (usb / "attachments").rglob("*") if p.is_file()]) == 1

    data_dir, path = desk.data_dir, desk.path
    desk.close()
    desk.attachment_file(row).unlink()                     # the disk that held the scans is lost
    backup.restore(out, path, password=password)
    from commune_desk.store.desk import Desk
    again = Desk(data_dir)
    try:
        [back] = again.attachments_of(again.dossier(d.code))
        assert again.attachment_file(back).read_bytes() == scans["pdf"].read_bytes()
    finally:
        again.close()


def test_the_report_gains_the_digitised_share_by_period_and_field(tmp_path, scans):
    data = tmp_path / "desk"
    run(data, "setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26")

    def visit(procedure, *attach, at="2026-11-23T09:30:00+07:00"):
        args = ["intake", "--procedure", procedure, "--name", "Phạm Thị Hoa", "--received-at", at, "--json"]
        for a in attach:
            args += ["--attach", a]
        return json.loads(run(data, *args).stdout)["code"]

    pdf = str(scans["pdf"])
    # HT-XNHN: the form (1) and the ID paper (3); 2 and 4 apply only "(nếu …)"
    visit("HT-XNHN", f"1={pdf}", f"3={pdf}")
    visit("HT-XNHN")                                       # not scanned
    visit("HT-XNHN", pdf)                                  # the whole dossier in one scan
    code = visit("HT-KS", f"1={pdf}")                      # birth: the form only; 2 and 3 were handed in too
    visit("HT-KS", f"1={pdf}", at="2026-10-30T09:30:00+07:00")   # before the period
    report = json.loads(run(data, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--json").stdout)
    assert report["digitised"]["received"] == 4 and report["digitised"]["digitised"] == 2
    assert report["digitised"]["share"] == 50.0
    [field] = report["digitised"]["by_field"]
    assert field["field"] == "Hộ tịch" and (field["received"], field["digitised"]) == (4, 2)

    run(data, "attach", code, pdf, "--document", "2")
    run(data, "attach", code, pdf, "--document", "3")
    text = run(data, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "field").stdout
    assert "Tỷ lệ hồ sơ được số hoá         75,00 % (3/4)" in text
    assert "  – Hộ tịch: 75,00 % (3/4)" in text

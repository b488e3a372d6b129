"""`commune-desk --selftest`: what an installer or the IT help runs to know the build works here."""
from commune_desk import cli
from commune_desk.forms import fonts


def test_selftest_opens_the_window_renders_form_01_and_passes(tmp_path, capsys):
    assert cli.main(["--selftest", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for line in ("Thư mục dữ liệu ghi được", "Cơ sở dữ liệu mở được và nguyên vẹn",
                 "Phông chữ, danh mục (33 thủ tục)", "Giấy tiếp nhận (mẫu 01) in được",
                 "Cửa sổ ứng dụng mở và đóng được", "Tự kiểm tra: đạt."):
        assert line in out
    assert (tmp_path / "desk.sqlite3").is_file()
    assert "Tự kiểm tra: đạt." in (tmp_path / "logs" / "selftest.txt").read_text(encoding="utf-8")


def test_selftest_names_what_is_missing_from_the_build(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setattr(fonts, "fonts_dir", lambda: empty)
    assert cli.main(["--selftest", "--data-dir", str(tmp_path / "data")]) == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith("Tự kiểm tra không đạt: Thiếu phông chữ trong bản cài đặt: LiberationSerif-Regular.ttf")
    assert "\n" not in err and "Traceback" not in err


def test_selftest_says_when_the_data_folder_is_a_file(tmp_path, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    assert cli.main(["--selftest", "--data-dir", str(blocker)]) != 0
    assert "thư mục dữ liệu" in capsys.readouterr().err

import pytest

from harness import Server, enroll, make_desk, make_server  # noqa: F401  (tests/sync is on sys.path)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    srv = make_server(request.param, tmp_path / "server")
    srv.kind = request.param
    yield srv
    srv.stop()


@pytest.fixture
def sqlite_server(tmp_path):
    srv = make_server("sqlite", tmp_path / "server")
    srv.kind = "sqlite"
    yield srv
    srv.stop()


@pytest.fixture
def desk1(tmp_path):
    d = make_desk(tmp_path / "desk1", 1)
    yield d
    d.close()


@pytest.fixture
def desk2(tmp_path):
    d = make_desk(tmp_path / "desk2", 2)
    yield d
    d.close()

"""Fixtures shared by tests/sync and tests/district (each conftest imports them): the real server
on SQLite and PostgreSQL, a commune of the test's own, and desks enrolled to it."""

import pytest

from harness import make_desk, make_server, unique_agency


@pytest.fixture
def agency():
    return unique_agency()


@pytest.fixture(scope="module")
def server_options():
    """Extra keyword arguments for the module's server (a conftest may override this)."""
    return {}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_server(request, tmp_path_factory, server_options):
    srv = make_server(request.param, tmp_path_factory.mktemp("server"), **server_options)
    srv.kind = request.param
    yield srv
    srv.stop()


@pytest.fixture
def server(shared_server, agency):
    """The module's server process, with a commune of its own for this test."""
    if not shared_server.alive:
        shared_server.start()
    shared_server.agency = agency
    yield shared_server


@pytest.fixture
def sqlite_server(tmp_path, agency):
    srv = make_server("sqlite", tmp_path / "server")
    srv.kind, srv.agency = "sqlite", agency
    yield srv
    srv.stop()


@pytest.fixture
def desk1(tmp_path, agency):
    d = make_desk(tmp_path / "desk1", 1, agency=agency)
    yield d
    d.close()


@pytest.fixture
def desk2(tmp_path, agency):
    d = make_desk(tmp_path / "desk2", 2, agency=agency)
    yield d
    d.close()

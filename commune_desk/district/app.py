"""The WSGI application: the desks' API and the district's pages over one database."""

import logging
import secrets
from datetime import timedelta

from flask import Flask, request
from jinja2 import DictLoader
from peewee import IntegrityError

from commune_desk.district import api, pages, uploads, web
from commune_desk.district.db import open_database
from commune_desk.district.models import ServerSetting, database
from commune_desk.district.ratelimit import RateLimiter

log = logging.getLogger("commune_desk.district")


def _secret_key() -> str:
    row = ServerSetting.get_or_none(ServerSetting.key == "session_secret")
    if row is None:
        try:
            with database.atomic():
                ServerSetting.create(key="session_secret", value=secrets.token_hex(32))
        except IntegrityError:
            pass
        row = ServerSetting.get(ServerSetting.key == "session_secret")
    return row.value


def create_app(db_url: str, *, lookup_per_minute: int = 30, threads: int = 8, max_batch: int = 1000,
               bench_sink: bool = False, files_dir=None, max_file_bytes=None, quota_bytes=None) -> Flask:
    db = open_database(db_url, pool_size=threads + 4)
    app = Flask("commune_desk.district")
    app.jinja_loader = DictLoader(pages.TEMPLATES)
    with db.connection_context():
        app.secret_key = _secret_key()
    app.config.update(
        MAX_CONTENT_LENGTH=16 * 1024 * 1024, MAX_BATCH=max_batch,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        LOOKUP_LIMITER=RateLimiter(lookup_per_minute), LOGIN_LIMITER=RateLimiter(10),
        ENROL_LIMITER=RateLimiter(20))
    app.register_blueprint(api.bp)
    uploads.install(app, files_dir, max_file_bytes, quota_bytes)
    if bench_sink:
        # benchmark only (serve --bench-sink): the floor "a raw POST of the same bytes" is measured
        # against the same process, the same waitress and the same loopback as a push
        app.add_url_rule(api.BENCH_SINK_PATH, "bench_sink", api.bench_sink, methods=["POST"])
        app.add_url_rule(api.BENCH_STORE_PATH, "bench_store", api.bench_store, methods=["POST"])
    app.register_blueprint(web.bp)

    @app.before_request
    def _open():
        db.connect(reuse_if_open=True)

    pooled = hasattr(db, "close_all")

    @app.teardown_request
    def _close(exc):
        # a pooled (PostgreSQL) connection goes back to the pool; a SQLite connection stays
        # open in its worker thread, reused by the next request (opening one costs more)
        if pooled and not db.is_closed():
            db.close()

    @app.errorhandler(Exception)
    def _unexpected(exc):
        from werkzeug.exceptions import HTTPException
        if isinstance(exc, HTTPException):
            if request.path.startswith("/api/"):
                return api.error(exc.code or 500, "http", f"Lỗi HTTP {exc.code}.")
            return web._message("Lỗi", f"Không tìm thấy trang hoặc yêu cầu không hợp lệ (mã {exc.code}).",
                                exc.code or 500)
        log.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return api.error(500, "server_error", "Máy chủ gặp lỗi; quầy sẽ gửi lại sau.")
        return web._message("Lỗi", "Máy chủ gặp lỗi. Vui lòng thử lại sau.", 500)

    return app

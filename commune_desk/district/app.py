"""The WSGI application: the desks' API and the district's pages over one database."""

import logging
import secrets
from datetime import timedelta

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import DictLoader
from peewee import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from commune_desk.district import api, commune_page, dossier_page, pages, uploads, web
from commune_desk.district.db import open_database
from commune_desk.district.limits import limiter
from commune_desk.district.models import ServerSetting, database

log = logging.getLogger("commune_desk.district")

csrf = CSRFProtect()

# every page: its own style sheet only, no script, no frames, forms back to this server
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",        # Flask-WTF checks the Referer of a form posted over TLS
    "X-Content-Type-Options": "nosniff",
}


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over TLS (directly, or through a
    trusted proxy that says so in X-Forwarded-Proto)."""

    def get_cookie_secure(self, app):
        return request.is_secure or super().get_cookie_secure(app)


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
               trusted_proxies: int = 0, files_dir=None, max_file_bytes=None, quota_bytes=None) -> Flask:
    db = open_database(db_url, pool_size=threads + 4)
    app = Flask("commune_desk.district")
    app.jinja_loader = DictLoader(pages.TEMPLATES)
    app.session_interface = _SessionInterface()
    with db.connection_context():
        app.secret_key = _secret_key()
    app.config.update(
        MAX_CONTENT_LENGTH=16 * 1024 * 1024, MAX_BATCH=max_batch,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8), WTF_CSRF_TIME_LIMIT=8 * 3600,
        LOOKUP_PER_MINUTE=max(1, lookup_per_minute), RATELIMIT_HEADERS_ENABLED=False)
    if trusted_proxies > 0:
        # behind N reverse proxies the client is the N-th address from the right of X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies,
                                x_host=trusted_proxies)
    csrf.init_app(app)
    csrf.exempt(api.bp)                 # desks authenticate with a bearer token, not a cookie
    limiter.init_app(app)
    app.register_blueprint(api.bp)
    uploads.install(app, files_dir, max_file_bytes, quota_bytes)
    app.register_blueprint(web.bp)
    dossier_page.install(app)
    commune_page.install(app)
    app.add_url_rule("/kieu.css", "style", lambda: Response(pages.STYLE, mimetype="text/css",
                                                            headers={"Cache-Control": "max-age=3600"}))

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

    @app.after_request
    def _headers(response):
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(CSRFError)
    def _csrf_refused(exc):
        return web.csrf_refused()

    @app.errorhandler(429)
    def _too_many(exc):
        if request.path.startswith("/api/"):
            return api.error(429, "rate_limited", "Quá nhiều yêu cầu; hãy đợi một phút.")
        return web.message("Quá nhiều yêu cầu", "Bạn thao tác quá nhiều lần trong thời gian ngắn. "
                                                "Vui lòng thử lại sau một phút.", 429)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            if request.path.startswith("/api/"):
                return api.error(exc.code or 500, "http", f"Lỗi HTTP {exc.code}.")
            return web.message("Lỗi", f"Không tìm thấy trang hoặc yêu cầu không hợp lệ (mã {exc.code}).",
                               exc.code or 500)
        log.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return api.error(500, "server_error", "Máy chủ gặp lỗi; quầy sẽ gửi lại sau.")
        return web.message("Lỗi", "Máy chủ gặp lỗi. Vui lòng thử lại sau.", 500)

    return app

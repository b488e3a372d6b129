"""Serving the WSGI app: waitress in one process (the default, Windows, the embedded demo), or
gunicorn with N worker processes on POSIX (`serve --workers N`, a province server). One Python
process computes one request at a time (the GIL); a server with many cores serves more desks at
once with one worker per core. Gunicorn's arbiter replaces a worker that dies and stops them all
on SIGTERM/SIGINT."""

import sys

# client addresses come from werkzeug's ProxyFix in the app (district/app.py, --trusted-proxies),
# so neither server rewrites or drops X-Forwarded-* itself
WAITRESS_OPTIONS = dict(ident="commune-district", channel_timeout=120, clear_untrusted_proxy_headers=False)


def can_fork() -> bool:
    return sys.platform != "win32"


def serve(make_app, host: str, port: int, threads: int, workers: int = 1) -> None:
    """make_app() builds the WSGI app; under gunicorn each worker builds its own after the fork
    (database connections are never shared between processes)."""
    if workers > 1 and can_fork():
        _gunicorn(make_app, host, port, threads, workers)
        return
    import waitress
    waitress.serve(make_app(), host=host, port=port, threads=threads,
                   connection_limit=max(100, threads * 16), **WAITRESS_OPTIONS)


def _gunicorn(make_app, host: str, port: int, threads: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers, "worker_class": "gthread", "threads": threads,
                "worker_connections": max(100, threads * 16), "backlog": 1024,
                "timeout": 120, "graceful_timeout": 30, "keepalive": 5,
                "forwarded_allow_ips": "", "proc_name": "commune-district",
                "accesslog": None, "errorlog": "-", "loglevel": "info",
            }
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn ≥ 25 opens a control socket at one path per user; two servers would share it
                settings["control_socket_disable"] = True
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return make_app()

    Application().run()

"""The console's app factory: configuration, the database, sign-in, security, and the views."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from console.auth import DEFAULT_IDLE_MINUTES, DEFAULT_LIFETIME_HOURS, init_auth
from console.display import init_display
from console.jobs import JobRunner, sweep_abandoned
from console.menu_cache import init_menu_cache
from console.privacy import DEFAULT_MAX_UPLOAD_MB, ConsoleFlask, init_privacy
from console.security import csp_nonce, init_security
from console.static_files import init_static_files
from store.database import DEFAULT_URL, database_proxy, open_database
from store.private_files import keep_new_files_private, private_folder
from store.schema import init_schema

__all__ = ["create_app", "ConsoleConfigError", "PRODUCTION", "DEVELOPMENT", "DEFAULT_POOL_SIZE"]

DEFAULT_POOL_SIZE = 16
"""Database connections one console process keeps (its server's threads, its jobs, a heartbeat)."""

PRODUCTION = "production"
DEVELOPMENT = "development"

_PACKAGE = Path(__file__).resolve().parent


class ConsoleConfigError(RuntimeError):
    """The console cannot start with this configuration (the message says what to set)."""


def _setting(config: Mapping[str, Any], key: str, env: str, default: Any = None) -> Any:
    if config.get(key) is not None:
        return config[key]
    return os.environ.get(env) or default


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _resolve(config: Mapping[str, Any]) -> dict[str, Any]:
    env = str(_setting(config, "SSID_ENV", "SSID_ENV", PRODUCTION)).strip().lower()
    if env not in (PRODUCTION, DEVELOPMENT):
        raise ConsoleConfigError(f"SSID_ENV must be {PRODUCTION} or {DEVELOPMENT}, not {env!r}")
    testing = bool(config.get("TESTING", False))
    secret = _setting(config, "SECRET_KEY", "SSID_SECRET_KEY")
    secret_given = bool(secret)
    if not secret:
        if env == PRODUCTION and not testing:
            raise ConsoleConfigError(
                "the console refuses to start in production without a secret key: "
                "set SSID_SECRET_KEY to a long random value (or SSID_ENV=development for a trial)"
            )
        # Development: a key for this process only (sessions end when it stops).
        secret = secrets.token_hex(32)
    upload_mb = int(_setting(config, "MAX_UPLOAD_MB", "SSID_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
    instance = Path(_setting(config, "INSTANCE_PATH", "SSID_INSTANCE_PATH", "instance")).resolve()
    resolved = dict(config)
    resolved.update(
        SSID_ENV=env,
        TESTING=testing,
        SECRET_KEY=secret,
        DATABASE_URL=_setting(config, "DATABASE_URL", "SSID_DATABASE_URL", DEFAULT_URL),
        UPLOAD_FOLDER=str(Path(_setting(config, "UPLOAD_FOLDER", "SSID_UPLOAD_FOLDER", instance / "uploads")).resolve()),
        OUTPUT_FOLDER=str(Path(_setting(config, "OUTPUT_FOLDER", "SSID_OUTPUT_FOLDER", instance / "files")).resolve()),
        GENERATED_SECRET=not secret_given,
        SECURE_COOKIES=_truthy(_setting(config, "SECURE_COOKIES", "SSID_SECURE_COOKIES", "0")),
        LONG_LOAD_LINES=int(_setting(config, "LONG_LOAD_LINES", "SSID_LONG_LOAD_LINES", 10_000)),
        JOB_WORKERS=int(config.get("JOB_WORKERS", 2)),
        DATABASE_POOL_SIZE=int(config.get("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE)),
        SESSION_IDLE_MINUTES=float(_setting(config, "SESSION_IDLE_MINUTES", "SSID_SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)),
        SESSION_LIFETIME_HOURS=float(
            _setting(config, "SESSION_LIFETIME_HOURS", "SSID_SESSION_LIFETIME_HOURS", DEFAULT_LIFETIME_HOURS)
        ),
        MAX_UPLOAD_MB=upload_mb,
        # The file plus the form's few fields; the saved file is measured again (received_upload).
        MAX_CONTENT_LENGTH=config.get("MAX_CONTENT_LENGTH", upload_mb * 1024**2 + 64 * 1024),
        MAX_FORM_MEMORY_SIZE=config.get("MAX_FORM_MEMORY_SIZE", 8 * 1024**2),
    )
    return resolved


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the console on the district database named by ``DATABASE_URL``.

    Keys: ``DATABASE_URL`` (else ``SSID_DATABASE_URL``, else ``sqlite:///instance/ssid.db``),
    ``SECRET_KEY`` (else ``SSID_SECRET_KEY``; required in production), ``TESTING``,
    ``SSID_ENV`` (``production`` by default, or ``development``), ``SECURE_COOKIES``,
    ``UPLOAD_FOLDER``, ``OUTPUT_FOLDER`` (where produced files are also written),
    ``LONG_LOAD_LINES`` (loads longer than this run as background jobs; else ``SSID_LONG_LOAD_LINES``),
    ``MAX_UPLOAD_MB`` (the largest file accepted, 200 MB by default; else ``SSID_MAX_UPLOAD_MB``),
    ``DATABASE_POOL_SIZE`` (connections kept open and reused by this process's requests and jobs,
    16 by default; a request waits for one when all are in use), ``SESSION_IDLE_MINUTES`` (a session unused this long ends, 480 by default; else
    ``SSID_SESSION_IDLE_MINUTES``), ``SESSION_LIFETIME_HOURS`` (a session ends this long after
    sign-in, 24 by default; else ``SSID_SESSION_LIFETIME_HOURS``).
    Raises :class:`ConsoleConfigError` when the configuration cannot be used.
    """
    keep_new_files_private()  # uploads, written files, the database: owner-only whatever the umask
    settings = _resolve(config or {})
    app = ConsoleFlask("console", root_path=str(_PACKAGE), static_folder="static", template_folder="templates")
    app.config.update(settings)
    private_folder(Path(app.config["UPLOAD_FOLDER"]))

    database = open_database(app.config["DATABASE_URL"], pool=app.config["DATABASE_POOL_SIZE"])
    if app.config.get("INIT_SCHEMA", True):
        with database.connection_context():
            init_schema(database)
            sweep_abandoned()  # jobs of a console (or command) that died show as failed, not running

    @app.before_request
    def _connect() -> None:
        database_proxy.connect(reuse_if_open=True)

    @app.teardown_request
    def _disconnect(_exc: BaseException | None) -> None:
        if not database_proxy.is_closed():
            database_proxy.close()  # back to the pool, for the next request

    init_privacy(app)
    init_security(app, secure_cookie=app.config["SECURE_COOKIES"])
    init_auth(app)
    init_display(app)
    init_menu_cache(app)
    app.extensions["ssid_jobs"] = JobRunner(workers=app.config["JOB_WORKERS"])

    admin = Admin(
        app,
        name="SSID Workbench",
        url="/admin",
        index_view=_home_view(),
        theme=Bootstrap4Theme(base_template="console/layout.html", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    from console.views import register_views

    register_views(admin)
    from console.views.review_cells import init_review_cells

    init_review_cells(app)
    init_static_files(app)  # after every blueprint with static files (Flask-Admin's) is registered
    return app


def _home_view() -> Any:
    from console.views.home import HomeView

    return HomeView(name="Home", url="/admin", endpoint="admin")

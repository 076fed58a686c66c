"""Sign-in, sign-out and roles.

Users live in the ``user`` table (:class:`store.tables.UserRow`, werkzeug password hashes).
Two roles: ``admin`` does everything; ``auditor`` reads tables, runs, history and file metadata.
The rule "an auditor changes nothing" is enforced once, before every request: any POST by a
non-admin answers 403 (signing out aside). Read-only endpoints that hand out student data
(exports, file downloads) are marked with :func:`admin_only` or listed by their view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import flask_login  # type: ignore[import-untyped]
from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from store.database import utc_now
from store.sign_ins import failures_since, forget_failures, record_failure
from store.users import ROLES, UserAccount, authenticate, get_user_by_id

__all__ = [
    "ADMIN",
    "AUDITOR",
    "ROLES",
    "SignedIn",
    "current_user",
    "is_admin",
    "admin_only",
    "init_auth",
    "LoginRateLimit",
]

ADMIN = "admin"
AUDITOR = "auditor"


F = TypeVar("F", bound=Callable[..., Any])

# Endpoints reachable without signing in, and the POSTs an auditor may make.
_PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "favicon"})
_AUDITOR_POSTS = frozenset({"auth.logout"})


@dataclass(frozen=True)
class SignedIn(flask_login.UserMixin):  # type: ignore[misc]
    """The signed-in person as the console sees them (never the password hash)."""

    id: int
    name: str
    role: str

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def current_user() -> SignedIn | None:
    """The signed-in user of this request, or ``None``."""
    user = flask_login.current_user
    return user if isinstance(user, SignedIn) else None


def is_admin() -> bool:
    """Whether the person behind this request is a signed-in admin."""
    user = current_user()
    return user is not None and user.is_admin


def admin_only(view: F) -> F:
    """Mark a read-only endpoint that hands out student data: an auditor gets 403."""
    view._admin_only = True  # type: ignore[attr-defined]
    return view


def _signed_in(account: UserAccount | None) -> SignedIn | None:
    if account is None or not account.active or account.role not in ROLES:
        return None
    return SignedIn(id=account.id, name=account.name, role=account.role)


def _load_user(user_id: str) -> SignedIn | None:
    return _signed_in(get_user_by_id(int(user_id))) if user_id.isdigit() else None


class LoginRateLimit:
    """At most ``limit`` failed sign-ins per name and per address within ``window`` seconds.

    The failures are kept in the database (:mod:`store.sign_ins`), so every console process and a
    restarted one count the same failures.
    """

    def __init__(self, limit: int = 5, window: float = 60.0, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.limit = limit
        self.window = dt.timedelta(seconds=window)
        self._clock = clock

    def blocked(self, name: str, address: str) -> bool:
        """Whether another attempt for ``name`` from ``address`` must wait."""
        return failures_since(_keys(name, address), self._clock() - self.window) >= self.limit

    def failed(self, name: str, address: str) -> None:
        now = self._clock()
        record_failure(_keys(name, address), now, forget_before=now - self.window)

    def succeeded(self, name: str) -> None:
        forget_failures(_keys(name, "")[:1])


def _keys(name: str, address: str) -> tuple[str, str]:
    return (f"user:{name.strip().lower()}", f"ip:{address}")


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site: never an absolute URL (open redirect).
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home() -> str:
    return str(url_for("admin.index"))


bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | BaseResponse | tuple[str, int] | str:
    if current_user() is not None and request.method == "GET":
        return redirect(_home())
    error = None
    status = 200
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or "unknown"
        limiter: LoginRateLimit = current_app.extensions["ssid_login_rate_limit"]
        if limiter.blocked(name, address):
            error, status = "Too many failed sign-ins. Wait a minute and try again.", 429
        else:
            user = _signed_in(authenticate(name, password)) if name else None
            if user is not None:
                limiter.succeeded(name)
                session.clear()  # a fresh session (and CSRF token) on sign-in: no fixation
                flask_login.login_user(user)
                return redirect(_safe_next(request.args.get("next")) or _home())
            limiter.failed(name, address)
            error, status = "Unknown name or wrong password.", 401
    return render_template("console/login.html", error=error, name=name), status


@bp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    flask_login.logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/")
def root() -> BaseResponse:
    return redirect(_home())


def _endpoint_admin_only(app: Flask, endpoint: str) -> bool:
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "_admin_only", False))


def _enforce_roles() -> BaseResponse | None:
    endpoint = request.endpoint or ""
    if endpoint in _PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
        return None
    user = current_user()
    if user is None:
        if request.method == "GET" and endpoint:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if user.is_admin:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS") and endpoint not in _AUDITOR_POSTS:
        abort(403, description="Auditors can read but not change anything.")
    if _endpoint_admin_only(current_app, endpoint):
        abort(403, description="Auditors cannot download student data.")
    return None


def init_auth(app: Flask) -> None:
    """Sign-in pages, the user loader, and the role check in front of every request."""
    manager = flask_login.LoginManager()
    manager.login_view = "auth.login"
    manager.session_protection = "basic"
    manager.user_loader(_load_user)
    manager.init_app(app)
    app.extensions["ssid_login_rate_limit"] = LoginRateLimit()
    app.register_blueprint(bp)
    app.before_request(_enforce_roles)
    app.jinja_env.globals.update(console_user=current_user, is_admin=is_admin)

"""Sign-in, sign-out and roles.

Users live in the ``user`` table (:class:`store.tables.UserRow`, werkzeug password hashes).
Two roles: ``admin`` does everything; ``auditor`` reads tables, runs, history and file metadata.
The rule "an auditor changes nothing" is enforced once, before every request: any POST by a
non-admin answers 403 (signing out aside). Read-only endpoints that hand out student data
(exports, file downloads) are marked with :func:`admin_only` or listed by their view.

A session lives in the signed cookie, so it is checked on every request: it carries its user's
session version (sign-out, a new password, deactivation and a new role raise the version, ending
every session of that user at once, a saved copy of the cookie included), when it began (it ends
after ``SESSION_LIFETIME_HOURS``) and when it was last used (it ends after ``SESSION_IDLE_MINUTES``
without a request).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import flask_login  # type: ignore[import-untyped]
from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from console.redirects import safe_return_path
from store.database import utc_now
from store.sign_ins import SignInAttempt, count_attempt, forget_attempt, forget_failures
from store.users import MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, ROLES, UserAccount, authenticate, end_sessions, get_user_by_id

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


# What a session carries besides flask-login's user id.
_VERSION = "_session_version"
_BEGUN = "_session_begun"
_SEEN = "_session_seen"
_SEEN_RESOLUTION = 60.0  # seconds: the last-use time is rewritten at most once a minute

DEFAULT_IDLE_MINUTES = 8 * 60
DEFAULT_LIFETIME_HOURS = 24


def _session_expired(now: float) -> bool:
    begun, seen = session.get(_BEGUN), session.get(_SEEN)
    if not isinstance(begun, (int, float)) or not isinstance(seen, (int, float)):
        return True
    idle = float(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = float(current_app.config["SESSION_LIFETIME_HOURS"]) * 3600
    return now - seen > idle or now - begun > lifetime


def _load_user(user_id: str) -> SignedIn | None:
    account = get_user_by_id(int(user_id)) if user_id.isdigit() else None
    user = _signed_in(account)
    now = time.time()
    if account is None or user is None or session.get(_VERSION) != account.session_version or _session_expired(now):
        session.clear()  # ended: the browser gets a cookie without it
        return None
    if now - float(session[_SEEN]) > _SEEN_RESOLUTION:
        session[_SEEN] = now
    return user


def _begin_session(user: SignedIn, version: int) -> None:
    session.clear()  # a fresh session (and CSRF token) on sign-in: no fixation
    flask_login.login_user(user)
    now = time.time()
    session.update({_VERSION: version, _BEGUN: now, _SEEN: now})


class LoginRateLimit:
    """At most ``limit`` sign-in attempts per name and per address within ``window`` seconds,
    counted before the password is checked (a successful attempt is then no longer counted).

    The attempts are kept in the database (:mod:`store.sign_ins`), recorded and counted in one
    transaction, so simultaneous attempts, every console process and a restarted one count the
    same attempts: of N simultaneous guesses, at most ``limit`` passwords are ever checked.
    """

    def __init__(self, limit: int = 5, window: float = 60.0, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.limit = limit
        self.window = dt.timedelta(seconds=window)
        self._clock = clock

    def attempt(self, name: str, address: str) -> SignInAttempt | None:
        """Count an attempt for ``name`` from ``address``; ``None`` when it must wait (too many)."""
        now = self._clock()
        attempt = count_attempt(_keys(name, address), now, since=now - self.window)
        return attempt if attempt.count <= self.limit else None

    def succeeded(self, name: str, attempt: SignInAttempt) -> None:
        forget_attempt(attempt)
        forget_failures(_keys(name, "")[:1])


def _keys(name: str, address: str) -> tuple[str, str]:
    return (f"user:{name.strip().lower()}", f"ip:{address}")


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
        if len(name) > MAX_NAME_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
            # Never stored as a limiter key nor echoed back; no account has such a name or password.
            error, status, name = "The name or the password is too long.", 400, ""
        elif (attempt := limiter.attempt(name, address)) is None:
            error, status = "Too many failed sign-ins. Wait a minute and try again.", 429
        else:
            account = authenticate(name, password)
            user = _signed_in(account)
            if account is not None and user is not None:
                limiter.succeeded(name, attempt)
                _begin_session(user, account.session_version)
                return redirect(safe_return_path(request.args.get("next")) or _home())
            error, status = "Unknown name or wrong password.", 401
    return render_template("console/login.html", error=error, name=name), status


@bp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    user = current_user()
    if user is not None:
        end_sessions(user.id)  # every copy of this cookie, and the user's other browsers
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
    app.config.setdefault("SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)
    app.config.setdefault("SESSION_LIFETIME_HOURS", DEFAULT_LIFETIME_HOURS)
    # The cookie itself never outlives a session (Flask's default is 31 days).
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=float(app.config["SESSION_LIFETIME_HOURS"]))
    app.extensions["ssid_login_rate_limit"] = LoginRateLimit()
    app.register_blueprint(bp)
    app.before_request(_enforce_roles)
    app.jinja_env.globals.update(console_user=current_user, is_admin=is_admin)

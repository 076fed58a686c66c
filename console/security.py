"""What protects every request of the console: CSRF tokens, security headers, the CSP nonce.

One CSRF scheme serves the whole console: a random token kept in the (signed) session, put in a
hidden ``csrf_token`` field of every form, checked before any POST reaches a view. Flask-Admin's
model views use :class:`ConsoleSecureForm`, whose token is the same one, so a model form, a
delete button, a mass action and a workflow button are all checked by the same code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from flask import Flask, Response, abort, g, request, session
from markupsafe import Markup
from wtforms.csrf.core import CSRF
from wtforms.fields import Field
from wtforms.validators import ValidationError
from flask_admin.form import SecureForm

__all__ = [
    "CSRF_FIELD",
    "FLASK_ADMIN_HANDLERS",
    "CSRF_HEADER",
    "ConsoleSecureForm",
    "csrf_token",
    "csrf_field",
    "csrf_token_is_valid",
    "csp_nonce",
    "init_security",
]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SESSION_KEY = "_csrf"


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def csrf_field() -> Markup:
    """A hidden form field carrying the CSRF token (for templates: ``{{ csrf_field() }}``)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token())


def csrf_token_is_valid(candidate: str | None) -> bool:
    """Whether ``candidate`` is this session's token (constant-time comparison)."""
    expected = session.get(_SESSION_KEY)
    if not candidate or not isinstance(expected, str):
        return False
    return hmac.compare_digest(candidate.encode(), expected.encode())


class _SessionToken(CSRF):
    """WTForms CSRF backed by :func:`csrf_token`, so model forms carry the console's one token."""

    def generate_csrf_token(self, csrf_token_field: Field) -> str:
        return csrf_token()

    def validate_csrf_token(self, form: Any, field: Field) -> None:
        if not csrf_token_is_valid(field.data):
            raise ValidationError("The form has expired; reload the page and try again.")


class ConsoleSecureForm(SecureForm):
    """Base form of every Flask-Admin model view: a CSRF-protected form using the console's token."""

    class Meta:
        csrf = True
        csrf_class = _SessionToken
        csrf_field_name = CSRF_FIELD


def csp_nonce() -> str:
    """A fresh nonce per request for the few inline scripts Flask-Admin's templates carry."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        g.csp_nonce = nonce
    return nonce


def _check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    submitted = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not csrf_token_is_valid(submitted):
        abort(400, description="The form is missing its security token or it has expired; reload the page.")


# The inline event handlers Flask-Admin's Bootstrap 4 list pages carry (confirm before deleting a
# row, run a mass action, keep a menu link from navigating). CSP's 'unsafe-hashes' lets exactly
# these run; any other inline handler or script without the page's nonce is still refused.
FLASK_ADMIN_HANDLERS = (
    "return faHelpers.safeConfirm('Are you sure you want to delete this record?');",
    "return modelActions.execute('delete');",
    "return false;",
)


def _hash_source(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


_HANDLER_HASHES = " ".join(_hash_source(handler) for handler in FLASK_ADMIN_HANDLERS)


def _content_security_policy() -> str:
    # Everything is served by the console itself: no CDN, no external font, no frame.
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}' 'unsafe-hashes' {_HANDLER_HASHES}",
            # Bootstrap's and select2's scripts set style attributes; styles cannot run code.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        )
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = _content_security_policy()
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    endpoint = request.endpoint or ""
    if endpoint != "static" and not endpoint.endswith(".static"):
        # Pages show student data: no copy in shared or browser caches. Static files (the
        # console's and Flask-Admin's) say their own caching (console.static_files).
        headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask, secure_cookie: bool) -> None:
    """Session cookie flags, a CSRF check before every state-changing request, headers on every response."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookie,
    )
    app.before_request(_check_csrf)
    app.after_request(_add_headers)
    app.jinja_env.globals.update(csrf_field=csrf_field, csrf_token=csrf_token, csp_nonce=csp_nonce)

"""Console users: names, roles (``admin``, ``auditor``), werkzeug password hashes, and the
session version that ends every session of a user at once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import peewee
from werkzeug.security import check_password_hash, generate_password_hash

from store.errors import NotFound, StoreError
from store.fixed_sql import FixedQuery
from store.tables import UserRow

__all__ = [
    "ROLES",
    "MAX_NAME_LENGTH",
    "MAX_PASSWORD_LENGTH",
    "UserAccount",
    "add_user",
    "set_password",
    "deactivate_user",
    "authenticate",
    "end_sessions",
    "ends_sessions",
    "get_user",
    "get_user_by_id",
    "list_users",
]

ROLES: tuple[str, ...] = ("admin", "auditor")

MAX_NAME_LENGTH = 80
"""The longest user name (the column's width); a longer sign-in name is refused unread."""

MAX_PASSWORD_LENGTH = 256
"""The longest password accepted (hashing a megabyte-long one is work an attacker chooses)."""


@dataclass(frozen=True, slots=True)
class UserAccount:
    """A console user without the password hash; ``session_version`` is what a session must carry."""

    id: int
    name: str
    role: str
    active: bool
    session_version: int = 0


def _account(row: UserRow) -> UserAccount:
    return UserAccount(row.id, row.name, row.role, bool(row.active), int(row.session_version))


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise StoreError("a password needs at least 8 characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StoreError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


def _check(name: str, password: str, role: str) -> None:
    if not name.strip() or name != name.strip():
        raise StoreError("a user name must not be blank or padded")
    if len(name) > MAX_NAME_LENGTH:
        raise StoreError(f"a user name has at most {MAX_NAME_LENGTH} characters")
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)


def add_user(name: str, password: str, role: str) -> UserAccount:
    """Create a user; refuses an unknown role, a short password or a name already taken."""
    _check(name, password, role)
    try:
        row = UserRow.create(name=name, password_hash=generate_password_hash(password), role=role)
    except peewee.IntegrityError:
        raise StoreError(f"user {name} already exists") from None
    return _account(row)


def set_password(name: str, password: str) -> None:
    """Change a user's password; every session the user had ends."""
    _check_password(password)
    changed = (
        UserRow.update(password_hash=generate_password_hash(password), session_version=UserRow.session_version + 1)
        .where(UserRow.name == name)
        .execute()
    )
    if not changed:
        raise NotFound("user", name)


def deactivate_user(name: str) -> None:
    """Stop a user from signing in; every session the user had ends."""
    changed = (
        UserRow.update(active=False, session_version=UserRow.session_version + 1).where(UserRow.name == name).execute()
    )
    if not changed:
        raise NotFound("user", name)


def end_sessions(user_id: int) -> None:
    """End every session of this user (sign-out ends them on every browser, not only this one)."""
    UserRow.update(session_version=UserRow.session_version + 1).where(UserRow.id == user_id).execute()


def ends_sessions(before: UserAccount, after: UserAccount, password_changed: bool) -> bool:
    """Whether an edit of a user ends the user's sessions: a new password, role or deactivation."""
    return password_changed or before.role != after.role or (before.active and not after.active)


@cache
def _decoy_hash() -> str:
    # Checked against when the name is unknown, so an unknown name costs the same hash as a real one.
    return generate_password_hash("a password no account has")


def authenticate(name: str, password: str) -> UserAccount | None:
    """The active user with this name and password, else ``None`` (no hint which one was wrong).

    Every call checks one password hash, whether the name is unknown, inactive or real, so the
    answer's time does not tell which names exist.
    """
    row = UserRow.get_or_none(UserRow.name == name) if len(name) <= MAX_NAME_LENGTH else None
    matches = check_password_hash(row.password_hash if row is not None else _decoy_hash(), password)
    if row is None or not row.active or not matches:
        return None
    return _account(row)


def get_user(name: str) -> UserAccount | None:
    row = UserRow.get_or_none(UserRow.name == name)
    return _account(row) if row is not None else None


_USER: FixedQuery[UserRow] = FixedQuery(lambda user_id: UserRow.select().where(UserRow.id == user_id).limit(1))
"""Every signed-in request reads its user (the session's version, the role): built once."""


def get_user_by_id(user_id: int) -> UserAccount | None:
    row = _USER.first(user_id)
    return _account(row) if row is not None else None


def list_users() -> list[UserAccount]:
    return [_account(row) for row in UserRow.select().order_by(UserRow.name)]

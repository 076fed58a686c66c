"""Console users: names, roles (``admin``, ``auditor``) and werkzeug password hashes."""

from __future__ import annotations

from dataclasses import dataclass

import peewee
from werkzeug.security import check_password_hash, generate_password_hash

from store.errors import NotFound, StoreError
from store.tables import UserRow

__all__ = ["ROLES", "UserAccount", "add_user", "set_password", "authenticate", "get_user", "get_user_by_id", "list_users"]

ROLES: tuple[str, ...] = ("admin", "auditor")


@dataclass(frozen=True, slots=True)
class UserAccount:
    """A console user without the password hash."""

    id: int
    name: str
    role: str
    active: bool


def _account(row: UserRow) -> UserAccount:
    return UserAccount(row.id, row.name, row.role, bool(row.active))


def _check(name: str, password: str, role: str) -> None:
    if not name.strip() or name != name.strip():
        raise StoreError("a user name must not be blank or padded")
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise StoreError("a password needs at least 8 characters")


def add_user(name: str, password: str, role: str) -> UserAccount:
    """Create a user; refuses an unknown role, a short password or a name already taken."""
    _check(name, password, role)
    try:
        row = UserRow.create(name=name, password_hash=generate_password_hash(password), role=role)
    except peewee.IntegrityError:
        raise StoreError(f"user {name} already exists") from None
    return _account(row)


def set_password(name: str, password: str) -> None:
    """Change a user's password."""
    if len(password) < 8:
        raise StoreError("a password needs at least 8 characters")
    changed = UserRow.update(password_hash=generate_password_hash(password)).where(UserRow.name == name).execute()
    if not changed:
        raise NotFound("user", name)


def authenticate(name: str, password: str) -> UserAccount | None:
    """The active user with this name and password, else ``None`` (no hint which one was wrong)."""
    row = UserRow.get_or_none(UserRow.name == name)
    if row is None or not row.active or not check_password_hash(row.password_hash, password):
        return None
    return _account(row)


def get_user(name: str) -> UserAccount | None:
    row = UserRow.get_or_none(UserRow.name == name)
    return _account(row) if row is not None else None


def get_user_by_id(user_id: int) -> UserAccount | None:
    row = UserRow.get_or_none(UserRow.id == user_id)
    return _account(row) if row is not None else None


def list_users() -> list[UserAccount]:
    return [_account(row) for row in UserRow.select().order_by(UserRow.name)]

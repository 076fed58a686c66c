"""Fixed queries on a real database: the rows of the peewee query they are written as, whatever
values they are run with after their SQL was built, and a parameter that would not reach the SQL as
given refused rather than answered wrong."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from store.fixed_sql import FixedQuery, FixedSqlError
from store.tables import UserRow


def _users() -> list[UserRow]:
    for n, role in enumerate(("admin", "auditor", "admin", "admin")):
        UserRow.create(name=f"user{n}", password_hash="x", role=role, session_version=n)
    return list(UserRow.select().order_by(UserRow.id))


def _by_role(role: str, version: int) -> peewee.ModelSelect[UserRow]:
    return UserRow.select().where((UserRow.role == role) & (UserRow.session_version >= version)).order_by(UserRow.name.desc())


_BY_ROLE: FixedQuery[UserRow] = FixedQuery(_by_role)
_NAMES: FixedQuery[tuple[object, ...]] = FixedQuery(lambda role: UserRow.select(UserRow.name, UserRow.active).where(UserRow.role == role).limit(2).tuples())


def test_the_rows_are_those_of_the_peewee_query_for_each_value(database: peewee.Database) -> None:
    _users()
    for role, version in (("admin", 0), ("admin", 2), ("auditor", 0), ("auditor", 5), ("nobody", 0)):
        expected = [(u.id, u.name, u.role, u.session_version, u.created_at) for u in _by_role(role, version)]
        got = [(u.id, u.name, u.role, u.session_version, u.created_at) for u in _BY_ROLE.rows(role, version)]
        assert got == expected
    assert [u.name for u in _BY_ROLE.rows("admin", 1)] == ["user3", "user2"]
    assert _NAMES.first("admin") == ("user0", True)  # LIMIT 2 kept; values read back as peewee reads them
    assert len(list(_NAMES.rows("admin"))) == 2
    assert _NAMES.first("nobody") is None
    assert _NAMES.scalar("auditor") == "user1"


def test_a_row_is_a_model_row_that_can_be_saved(database: peewee.Database) -> None:
    users = _users()
    row = _BY_ROLE.first("auditor", 0)
    assert row is not None and row.id == users[1].id and row.created_at.tzinfo == dt.UTC
    row.session_version = 9
    row.save()
    assert UserRow.get_by_id(users[1].id).session_version == 9


def test_a_parameter_not_given_as_text_or_whole_number_is_refused(database: peewee.Database) -> None:
    _users()
    since: FixedQuery[UserRow] = FixedQuery(lambda at: UserRow.select().where(UserRow.created_at > at))
    with pytest.raises(FixedSqlError, match="not a text or a whole number"):
        list(since.rows(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    with pytest.raises(FixedSqlError):
        _BY_ROLE.first("admin", True)
    with pytest.raises(TypeError, match="takes 2 parameter"):
        _BY_ROLE.first("admin")


def test_a_parameter_a_field_converts_is_refused_when_built(database: peewee.Database) -> None:
    active: FixedQuery[UserRow] = FixedQuery(lambda flag: UserRow.select().where(UserRow.active == flag))
    with pytest.raises(FixedSqlError, match=r"parameter\(s\) \[0\] are not bound values as given"):
        active.first(1)


def test_a_query_of_so_many_values_binds_each(database: peewee.Database) -> None:
    _users()
    named: FixedQuery[tuple[object, ...]] = FixedQuery(
        lambda *names: UserRow.select(UserRow.name).where(UserRow.name.in_(list(names))).order_by(UserRow.name).tuples(), parameters=3
    )
    assert list(named.rows("user3", "user0", "nobody")) == [("user0",), ("user3",)]
    assert list(named.rows("user1", "user1", "user2")) == [("user1",), ("user2",)]

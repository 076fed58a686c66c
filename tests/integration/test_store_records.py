"""Settings, users, code translations and the workflow's tables on a real database."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from domain.errors import InvalidValue
from domain.values import AcademicYear
from store.codes import remove_translation, set_translation, translate, translations
from store.errors import StoreError
from store.settings import read_settings, write_settings
from store.tables import (
    BatchChangeRow,
    BatchRow,
    GeneratedFileRow,
    MatchDecisionRow,
    PreviewLineRow,
    RunRow,
    RunTransitionRow,
    SchoolRow,
    UserRow,
)
from store.users import add_user, authenticate, list_users


def test_settings_round_trip_and_school_selection(database: peewee.Database) -> None:
    SchoolRow.create(code="6019715", name="Cortada Elementary")
    assert read_settings().missing == ("LEA code", "academic year", "a school selected for CALPADS")
    settings = write_settings(lea="1964212", year="2025-2026", email="calpads@district.example.org", schools=["6019715", "1936145"])
    assert settings.lea == "1964212"
    assert settings.year == AcademicYear(2025)
    assert settings.schools == ("1936145", "6019715")
    assert settings.complete
    assert write_settings(schools=["6019715"]).schools == ("6019715",)
    assert SchoolRow.select().count() == 2  # the unknown code got a bare school row


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("lea", "196421", "LEA code: must be exactly 7 digits"),
        ("year", "2025-2027", "Academic Year ID: must be CCYY-CCYY with consecutive years"),
        ("email", "not-an-address", "notification email: is not an email address"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(database: peewee.Database, option: str, value: str, message: str) -> None:
    write_settings(lea="1964212", year="2025-2026", email="a@b.org")
    with pytest.raises(InvalidValue) as refused:
        write_settings(**{option: value, "smtp_host": "mail.example.org"})
    assert str(refused.value) == message
    settings = read_settings()
    assert (settings.lea, settings.year, settings.email, settings.smtp_host) == ("1964212", AcademicYear(2025), "a@b.org", "")


def test_users_have_hashed_passwords_and_roles(database: peewee.Database) -> None:
    account = add_user("maria", "correct horse", "admin")
    assert account.role == "admin"
    stored = UserRow.get(UserRow.name == "maria").password_hash
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert authenticate("maria", "correct horse") == account
    assert authenticate("maria", "wrong horse") is None
    with pytest.raises(StoreError, match="already exists"):
        add_user("maria", "another one", "auditor")
    with pytest.raises(StoreError, match="role must be one of admin, auditor"):
        add_user("luis", "long enough", "root")
    assert [u.name for u in list_users()] == ["maria"]


def test_code_translations_map_to_themselves_by_default(database: peewee.Database) -> None:
    set_translation("grade", "K", "KN")
    set_translation("grade", "K", "TK")
    table = translations()
    assert translate(table, "grade", "K") == "TK"
    assert translate(table, "grade", "05") == "05"
    assert remove_translation("grade", "K")
    assert translations() == {}


def test_workflow_tables_keep_bytes_times_and_uniqueness(database: peewee.Database) -> None:
    run = RunRow.create(state="new", opened_by="maria")
    RunTransitionRow.create(run=run, actor="maria", event="resolve_mids", source="new", dest=None, accepted=False, reason="no attestation")
    content = "SENR^^^1964212^6000001^^2025-2026^^100234^MARÍA^^LÓPEZ\r\n".encode()
    stored = GeneratedFileRow.create(run=run, kind="request", name="2025_08_14_101500_SENR_SSID.txt", sha256="0" * 64, content=content)
    assert bytes(GeneratedFileRow.get_by_id(stored.id).content) == content
    MatchDecisionRow.create(run=run, local_id="100234", kind="select", ssid="2000000001", actor="maria")
    with pytest.raises(peewee.IntegrityError), database.atomic():
        MatchDecisionRow.create(run=run, local_id="100234", kind="new_ssid", actor="maria")
    batch = BatchRow.create(kind="extract", run=run, state="loaded", file_name="extract.txt", sha256="1" * 64, loaded_by="maria")
    PreviewLineRow.create(batch=batch, line=3, local_id="100234", kind="new", ssid_new="2000000001", elas_start_new=dt.date(2025, 8, 14))
    transition = RunTransitionRow.get(RunTransitionRow.run == run)
    assert transition.dest is None and transition.at.tzinfo == dt.UTC
    assert BatchChangeRow.select().count() == 0
    run.delete_instance(recursive=False)
    assert RunTransitionRow.select().count() == 0  # history goes with its run
    assert BatchRow.get_by_id(batch.id).run_id is None

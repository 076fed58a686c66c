"""The SIS side of the database: schools, students and what the district records about them,
and the journal of identity changes made outside a loaded file.

Local codes are stored as the district gives them (grade ``KN``, gender ``M`` ...); they are
translated to CALPADS codes through :class:`store.tables.CodeTranslationRow` only when a file is
built. Dates are ``DATE`` columns; blank text fields are ``""`` (never ``NULL``), while
identifiers a student may lack (SSID, Old State ID, ELAS, SWD) are ``NULL`` when missing.

A change to a student's SSID, Old State ID, ELAS or SWD made on the Tables page or by a roster
import is journaled in :class:`IdentityChangeRow` (changes made by an SSID Extract or Replacement
batch are in :class:`~store.tables.BatchChangeRow`, with their batch, run and user).
"""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table

__all__ = ["SchoolRow", "StudentRow", "EnrollmentRow", "LanguageStatusRow", "SpecialEducationRow", "GuardianRow", "AddressRow", "IdentityChangeRow", "STUDENT_TABLES"]


class SchoolRow(Table):
    """A school of the LEA; ``selected`` = selected for CALPADS in the settings."""

    code = peewee.CharField(max_length=7, primary_key=True)
    name = peewee.CharField(max_length=100, default="")
    kind = peewee.CharField(max_length=20, default="")
    selected = peewee.BooleanField(default=False)

    class Meta:
        table_name = "school"


class StudentRow(Table):
    """A student as the SIS holds them; ``tags`` is a comma-separated, sorted list."""

    id: int
    local_id = peewee.CharField(max_length=15, unique=True)
    ssid = peewee.CharField(max_length=10, null=True, index=True)
    old_state_id = peewee.CharField(max_length=10, null=True, index=True)
    legal_first = peewee.CharField(max_length=30)
    legal_middle = peewee.CharField(max_length=30, default="")
    legal_last = peewee.CharField(max_length=50)
    suffix = peewee.CharField(max_length=3, default="")
    alias_first = peewee.CharField(max_length=30, default="")
    alias_middle = peewee.CharField(max_length=30, default="")
    alias_last = peewee.CharField(max_length=50, default="")
    birth_date = peewee.DateField(index=True)
    gender = peewee.CharField(max_length=2)
    birth_city = peewee.CharField(max_length=30, default="")
    birth_state = peewee.CharField(max_length=6, default="")
    birth_country = peewee.CharField(max_length=2, default="")
    active = peewee.BooleanField(default=True, index=True)
    tags = peewee.CharField(max_length=255, default="")

    class Meta:
        table_name = "student"
        indexes = ((("legal_last", "legal_first"), False),)


class EnrollmentRow(Table):
    """One enrollment of a student at a school (local codes)."""

    id: int
    student_id: int
    school_id: str
    student = peewee.ForeignKeyField(StudentRow, backref="enrollments", on_delete="CASCADE", index=True)
    school = peewee.ForeignKeyField(SchoolRow, column_name="school", backref="enrollments", index=True)
    grade = peewee.CharField(max_length=4)
    start_date = peewee.DateField()
    status = peewee.CharField(max_length=2, default="10")
    exit_date = peewee.DateField(null=True)
    exit_reason = peewee.CharField(max_length=4, default="")
    completion_status = peewee.CharField(max_length=3, default="")

    class Meta:
        table_name = "enrollment"


class LanguageStatusRow(Table):
    """English Language Acquisition Status (ELAS), its start date, and the primary language."""

    student_id: int
    student = peewee.ForeignKeyField(StudentRow, primary_key=True, backref="language", on_delete="CASCADE")
    elas = peewee.CharField(max_length=4, null=True)
    elas_start = peewee.DateField(null=True)
    primary_language = peewee.CharField(max_length=3, null=True)

    class Meta:
        table_name = "language_status"


class SpecialEducationRow(Table):
    """The Student with Disabilities (SWD) indicator: ``Y``, ``N`` or ``NULL`` (unknown)."""

    student_id: int
    student = peewee.ForeignKeyField(StudentRow, primary_key=True, backref="special_education", on_delete="CASCADE")
    swd = peewee.CharField(max_length=1, null=True)

    class Meta:
        table_name = "special_education"


class GuardianRow(Table):
    """A parent or guardian; ``position`` keeps the order the SIS lists them in."""

    id: int
    student_id: int
    student = peewee.ForeignKeyField(StudentRow, backref="guardians", on_delete="CASCADE", index=True)
    position = peewee.SmallIntegerField(default=1)
    first = peewee.CharField(max_length=30, default="")
    last = peewee.CharField(max_length=50, default="")

    class Meta:
        table_name = "guardian"


class AddressRow(Table):
    """A home address of a student."""

    id: int
    student_id: int
    student = peewee.ForeignKeyField(StudentRow, backref="addresses", on_delete="CASCADE", index=True)
    position = peewee.SmallIntegerField(default=1)
    street = peewee.CharField(max_length=100, default="")
    city = peewee.CharField(max_length=50, default="")
    state = peewee.CharField(max_length=2, default="")
    zip = peewee.CharField(max_length=10, default="")

    class Meta:
        table_name = "address"


class IdentityChangeRow(Table):
    """A change to an identity field (``ssid``, ``old_state_id``, ``elas``, ``swd``) made outside a
    batch: ``source`` says where (``tables page``, ``roster import``), ``actor`` who."""

    id: int
    at = UtcDateTimeField(default=utc_now, index=True)
    actor = peewee.CharField(max_length=80)
    source = peewee.CharField(max_length=255)
    local_id = peewee.CharField(max_length=15, index=True)
    field_name = peewee.CharField(max_length=40)
    old_value = peewee.TextField(null=True)
    new_value = peewee.TextField(null=True)

    class Meta:
        table_name = "identity_change"


STUDENT_TABLES: tuple[type[Table], ...] = (SchoolRow, StudentRow, EnrollmentRow, LanguageStatusRow, SpecialEducationRow, GuardianRow, AddressRow)
"""The SIS tables, parents before children (their planner statistics are refreshed after a bulk load)."""

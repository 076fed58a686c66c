"""The district's settings ("other options" and schools selected for CALPADS).

Named values live in the ``setting`` table; the schools selected for CALPADS are the
``school.selected`` flags. :func:`read_settings` gathers both into one value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import InvalidValue
from domain.oneroster import OneRosterMapping, parse_user_field
from domain.values import AcademicYear, CdsCode, parse_cds_code
from store.bulk import tuples
from store.database import database_proxy
from store.errors import UnknownSetting
from store.students_write import ensure_schools
from store.tables import SchoolRow, SettingRow

__all__ = [
    "SETTING_NAMES",
    "DistrictSettings",
    "read_settings",
    "write_settings",
    "get_setting",
    "set_setting",
    "selected_schools",
    "select_schools",
]

SETTING_NAMES: tuple[str, ...] = (
    "lea_code",
    "academic_year",
    "notification_email",
    "smtp_host",
    "smtp_port",
    "smtp_user",
    "smtp_sender",
    "oneroster_local_id",
    "oneroster_ssid",
)
"""Every named setting the workbench knows."""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class DistrictSettings:
    """Settings as the workflow uses them; ``None``/``""`` when not set."""

    lea: CdsCode | None
    year: AcademicYear | None
    schools: tuple[CdsCode, ...]
    email: str = ""
    smtp_host: str = ""
    smtp_port: int | None = None
    smtp_user: str = ""
    smtp_sender: str = ""
    oneroster: OneRosterMapping = OneRosterMapping()

    @property
    def complete(self) -> bool:
        """LEA code, academic year and at least one school selected (the Create SENR guard)."""
        return self.lea is not None and self.year is not None and bool(self.schools)

    @property
    def missing(self) -> tuple[str, ...]:
        """What keeps the settings from being complete, in words for the person."""
        gaps = []
        if self.lea is None:
            gaps.append("LEA code")
        if self.year is None:
            gaps.append("academic year")
        if not self.schools:
            gaps.append("a school selected for CALPADS")
        return tuple(gaps)


def get_setting(name: str) -> str:
    """One named setting's text (``""`` when unset)."""
    if name not in SETTING_NAMES:
        raise UnknownSetting(name)
    row = SettingRow.get_or_none(SettingRow.name == name)
    return row.value if row is not None else ""


def set_setting(name: str, value: str) -> None:
    """Store one named setting (validated: LEA code, academic year, email, port)."""
    if name not in SETTING_NAMES:
        raise UnknownSetting(name)
    value = value.strip()
    if value:
        if name == "lea_code":
            parse_cds_code(value, "LEA code")
        elif name == "academic_year":
            AcademicYear.parse(value)
        elif name in ("notification_email", "smtp_sender") and not _EMAIL.fullmatch(value):
            raise InvalidValue(name.replace("_", " "), value, "is not an email address")
        elif name == "smtp_port" and not (value.isdigit() and 0 < int(value) < 65536):
            raise InvalidValue("SMTP port", value, "must be a number from 1 to 65535")
        elif name in ("oneroster_local_id", "oneroster_ssid"):
            parse_user_field(value, name.replace("_", " "))
    SettingRow.insert(name=name, value=value).on_conflict(conflict_target=[SettingRow.name], update={SettingRow.value: value}).execute()


def selected_schools() -> tuple[CdsCode, ...]:
    """Codes of the schools selected for CALPADS, in code order."""
    query = SchoolRow.select(SchoolRow.code).where(SchoolRow.selected == True).order_by(SchoolRow.code)  # noqa: E712
    return tuple(CdsCode(code) for (code,) in tuples(query))


def select_schools(codes: Iterable[str]) -> tuple[CdsCode, ...]:
    """Select exactly these schools for CALPADS (unknown codes get a bare school row)."""
    chosen = [parse_cds_code(code.strip(), "school code") for code in codes if code.strip()]
    with database_proxy.atomic():
        ensure_schools(chosen)
        SchoolRow.update(selected=SchoolRow.code.in_(chosen)).execute()
    return selected_schools()


def read_settings() -> DistrictSettings:
    """All settings at once."""
    values = {row.name: row.value for row in SettingRow.select()}
    lea = values.get("lea_code", "")
    year = values.get("academic_year", "")
    port = values.get("smtp_port", "")
    return DistrictSettings(
        lea=CdsCode(lea) if lea else None,
        year=AcademicYear.parse(year) if year else None,
        schools=selected_schools(),
        email=values.get("notification_email", ""),
        smtp_host=values.get("smtp_host", ""),
        smtp_port=int(port) if port else None,
        smtp_user=values.get("smtp_user", ""),
        smtp_sender=values.get("smtp_sender", ""),
        oneroster=OneRosterMapping(values.get("oneroster_local_id") or "identifier", values.get("oneroster_ssid", "")),
    )


def write_settings(
    *,
    lea: str | None = None,
    year: str | None = None,
    email: str | None = None,
    schools: Iterable[str] | None = None,
    smtp_host: str | None = None,
    smtp_port: str | None = None,
    smtp_user: str | None = None,
    smtp_sender: str | None = None,
    oneroster_local_id: str | None = None,
    oneroster_ssid: str | None = None,
) -> DistrictSettings:
    """Change the given settings (``None`` leaves one as it is) in one transaction; returns them all."""
    named = {
        "lea_code": lea,
        "academic_year": year,
        "notification_email": email,
        "smtp_host": smtp_host,
        "smtp_port": smtp_port,
        "smtp_user": smtp_user,
        "smtp_sender": smtp_sender,
        "oneroster_local_id": oneroster_local_id,
        "oneroster_ssid": oneroster_ssid,
    }
    with database_proxy.atomic():
        for name, value in named.items():
            if value is not None:
                set_setting(name, value)
        if schools is not None:
            select_schools(schools)
    return read_settings()

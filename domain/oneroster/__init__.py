"""OneRoster 1.1 and 1.2 CSV exports (the rostering format every major SIS produces) read into
the district's students.

``read_oneroster(path, mapping, today=...)`` reads a folder or zip archive handed to it:
``manifest.csv`` decides the version; ``orgs.csv`` gives schools (the CDS code in
``identifier``), ``academicSessions.csv`` the school years, ``users.csv`` (1.2: with
``roles.csv``) the students and their parents/guardians (``agentSourcedIds``),
``demographics.csv`` birth date, sex and place of birth, ``enrollments.csv`` (with
``classes.csv`` for a class's grade, when present) each enrollment's school and dates.
:class:`OneRosterMapping` names the ``users.csv`` field holding the local id and the SSID.
``merged_with_stored`` keeps what OneRoster lacks (ELAS, SWD, addresses …) from the stored
student.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain._entrance import names_on_demand

# The family's names are imported from their modules when first asked for (PEP 562): the district's
# settings name a users.csv field (OneRosterMapping) without loading the export reader.
if TYPE_CHECKING:
    from domain.oneroster._mapping import USER_ID_FIELDS, OneRosterMapping, parse_user_field
    from domain.oneroster._merge import merged_with_stored
    from domain.oneroster._read import ExportedStudent, ExportStudents, OneRosterExport, OneRosterStudent, read_oneroster
    from domain.oneroster._source import ExportLimits, is_export
    from domain.oneroster._spec import (
        BOOLEANS,
        GRADE_TO_CALPADS,
        GRADES,
        SEX_TO_GENDER,
        SPEC_COLUMNS,
        OneRosterVersion,
    )

_HOMES: dict[str, tuple[str, ...]] = {
    "domain.oneroster._mapping": ("USER_ID_FIELDS", "OneRosterMapping", "parse_user_field"),
    "domain.oneroster._merge": ("merged_with_stored",),
    "domain.oneroster._read": ("ExportedStudent", "ExportStudents", "OneRosterExport", "OneRosterStudent", "read_oneroster"),
    "domain.oneroster._source": ("ExportLimits", "is_export"),
    "domain.oneroster._spec": ("BOOLEANS", "GRADE_TO_CALPADS", "GRADES", "SEX_TO_GENDER", "SPEC_COLUMNS", "OneRosterVersion"),
}
__getattr__ = names_on_demand(__name__, _HOMES)

__all__ = [
    "OneRosterVersion",
    "OneRosterMapping",
    "OneRosterStudent",
    "OneRosterExport",
    "ExportStudents",
    "ExportedStudent",
    "ExportLimits",
    "USER_ID_FIELDS",
    "SPEC_COLUMNS",
    "GRADES",
    "GRADE_TO_CALPADS",
    "SEX_TO_GENDER",
    "BOOLEANS",
    "parse_user_field",
    "read_oneroster",
    "is_export",
    "merged_with_stored",
]

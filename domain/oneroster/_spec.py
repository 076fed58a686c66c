"""The OneRoster 1.1 and 1.2 CSV bindings as data: file names, columns and the value sets read.

Column lists are the specification's, in its order (a writer follows it; the reader finds
columns by name and only needs the ones it reads). Value sets are the specification's tokens;
1.2 also admits ``ext:`` extension tokens for its enumerations.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

__all__ = [
    "OneRosterVersion",
    "SPEC_COLUMNS",
    "READ_COLUMNS",
    "ORG_TYPES",
    "SESSION_TYPES",
    "USER_ROLES",
    "ROLE_TYPES",
    "GUARDIAN_ROLES",
    "SEXES",
    "SEX_TO_GENDER",
    "GRADES",
    "GRADE_TO_CALPADS",
    "BOOLEANS",
    "MANIFEST",
    "ORGS",
    "SESSIONS",
    "USERS",
    "ROLES",
    "DEMOGRAPHICS",
    "ENROLLMENTS",
    "CLASSES",
    "COURSES",
]


class OneRosterVersion(Enum):
    """The OneRoster version a ``manifest.csv`` declares (``oneroster.version``)."""

    V1_1 = "1.1"
    V1_2 = "1.2"


MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
SESSIONS = "academicSessions.csv"
USERS = "users.csv"
ROLES = "roles.csv"
DEMOGRAPHICS = "demographics.csv"
ENROLLMENTS = "enrollments.csv"
CLASSES = "classes.csv"
COURSES = "courses.csv"

_BASE = ("sourcedId", "status", "dateLastModified")
_ORG = (*_BASE, "name", "type", "identifier", "parentSourcedId")
_SESSION = (*_BASE, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear")
_DEMOGRAPHIC = (
    *_BASE, "birthDate", "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
    "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus",
)  # fmt: skip
_ENROLLMENT = (*_BASE, "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate")
_CLASS = (
    *_BASE, "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
    "termSourcedIds", "subjects", "subjectCodes", "periods",
)  # fmt: skip
_COURSE = (*_BASE, "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes")

_V11, _V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2

SPEC_COLUMNS: Mapping[tuple[OneRosterVersion, str], tuple[str, ...]] = MappingProxyType({
    (_V11, ORGS): _ORG,
    (_V12, ORGS): _ORG,
    (_V11, SESSIONS): _SESSION,
    (_V12, SESSIONS): _SESSION,
    (_V11, USERS): (
        *_BASE, "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName",
        "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
    ),
    (_V12, USERS): (
        *_BASE, "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
        "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "resourceSourcedIds",
        "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
    ),
    (_V12, ROLES): (*_BASE, "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"),
    (_V11, DEMOGRAPHICS): _DEMOGRAPHIC,
    (_V12, DEMOGRAPHICS): _DEMOGRAPHIC,
    (_V11, ENROLLMENTS): _ENROLLMENT,
    (_V12, ENROLLMENTS): _ENROLLMENT,
    (_V11, CLASSES): _CLASS,
    (_V12, CLASSES): _CLASS,
    (_V11, COURSES): _COURSE,
    (_V12, COURSES): _COURSE,
})  # fmt: skip
"""Each file's header as the specification gives it, by version."""

_USERS_READ = ("sourcedId", "status", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName",
               "identifier", "agentSourcedIds", "grades")  # fmt: skip

READ_COLUMNS: Mapping[tuple[OneRosterVersion, str], tuple[str, ...]] = MappingProxyType({
    (_V11, ORGS): ("sourcedId", "status", "type", "identifier"),
    (_V12, ORGS): ("sourcedId", "status", "type", "identifier"),
    (_V11, SESSIONS): ("sourcedId", "status", "type", "startDate", "endDate"),
    (_V12, SESSIONS): ("sourcedId", "status", "type", "startDate", "endDate"),
    (_V11, USERS): (*_USERS_READ, "role"),
    (_V12, USERS): (*_USERS_READ, "userMasterIdentifier", "preferredGivenName", "preferredMiddleName", "preferredFamilyName"),
    (_V12, ROLES): ("sourcedId", "status", "userSourcedId", "roleType", "role"),
    (_V11, DEMOGRAPHICS): ("sourcedId", "status", "birthDate", "sex", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth"),
    (_V12, DEMOGRAPHICS): ("sourcedId", "status", "birthDate", "sex", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth"),
    (_V11, ENROLLMENTS): ("sourcedId", "status", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "beginDate", "endDate"),
    (_V12, ENROLLMENTS): ("sourcedId", "status", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "beginDate", "endDate"),
    (_V11, CLASSES): ("sourcedId", "status", "grades"),
    (_V12, CLASSES): ("sourcedId", "status", "grades"),
})  # fmt: skip
"""The columns the reader needs of each file it reads (a header lacking one is refused)."""

ORG_TYPES = frozenset({"department", "school", "district", "local", "state", "national"})
SESSION_TYPES = frozenset({"gradingPeriod", "semester", "schoolYear", "term"})
USER_ROLES: Mapping[OneRosterVersion, frozenset[str]] = MappingProxyType({
    _V11: frozenset({"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}),
    _V12: frozenset({"aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor",
                     "relative", "siteAdministrator", "student", "systemAdministrator", "teacher"}),
})  # fmt: skip
"""``users.csv`` ``role`` (1.1) and ``roles.csv`` ``role`` (1.2)."""
ROLE_TYPES = frozenset({"primary", "secondary"})
GUARDIAN_ROLES = frozenset({"parent", "guardian"})
"""The agents read as the student's parents/guardians (a ``relative`` is not one)."""
SEXES: Mapping[OneRosterVersion, frozenset[str]] = MappingProxyType({
    _V11: frozenset({"male", "female"}),
    _V12: frozenset({"male", "female", "other", "unspecified"}),
})
SEX_TO_GENDER: Mapping[str, str] = MappingProxyType({"male": "M", "female": "F", "other": "X"})
"""OneRoster ``sex`` → CALPADS Student Gender Code (``unspecified`` has none: CALPADS needs one)."""
GRADES = frozenset({"IT", "PR", "PK", "TK", "KG", *(f"{g:02d}" for g in range(1, 14)), "PS", "UG", "Other"})
"""CEDS Entry Grade Level tokens, the ``grades`` vocabulary of both versions."""
GRADE_TO_CALPADS: Mapping[str, str] = MappingProxyType({
    "PR": "PS", "PK": "PS", "TK": "TK", "KG": "KN", **{f"{g:02d}": f"{g:02d}" for g in range(1, 13)},
})  # fmt: skip
"""CEDS grade → CALPADS Grade Level where one means the other; any other token (IT, 13, PS, UG,
Other) is kept as the district's local code, for the code-translation table to map."""
BOOLEANS: Mapping[str, bool] = MappingProxyType({"true": True, "false": False})

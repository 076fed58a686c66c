"""``manifest.csv``: which OneRoster version the export is, and which files it holds in bulk."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from domain.errors import FileProblem
from domain.oneroster._source import ExportFiles
from domain.oneroster._spec import CLASSES, DEMOGRAPHICS, ENROLLMENTS, MANIFEST, ORGS, ROLES, SESSIONS, USERS, OneRosterVersion

__all__ = ["Manifest", "read_manifest"]

_REQUIRED = {OneRosterVersion.V1_1: (ORGS, USERS, DEMOGRAPHICS, ENROLLMENTS),
             OneRosterVersion.V1_2: (ORGS, USERS, ROLES, DEMOGRAPHICS, ENROLLMENTS)}  # fmt: skip
_OPTIONAL = (SESSIONS, CLASSES)


@dataclass(frozen=True, slots=True)
class Manifest:
    """The export's version and the optional files it holds in bulk."""

    version: OneRosterVersion
    bulk: frozenset[str]


def _property(name: str) -> str:
    return "file." + name.removesuffix(".csv")


def read_manifest(files: ExportFiles) -> Manifest:
    """Read and check ``manifest.csv``: a 1.1 or 1.2 export holding the files the import needs in bulk."""
    properties: dict[str, tuple[int, str]] = {}
    with files.lines(MANIFEST) as lines:
        reader = csv.reader(lines)
        read = 0  # the lines of the records read so far: a record csv cannot read starts after them
        try:
            header = [h.strip() for h in next(reader, [])]
            if header[:2] != ["propertyName", "value"]:
                raise FileProblem(MANIFEST, 1, "header row must be propertyName,value")
            read = reader.line_num
            for values in reader:
                if len(values) >= 2:
                    properties[values[0].strip()] = (reader.line_num, values[1].strip())
                read = reader.line_num
        except csv.Error as exc:
            raise FileProblem(MANIFEST, read + 1, f"is not well-formed CSV ({exc})") from None
    line, text = properties.get("oneroster.version", (1, ""))
    versions = {v.value: v for v in OneRosterVersion}
    if text not in versions:
        raise FileProblem(MANIFEST, line, "oneroster.version must be 1.1 or 1.2", 2, "value")
    version = versions[text]
    bulk = set()
    for name in (*_REQUIRED[version], *_OPTIONAL):
        line, mode = properties.get(_property(name), (1, "absent"))
        if mode == "bulk":
            bulk.add(name)
        elif mode == "delta":
            raise FileProblem(MANIFEST, line, f"{_property(name)} is delta: the import reads a bulk export", 2, "value")
        elif name in _REQUIRED[version]:
            raise FileProblem(MANIFEST, line, f"{_property(name)} must be bulk: the import needs {name}", 2, "value")
    return Manifest(version, frozenset(bulk))

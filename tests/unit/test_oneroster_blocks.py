"""The block reading of a OneRoster export (each column checked in bulk) reads exactly what the
reference reading (record by record, each value checked as read) reads: the same students, or
the same refusal (file, line, column, text) — for a valid export and for each value of a column
the reader reads replaced by a blank, a padded, an overlong, a control character, an extension
token, a date that is none, or another record's value, in blocks of one record, of a few, and
of the whole file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import domain.oneroster._table as table
from domain.errors import FileProblem
from domain.oneroster import OneRosterMapping, OneRosterVersion, read_oneroster
from domain.oneroster._source import ExportFiles, ExportLimits
from domain.oneroster._spec import READ_COLUMNS
from tests.unit.oneroster_files import TODAY, SmallExport, small_export

V11, V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2
BULK_READ = ("roles.csv", "users.csv", "demographics.csv", "enrollments.csv")
ODD_VALUES = (
    "", " padded ", "x" * 16, "x" * 31, "x" * 51, "x" * 300, "a\x01b", "a^b", "ext:local", "2025-02-30", "123456789", "1234567890",
    "06,ext:x", "13", "true", "female", "unspecified", "student", "parent", "org1", "s2", "g1", "BC-ABCD",
)


def _export(version: OneRosterVersion) -> SmallExport:
    """The small export with a second student (``s2``, two parents, two enrollments) and a teacher."""
    export = small_export(version)
    role = {"role": "student"} if version is V11 else {}
    export.add("users.csv", sourcedId="s2", enabledUser="true", givenName="Juan", familyName="Pérez", identifier="100235",
               agentSourcedIds="g1, g2", grades="06", userMasterIdentifier="1234567890", userIds="{SSID:1234567890}",
               preferredGivenName="Johnny", **role)  # fmt: skip
    export.add("users.csv", sourcedId="g2", enabledUser="true", givenName="Ana", familyName="Pérez", **({"role": "guardian"} if version is V11 else {}))
    export.add("users.csv", sourcedId="t1", enabledUser="true", givenName="Tess", familyName="Teach", **({"role": "teacher"} if version is V11 else {}))
    export.add("demographics.csv", sourcedId="s2", birthDate="2014-01-02", sex="male", stateOfBirthAbbreviation="BC", countryOfBirthCode="CA")
    export.add("demographics.csv", sourcedId="t1", birthDate="1980-01-02", sex="female")
    export.add("enrollments.csv", sourcedId="e2", classSourcedId="c1", schoolSourcedId="org1", userSourcedId="s2", role="student",
               beginDate="2025-08-14", endDate="2025-12-19")  # fmt: skip
    export.add("enrollments.csv", sourcedId="e3", classSourcedId="", schoolSourcedId="org1", userSourcedId="s2", role="student",
               beginDate="2026-01-05")  # fmt: skip
    export.add("enrollments.csv", sourcedId="e4", classSourcedId="c1", schoolSourcedId="org1", userSourcedId="t1", role="teacher",
               beginDate="2025-08-14")  # fmt: skip
    if version is V12:
        export.add("roles.csv", sourcedId="r3", userSourcedId="s2", roleType="primary", role="student")
        export.add("roles.csv", sourcedId="r4", userSourcedId="g2", roleType="primary", role="guardian")
        export.add("roles.csv", sourcedId="r5", userSourcedId="t1", roleType="primary", role="teacher")
        export.add("roles.csv", sourcedId="r6", userSourcedId="g2", roleType="secondary", role="relative")
    return export


def _outcome(folder: Path, mapping: OneRosterMapping) -> str:
    """What reading the export gives, as text: its students, or its refusal."""
    try:
        return repr(list(read_oneroster(folder, mapping, today=TODAY).students))
    except FileProblem as problem:
        return f"refused: {problem} ({problem.file}, {problem.line}, {problem.field_number}, {problem.field_name})"


def _both(folder: Path, mapping: OneRosterMapping, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The outcome of the block reading, and of the reference reading (no block passes in bulk)."""
    read = _outcome(folder, mapping)
    with monkeypatch.context() as reference:
        reference.setattr(table.Block, "clean", lambda self, *names: False)
        return read, _outcome(folder, mapping)


def _cases(version: OneRosterVersion) -> Iterator[tuple[str, int, str, str]]:
    export = _export(version)
    for name in BULK_READ:
        if (version, name) not in READ_COLUMNS:
            continue
        for row in sorted({0, 1, len(export.tables[name]) - 1}):  # a student, a parent (users.csv), the last record
            for column in READ_COLUMNS[(version, name)]:
                for value in ODD_VALUES:
                    yield name, row, column, value


MAPPINGS = {V11: OneRosterMapping(ssid="userIds:SSID"), V12: OneRosterMapping(ssid="userMasterIdentifier")}


@pytest.mark.parametrize("block_size", [1, 3, 4096])
@pytest.mark.parametrize("version", [V11, V12], ids=["1.1", "1.2"])
def test_a_valid_export_reads_the_same_students_in_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: OneRosterVersion, block_size: int
) -> None:
    monkeypatch.setattr(table, "BLOCK_SIZE", block_size)
    read, reference = _both(_export(version).write(tmp_path), MAPPINGS[version], monkeypatch)
    assert read == reference and not read.startswith("refused")


@pytest.mark.parametrize("block_size", [1, 4096])
@pytest.mark.parametrize("version", [V11, V12], ids=["1.1", "1.2"])
def test_every_odd_value_reads_or_is_refused_as_the_reference_reading_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: OneRosterVersion, block_size: int
) -> None:
    monkeypatch.setattr(table, "BLOCK_SIZE", block_size)
    differ = []
    for n, (name, row, column, value) in enumerate(_cases(version)):
        export = _export(version)
        export.tables[name][row][column] = value
        read, reference = _both(export.write(tmp_path / str(n)), MAPPINGS[version], monkeypatch)
        if read != reference:
            differ.append(f"{name} row {row} {column}={value!r}: {read} != {reference}")
    assert differ == []


@pytest.mark.parametrize("block_size", [1, 4096])
@pytest.mark.parametrize("local_id", ["identifier", "sourcedId", "username", "userIds:LocalId"])
def test_each_local_id_field_reads_the_same_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_id: str, block_size: int) -> None:
    monkeypatch.setattr(table, "BLOCK_SIZE", block_size)
    export = _export(V11)
    export.row("users.csv", "s1").update(username="u1", userIds="{LocalId: L-1}{SSID:1234567891}")
    export.row("users.csv", "s2").update(username="u2", userIds="{LocalId:L-2}")
    read, reference = _both(export.write(tmp_path / "a"), OneRosterMapping(local_id=local_id, ssid="userIds:SSID"), monkeypatch)
    assert read == reference and not read.startswith("refused")
    export.row("users.csv", "s2").update(username="u1", userIds="{LocalId:L-1}", identifier="100234")  # s1's local id again
    read, reference = _both(export.write(tmp_path / "b"), OneRosterMapping(local_id=local_id, ssid="userIds:SSID"), monkeypatch)
    assert read == reference


ORGS_HEADER = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\n"
ORG = "o{n},,,Name {n},school,60197{n:02d},d1\r\n"
ODD_LINES = {
    "plain": "",
    "blank lines": "\r\n   \r\n,,,,,,\r\n",
    "a quoted comma": 'o90,,,"Arroyo, High",school,6019790,d1\r\n',
    "a quoted quote": 'o90,,,"The ""Arroyo""",school,6019790,d1\r\n',
    "a field over two lines": 'o90,,,"Arroyo\r\nHigh",school,6019790,d1\r\n',
    "a field over two lines, at a block's end": 'o90,,,"Arroyo\r\n\r\nHigh",school,6019790,d1\r\n',
    "a stray quote": 'o90,,,Arr"oyo,school,6019790,d1\r\n',
    "a quote after a quoted field": 'o90,,,"Arroyo"High,school,6019790,d1\r\n',
    "a quote never closed": 'o90,,,"Arroyo,school,6019790,d1\r\n',
    "a carriage return inside": "o90,,,Arr\roy,school,6019790,d1\r\n",
    "a short record": "o90,,,Arroyo,school\r\n",
    "a long record": "o90,,,Arroyo,school,6019790,d1,x\r\n",
    "a deleted record": "o90,tobedeleted,,Arroyo,school,6019790,d1\r\n",
    "a deleted record, padded": "o90, tobedeleted ,,Arroyo,school,6019790,d1\r\n",
    "padded values": " o90 ,,, Arroyo ,school, 6019790 ,d1\r\n",
    "no line end at the end": "o90,,,Arroyo,school,6019790,d1",
    "a NUL": "o90,,,Arr\x00oyo,school,6019790,d1\r\n",
    "not UTF-8": "o90,,,Arr\udcffoyo,school,6019790,d1\r\n",
}


def _records(read: Iterator[tuple[int, dict[str, str]]]) -> tuple[list[tuple[int, dict[str, str]]], str]:
    got: list[tuple[int, dict[str, str]]] = []
    try:
        for record in read:
            got.append(record)
    except FileProblem as problem:
        return got, f"{problem} ({problem.field_number}, {problem.field_name})"
    return got, ""


@pytest.mark.parametrize("block_size", [1, 2, 3, 5, 4096])
@pytest.mark.parametrize("odd", list(ODD_LINES), ids=list(ODD_LINES))
def test_a_file_reads_in_blocks_record_for_record_as_the_reference_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str, block_size: int
) -> None:
    monkeypatch.setattr(table, "BLOCK_SIZE", block_size)
    before, after = "".join(ORG.format(n=n) for n in range(1, 4)), "".join(ORG.format(n=n) for n in range(4, 8))
    header_over_two_lines = ORGS_HEADER.replace("name", '"na\r\nme"')
    for text in (ORGS_HEADER + before + ODD_LINES[odd] + after, ORGS_HEADER + ODD_LINES[odd] + before, header_over_two_lines + ODD_LINES[odd] + after):
        (tmp_path / "orgs.csv").write_bytes(text.encode("utf-8", "surrogateescape"))
        with ExportFiles(tmp_path, ExportLimits()) as files:
            reference = _records((r.line, r.values) for r in table.read_table(files, "orgs.csv", V12))
            in_blocks = _records((r.line, r.values) for b in table.read_blocks(files, "orgs.csv", V12) for r in b.records())
        assert in_blocks == reference

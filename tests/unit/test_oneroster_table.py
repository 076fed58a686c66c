"""One CSV file of a OneRoster export record by record (read_table, Record, Place) and its
manifest.csv (read_manifest): the values read, and each refusal naming file, line and column."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from domain.errors import FileProblem
from domain.oneroster import ExportLimits, OneRosterVersion
from domain.oneroster._manifest import Manifest, read_manifest
from domain.oneroster._source import ExportFiles
from domain.oneroster._table import Place, Record, read_table
from tests.unit.oneroster_files import csv_text, write_text_files

V11, V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2
ORGS_HEADER = ("sourcedId", "status", "type", "identifier")


def _records(folder: Path, text: str, name: str = "orgs.csv", version: OneRosterVersion = V11) -> list[Record]:
    write_text_files(folder, {name: text})
    with ExportFiles(folder, ExportLimits()) as files:
        return list(read_table(files, name, version))


def _table_refusal(folder: Path, text: str, name: str = "orgs.csv", version: OneRosterVersion = V11) -> str:
    with pytest.raises(FileProblem) as caught:
        _records(folder, text, name, version)
    return str(caught.value)


def _record(values: dict[str, str], version: OneRosterVersion = V11) -> Record:
    return Record(Place("users.csv", 7, {c: i for i, c in enumerate(values, 1)}), values, version)


def _problem(record: Record, read: str, *args: object) -> str:
    with pytest.raises(FileProblem) as caught:
        getattr(record, read)(*args)
    return str(caught.value)


def test_records_are_read_by_column_name_stripped_with_their_line(tmp_path: Path) -> None:
    text = csv_text([(" type", "sourcedId ", "identifier", "status", "metadata.x"), (" school ", "o1", "6019715", "", "x"),
                     ("", "", "", "", ""), ("district", "d1", "", "active", "")])  # fmt: skip
    records = _records(tmp_path, text)
    assert [(r.line, r.values) for r in records] == [
        (2, {"type": "school", "sourcedId": "o1", "identifier": "6019715", "status": "", "metadata.x": "x"}),
        (4, {"type": "district", "sourcedId": "d1", "identifier": "", "status": "active", "metadata.x": ""}),
    ]
    assert str(records[1].problem("identifier", "is wrong")) == "orgs.csv, line 4, field 3 (identifier): is wrong"


def test_a_record_spread_over_lines_is_named_by_its_first(tmp_path: Path) -> None:
    text = csv_text([ORGS_HEADER, ("o1", "", "school", "a\nb"), ("o2", "", "school", "1")]) + "o3,,school\r\n"
    assert _table_refusal(tmp_path, text) == "orgs.csv, line 5: has 3 fields, the header has 4"
    records = _records(tmp_path, text.removesuffix("o3,,school\r\n"))
    assert [(r.line, r.values["identifier"]) for r in records] == [(2, "a\nb"), (4, "1")]


def test_records_marked_to_be_deleted_are_left_out(tmp_path: Path) -> None:
    text = csv_text([ORGS_HEADER, ("o1", "tobedeleted", "school", ""), ("o2", "active", "school", "")])
    assert [r.values["sourcedId"] for r in _records(tmp_path, text)] == ["o2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "orgs.csv, line 1: is empty: a header row is required"),
        (" , ,\r\nx,y,z\r\n", "orgs.csv, line 1: is empty: a header row is required"),
        ("sourcedId,status,identifier,name\r\n", "orgs.csv, line 1, (type): header row lacks the column(s) type"),
        ("name,status\r\n", "orgs.csv, line 1, (sourcedId): header row lacks the column(s) sourcedId, type, identifier"),
        ("sourcedId,type,status,identifier,type,x,status,x\r\n",
         "orgs.csv, line 1, (status): header row names column(s) twice: status, type, x"),
        ("sourcedId,status,type,identifier\r\no1,,school\r\n", "orgs.csv, line 2: has 3 fields, the header has 4"),
        ("sourcedId,status,type,identifier\r\no1,,school,1,2\r\n", "orgs.csv, line 2: has 5 fields, the header has 4"),
    ],
)  # fmt: skip
def test_a_malformed_table_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    assert _table_refusal(tmp_path, text) == expected


def test_a_12_table_needs_the_12_columns(tmp_path: Path) -> None:
    header = ("sourcedId", "status", "userSourcedId", "role")
    expected = "roles.csv, line 1, (roleType): header row lacks the column(s) roleType"
    assert _table_refusal(tmp_path, csv_text([header]), "roles.csv", V12) == expected


def test_a_line_csv_cannot_read_is_refused_by_number(tmp_path: Path) -> None:
    big = "x" * (1 << 17 + 1)
    text = csv_text([ORGS_HEADER, ("o1", "", "school", "1")]) + f"o2,,school,{big}\r\n"
    message = _table_refusal(tmp_path, text)
    assert message.startswith("orgs.csv, line 3: is not well-formed CSV (field larger than field limit")
    assert _table_refusal(tmp_path, f"{big},status\r\n").startswith("orgs.csv, line 1: is not well-formed CSV (field larger")


def test_a_place_names_the_columns_number_when_the_file_has_it() -> None:
    place = Place("users.csv", 7, {"sourcedId": 1, "grades": 17})
    assert str(place.problem("grades", "is bad")) == "users.csv, line 7, field 17 (grades): is bad"
    problem = place.problem("role", "is bad")
    assert (problem.file, problem.line, problem.field_number, problem.field_name, problem.message) == ("users.csv", 7, None, "role", "is bad")
    assert _record({"a": "1"}).line == 7


def test_text_is_checked_and_a_missing_column_is_blank() -> None:
    record = _record({"name": "Ana", "blank": "", "tab": "a\tb", "long": "x" * 256, "most": "x" * 255})
    assert record.text("name") == "Ana" and record.text("nothing") == "" and record.text("most") == "x" * 255
    assert record.text("long", longest=256) == "x" * 256
    assert _problem(record, "text", "long") == "users.csv, line 7, field 4 (long): longer than 255 characters"
    with pytest.raises(FileProblem, match=r"field 1 \(name\): longer than 2 characters$"):
        record.text("name", longest=2)
    assert record.text("name", longest=3) == "Ana"
    with pytest.raises(FileProblem, match=r"field 2 \(blank\): is required$"):
        record.text("blank", required=True)
    with pytest.raises(FileProblem, match=r"\(nothing\): is required$"):
        record.text("nothing", required=True)
    assert _problem(record, "text", "tab") == "users.csv, line 7, field 3 (tab): holds a control character"


def test_shared_text_is_one_string_for_every_record() -> None:
    value = "".join(["Lo", "pez"])  # built at run time: not the interned constant
    interned = sys.intern("Lopez")
    record = _record({"last": value})
    assert record.text("last", shared=True) is interned
    assert record.text("last") is value


def test_dates_are_iso_dates() -> None:
    record = _record({"birth": "2015-03-14", "blank": "", "us": "03/14/2015", "feb": "2015-02-29"})
    assert record.date("birth") == dt.date(2015, 3, 14) and record.date("blank") is None and record.date("none") is None
    assert _problem(record, "date", "us") == "users.csv, line 7, field 3 (us): must be a YYYY-MM-DD date"
    assert _problem(record, "date", "feb") == "users.csv, line 7, field 4 (feb): is not a real calendar date"
    with pytest.raises(FileProblem, match=r"field 2 \(blank\): is required$"):
        record.date("blank", required=True)
    assert record.date("birth", required=True) == dt.date(2015, 3, 14)


def test_tokens_are_the_versions_values_and_12_extensions() -> None:
    allowed = frozenset({"male", "female"})
    v11 = _record({"sex": "male", "ext": "ext:x", "blank": "", "Male": "Male"})
    assert v11.token("sex", allowed) == "male" and v11.token("blank", allowed) == ""
    assert _problem(v11, "token", "ext", allowed) == "users.csv, line 7, field 2 (ext): is not a OneRoster 1.1 ext value"
    assert _problem(v11, "token", "Male", allowed) == "users.csv, line 7, field 4 (Male): is not a OneRoster 1.1 Male value"
    with pytest.raises(FileProblem, match=r"\(blank\): is required$"):
        v11.token("blank", allowed, required=True)
    v12 = _record({"sex": "ext:x", "bad": "xext:"}, V12)
    assert v12.token("sex", allowed) == "ext:x"
    assert _problem(v12, "token", "bad", allowed) == "users.csv, line 7, field 2 (bad): is not a OneRoster 1.2 bad value"


def test_booleans_are_true_or_false() -> None:
    record = _record({"yes": "true", "no": "false", "blank": "", "caps": "True"})
    assert record.boolean("yes") is True and record.boolean("no") is False
    assert _problem(record, "boolean", "blank") == "users.csv, line 7, field 3 (blank): is required"
    assert _problem(record, "boolean", "caps") == "users.csv, line 7, field 4 (caps): must be true or false"


def test_a_list_field_is_split_at_commas() -> None:
    record = _record({"grades": " 05, ,06 ,,", "blank": ""})
    assert record.items("grades") == ("05", "06") and record.items("blank") == () and record.items("none") == ()


def _manifest(folder: Path, rows: list[tuple[str, ...]]) -> Manifest:
    write_text_files(folder, {"manifest.csv": csv_text(rows)})
    with ExportFiles(folder, ExportLimits()) as files:
        return read_manifest(files)


def _manifest_refusal(folder: Path, rows: list[tuple[str, ...]]) -> str:
    with pytest.raises(FileProblem) as caught:
        _manifest(folder, rows)
    return str(caught.value)


BULK_11 = [("file.orgs", "bulk"), ("file.users", "bulk"), ("file.demographics", "bulk"), ("file.enrollments", "bulk")]


def test_a_manifest_gives_the_version_and_the_files_in_bulk(tmp_path: Path) -> None:
    rows = [(" propertyName ", "value", "note"), ("manifest.version", "1.0"), ("comment",), (" oneroster.version ", " 1.1 ", "x"),
            *BULK_11, ("file.classes", " bulk "), ("file.academicSessions", "absent"), ("file.courses", "delta")]  # fmt: skip
    assert _manifest(tmp_path, rows) == Manifest(V11, frozenset({"orgs.csv", "users.csv", "demographics.csv", "enrollments.csv", "classes.csv"}))


def test_a_12_manifest_needs_roles_in_bulk(tmp_path: Path) -> None:
    rows = [("propertyName", "value"), ("oneroster.version", "1.2"), *BULK_11]
    expected = "manifest.csv, line 7, field 2 (value): file.roles must be bulk: the import needs roles.csv"
    assert _manifest_refusal(tmp_path / "a", [*rows, ("file.roles", "absent")]) == expected
    assert _manifest(tmp_path / "b", [*rows, ("file.roles", "bulk"), ("file.academicSessions", "bulk")]) == Manifest(
        V12, frozenset({"orgs.csv", "users.csv", "roles.csv", "demographics.csv", "enrollments.csv", "academicSessions.csv"}))  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("name", "value")], "manifest.csv, line 1: header row must be propertyName,value"),
        ([("propertyName",)], "manifest.csv, line 1: header row must be propertyName,value"),
        ([], "manifest.csv, line 1: header row must be propertyName,value"),
        ([("propertyName", "value")], "manifest.csv, line 1, field 2 (value): oneroster.version must be 1.1 or 1.2"),
        ([("propertyName", "value"), ("oneroster.version",)], "manifest.csv, line 1, field 2 (value): oneroster.version must be 1.1 or 1.2"),
        ([("propertyName", "value"), ("x", "y"), ("oneroster.version", "1.0")],
         "manifest.csv, line 3, field 2 (value): oneroster.version must be 1.1 or 1.2"),
        ([("propertyName", "value"), ("oneroster.version", "1.1"), *BULK_11[:3]],
         "manifest.csv, line 1, field 2 (value): file.enrollments must be bulk: the import needs enrollments.csv"),
        ([("propertyName", "value"), ("oneroster.version", "1.1"), *BULK_11[1:], ("file.orgs", "")],
         "manifest.csv, line 6, field 2 (value): file.orgs must be bulk: the import needs orgs.csv"),
        ([("propertyName", "value"), ("oneroster.version", "1.1"), *BULK_11[:3], ("file.enrollments", "delta")],
         "manifest.csv, line 6, field 2 (value): file.enrollments is delta: the import reads a bulk export"),
        ([("propertyName", "value"), ("oneroster.version", "1.1"), *BULK_11, ("file.classes", "delta")],
         "manifest.csv, line 7, field 2 (value): file.classes is delta: the import reads a bulk export"),
    ],
)  # fmt: skip
def test_a_manifest_the_import_cannot_use_is_refused(tmp_path: Path, rows: list[tuple[str, ...]], expected: str) -> None:
    assert _manifest_refusal(tmp_path, rows) == expected


def test_a_manifest_line_csv_cannot_read_is_refused_by_number(tmp_path: Path) -> None:
    big = "x" * (1 << 17 + 1)
    message = _manifest_refusal(tmp_path, [("propertyName", "value"), ("oneroster.version", "1.1"), ("note", big)])
    assert message.startswith("manifest.csv, line 3: is not well-formed CSV (field larger than field limit")
    message = _manifest_refusal(tmp_path, [("propertyName", "value"), ("note", big)])
    assert message.startswith("manifest.csv, line 2: is not well-formed CSV (field larger than field limit")
    message = _manifest_refusal(tmp_path, [("propertyName", big)])
    assert message.startswith("manifest.csv, line 1: is not well-formed CSV (field larger than field limit")

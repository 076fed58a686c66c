"""Whatever bytes arrive, a reader either succeeds or raises FileProblem naming a line (>= 1)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import FileProblem
from domain.layouts import LAYOUTS
from domain.readers import (
    ParsedFile,
    detect_kind,
    open_match_result,
    open_ods_senr,
    open_replacements,
    open_sela,
    open_senr,
    open_ssid_extract,
)
from tests.unit.layout_values import caret_line

Reader = Callable[[BinaryIO, str | None], ParsedFile[Any]]
READERS: list[Reader] = [open_senr, open_ods_senr, open_ssid_extract, open_replacements, open_match_result, open_sela]
ALL_LAYOUTS = [v for versions in LAYOUTS.values() for v in versions]


def _read_all(reader: Reader, data: bytes) -> None:
    try:
        parsed = reader(io.BytesIO(data), "fuzz.txt")
        for _ in parsed:
            pass
        assert isinstance(parsed.warnings, list)
    except FileProblem as problem:
        assert problem.line >= 1
        assert problem.file == "fuzz.txt"


@st.composite
def valid_files(draw: st.DrawFn) -> bytes:
    """A file of some layout, valid or nearly (typed values), with CR LF or LF line ends."""
    where = draw(st.sampled_from(ALL_LAYOUTS))
    if where.delimiter != "^":
        header = ",".join(f.name for f in where.fields)
        line = ("1964212,6000001,,100234,LOPEZ,MARIA,,1234567890,20160102,Single Match,97%,F,20150314" + ",x" * 10)
        lines = [header, *([line] * draw(st.integers(1, 3)))]
    else:
        lines = draw(st.lists(caret_line(where, typed=True), min_size=1, max_size=4))
    end = draw(st.sampled_from(["\r\n", "\n"]))
    return "".join(line + end for line in lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(valid_files()))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        byte = draw(st.sampled_from([b"^", b"\r", b"\n", b",", b'"', b"\xff", b"\x81", b"\xc3", b"\x00", b"9", b"A", b" "]))
        if action == "flip":
            data[at : at + 1] = byte
        elif action == "insert":
            data[at:at] = byte
        elif action == "delete":
            del data[at]
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 40))]
    return bytes(data)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000))
def test_random_bytes_only_ever_raise_file_problem(reader: Reader, data: bytes) -> None:
    _read_all(reader, data)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_files())
def test_mutated_valid_files_only_ever_raise_file_problem(reader: Reader, data: bytes) -> None:
    _read_all(reader, data)


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(st.binary(max_size=500), mutated_files()))
def test_detect_kind_always_answers_or_names_the_line(data: bytes) -> None:
    try:
        assert isinstance(detect_kind(io.BytesIO(data)), str)
    except FileProblem as problem:
        assert problem.line >= 1

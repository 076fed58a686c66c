"""Summer ELPAC testing: the SELA TBD records of a summer run's updated file, and who waits for an SSID."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from domain.model import LanguageStatus, PersonName, Student
from domain.planning.summer import ENGLISH, TBD, summer_sela
from domain.records import SenrRecord
from domain.values import LocalId

SENT = SenrRecord(
    *"SENR^^^1964212^6000001^^2026-2027^1234567890^100234^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
    "^20260812^10^KN^^^^^^^^^^^".split("^")
)


def _student(local_id: str, *, elas: str | None = None, language: str | None = "01") -> Student:
    return Student(
        LocalId(local_id), PersonName("MARIA", "LOPEZ", "ELENA"), dt.date(2015, 3, 14), "F",
        language=LanguageStatus(elas=elas, primary_language=language),
    )


def _sent(local_id: str, ssid: str = "1234567890") -> SenrRecord:
    return replace(SENT, local_student_id=local_id, ssid=ssid)


def test_a_non_english_speaker_without_elas_gets_a_tbd_record_from_the_enrollment_sent() -> None:
    planned = summer_sela([SENT], {LocalId("100234"): _student("100234", language="01")})
    assert ["^".join(r.values()) for r in planned.records] == [
        "SELA^^^1964212^6000001^2026-2027^1234567890^MARIA^LOPEZ^20150314^F^100234^TBD^20260812^01^"
    ]
    assert planned.waiting == []
    assert (ENGLISH, TBD) == ("00", "TBD")


def test_only_students_of_unknown_elas_and_a_known_other_language_are_tested_in_file_order() -> None:
    students = {
        LocalId("1"): _student("1", language="01"),
        LocalId("2"): _student("2", language=ENGLISH),  # English speakers are not tested
        LocalId("3"): _student("3", language=None),  # primary language unknown
        LocalId("4"): _student("4", language=""),  # primary language blank
        LocalId("5"): _student("5", elas="EL", language="01"),  # already assessed
        LocalId("6"): _student("6", elas="TBD", language="01"),  # already to be tested: has an ELAS
        LocalId("8"): _student("8", language="99"),
    }
    sent = [_sent(i) for i in "2793"] + [_sent("8", "8000000008")] + [_sent(i) for i in "4561"]  # 7, 9: not local
    planned = summer_sela(sent, students)
    assert [(r.local_student_id, r.ssid, r.primary_language, r.elas) for r in planned.records] == [
        ("8", "8000000008", "99", "TBD"),
        ("1", "1234567890", "01", "TBD"),
    ]
    assert planned.waiting == []


def test_a_student_sent_for_a_new_ssid_waits_for_it_and_gets_no_record_yet() -> None:
    students = {LocalId("1"): _student("1"), LocalId("2"): _student("2"), LocalId("3"): _student("3", language=ENGLISH)}
    planned = summer_sela([_sent("1", ""), _sent("2"), _sent("3", "")], students)
    assert [r.local_student_id for r in planned.records] == ["2"]
    assert planned.waiting == ["1"]


def test_nothing_sent_gives_nothing() -> None:
    planned = summer_sela([], {LocalId("1"): _student("1")})
    assert (planned.records, planned.waiting) == ([], [])

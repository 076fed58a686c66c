"""The review's cells as a reviewer's browser receives them: the badge says the verdict and its
note, the cell is coloured by the same verdict, a birth date shows part by part, and every value
is escaped (a name is never markup)."""

from __future__ import annotations

from console.views.review_cells import date_value, evidence_badge, verdict_cell
from console.views.review_compare import DatePart
from domain.matching import Agreement, FieldResult, MatchField


def test_a_badge_with_a_note_names_it_in_its_title_and_after_it() -> None:
    result = FieldResult(MatchField.LEGAL_FIRST, Agreement.NICKNAME, 2.5, "José", "Pepe", note="via an alias")
    assert str(evidence_badge(result)) == (
        '<span class="badge match-badge badge-success" data-agreement="nickname" data-evidence="for"\n'
        '        title="First name: nickname (via an alias)">nickname</span><span class="match-note">via an alias</span>'
    )


def test_a_cell_is_coloured_by_its_badges_verdict_and_escapes_its_value() -> None:
    result = FieldResult(MatchField.LEGAL_LAST, Agreement.DIFFERENT, -3.0, "Lee", "<b>O'Neil</b>")
    cell = str(verdict_cell(result, "<b>O'Neil</b>"))
    assert cell.startswith('<td class="diff" data-state="against" data-agreement="different">&lt;b&gt;O&#39;Neil&lt;/b&gt;\n  <span')
    assert 'class="badge match-badge badge-danger"' in cell and cell.endswith(">different</span></td>")
    assert "match-note" not in cell


def test_a_date_shows_part_by_part_with_the_differing_parts_marked() -> None:
    parts = (DatePart("year", "2012"), DatePart("month", "05", True), DatePart("day", "16"))
    assert str(date_value("2012-05-16", parts)) == (
        '<span class="date-part " data-part="year">2012</span>-<span class="date-part diff" data-part="month">05</span>-'
        '<span class="date-part " data-part="day">16</span>'
    )
    assert str(date_value("", ())) == "—"
    assert str(date_value("<i>", ())) == "&lt;i&gt;"

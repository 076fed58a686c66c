"""The low findings of the second security round: a table sorted by a column of the student it
belongs to, and any ``?sort=`` a person can type, answer a page, never a server error (500 before)."""

from __future__ import annotations

import pytest

from store.tables import BatchRow
from tests.e2e.console_html import elements
from tests.e2e.conftest import Sandbox, Signed

_OF_STUDENT = ["enrollment", "language_status", "special_education", "guardian", "address"]


@pytest.mark.parametrize("table", _OF_STUDENT)
def test_a_table_sorts_by_the_students_local_id(admin: Signed, table: str) -> None:
    for desc in ("0", "1"):
        page = admin.page(f"/admin/{table}/?sort=0&desc={desc}")
        assert "Local ID" in page


def test_a_local_id_sort_orders_the_rows(admin: Signed) -> None:
    page = admin.page("/admin/enrollment/?sort=0&desc=1")
    ids = [cell.text.strip() for cell in elements(page, "td") if cell.attrs.get("class", "").startswith("col-student")]
    assert ids and ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("sort", ["99", "-1", "7"])
def test_any_sort_number_answers_a_page(admin: Signed, sort: str) -> None:
    for table in ("student", "enrollment", "user", "run"):
        assert admin.get(f"/admin/{table}/?sort={sort}").status_code == 200


def test_a_file_with_a_300_character_name_is_loaded_under_a_shortened_name(admin: Signed, sandbox: Sandbox) -> None:
    """A valid Replacement SSIDs extract under a 300+ character name answered 500 before."""
    extract = sandbox.replacements()
    long_name = "R" * 300 + "_" + extract.name
    loaded = admin.post("/admin/replacement/load", files={"file": (extract.read_bytes(), long_name)}, follow=True)
    assert loaded.status_code == 200
    page = loaded.get_data(as_text=True)
    assert "loaded for review" in page
    [batch] = BatchRow.select()
    assert len(batch.file_name) <= 120 and batch.file_name.endswith(extract.name[-40:])
    assert batch.file_name.startswith("RRR") and "…" in batch.file_name

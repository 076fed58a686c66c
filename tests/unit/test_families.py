"""Families are packages with one entrance: nothing outside a package reaches into its private
(``_underscore``) modules, and the public import paths a developer reusing the library relies on
keep working with every name they listed before the families became packages (issue 13).

White-box unit tests of a private module's internals may import it (listed in
:data:`WHITE_BOX`, each with the reason); product code, benchmarks and other tests go through the
entrance.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "workflows", "store", "console", "seed", "bench", "tests")

WHITE_BOX = {
    "tests/unit/test_duplicates_blocking.py": "pins the blocking window and block size, internals of the search",
    "tests/unit/test_duplicates_groups.py": "pins how many members a group samples, an internal of grouping",
    "tests/unit/test_oneroster_source.py": "pins how an export's files are found and refused (ExportFiles), internals of read_oneroster",
    "tests/unit/test_oneroster_blocks.py": "reads exports with every block reading refused in bulk (Block, BLOCK_SIZE), internals of read_oneroster",
    "tests/integration/test_oneroster_import_reference.py": "imports with every block reading refused in bulk (Block), the reference the import is compared with",
    "tests/unit/test_oneroster_table.py": "pins a file's records and manifest.csv value by value (read_table, Record, read_manifest), internals of read_oneroster",
    "tests/unit/test_checking.py": "pins field_rule's CALPADS rule ids and CaretChecker on a line 1 holding no LEA, internals of the checker",
    "tests/unit/test_layouts.py": "pins field_table's numbering of table rows and ods_senr's download of an SENR version, the internals the layout tables are built with",
    "tests/unit/test_readers_source.py": "pins what a first line says (kind, layout, field count) and the CSV delimiter chosen, internals of recognising a file",
}

PUBLIC_API: dict[str, tuple[str, ...]] = {
    'domain.values': ('Ssid', 'LocalId', 'CdsCode', 'AcademicYear', 'parse_ssid', 'parse_local_id', 'parse_cds_code', 'parse_calpads_date', 'format_calpads_date', 'NPS_SCHOOL', 'PRIVATE_SCHOOL_GROUP'),
    'domain.records': ('SenrRecord', 'OdsSenrRecord', 'SelaRecord', 'ExtractRow', 'ReplacementRow', 'MatchCategory', 'MatchResultRow', 'MatchCandidate', 'record_fields'),
    'domain.layouts': ('FieldKind', 'FieldSpec', 'Layout', 'Required', 'LAYOUTS', 'layout', 'layouts_of_kind', 'MATCH_RESULT_PUBLISHED'),
    'domain.readers': ('ParsedFile', 'Source', 'open_senr', 'open_ods_senr', 'open_ods_year', 'open_ssid_extract', 'open_replacements', 'open_match_result', 'open_sela', 'detect_kind', 'read_score'),
    'domain.writers': ('write_senr', 'write_ods_senr', 'write_ssid_extract', 'write_replacements', 'write_sela', 'write_match_result', 'senr_line'),
    'domain.validation': ('Severity', 'Violation', 'validate_record', 'validate_senr', 'validate_sela', 'errors_of', 'warnings_of'),
    'domain.matching': ('Agreement', 'Evidence', 'MatchField', 'PersonFacts', 'FieldResult', 'Comparison', 'PreparedFacts', 'ValueFrequencies', 'EVEN_ODDS_BITS', 'HIGHEST_SHOWN_PERCENT', 'TWIN_CAP_PERCENT', 'candidate_facts', 'compare', 'compare_prepared', 'prepare', 'population_frequencies'),
    'domain.duplicates': ('SuspectedDuplicate', 'DuplicateSearch', 'Progress', 'LIKELY_DUPLICATE_PERCENT', 'find_duplicates', 'search_duplicates', 'Resolution', 'IssueDecision', 'left_out_record', 'possible_duplicates', 'possible_duplicate_text'),
    'domain.planning': ('Selection', 'ExclusionReason', 'Exclusion', 'RequestSelection', 'select_request', 'build_senr_records', 'senr_record', 'request_file_name', 'updated_file_name', 'CodeTranslator', 'TRANSLATED_FIELDS', 'UndecidedStudents', 'build_updated_records', 'LocalIdentity', 'IdentityField', 'FieldValue', 'FieldChange', 'LocalLookup', 'SsidLookup', 'as_lookup', 'lookup_by_local_id', 'lookup_by_ssid', 'SsidOutcome', 'ExtractChange', 'ExtractCounts', 'ExtractPlan', 'plan_extract', 'ReplacementOutcome', 'ReplacementChange', 'ReplacementPlan', 'plan_replacements', 'COMPARED_FIELDS', 'DeleteReason', 'OdsDelete', 'OdsPlan', 'plan_ods_reconciliation', 'SelaSkip', 'SelaUpdate', 'SelaPlan', 'plan_sela_import'),
}
"""Each public module and the names its ``__all__`` listed when the families became packages."""


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private_reaches(path: Path) -> list[str]:
    """Imports in ``path`` of a private module of a package the importing module is not inside."""
    return _reaches_in(path.read_text(encoding="utf-8"), _module_of(path))


def _reaches_in(source: str, importer: str) -> list[str]:
    """:func:`_private_reaches` for ``source`` read as the module named ``importer``."""
    tree = ast.parse(source)
    targets: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            targets.append(node.module)
            targets += [f"{node.module}.{alias.name}" for alias in node.names if alias.name.startswith("_")]
    offending = []
    for target in targets:
        parts = target.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                location = ROOT.joinpath(*parts[: depth + 1])
                if not (location.with_suffix(".py").exists() or location.is_dir()):
                    break  # a private name imported from a module, not a private module
                owner = ".".join(parts[:depth])
                if not (importer == owner or importer.startswith(owner + ".")):
                    offending.append(target)
                break
    return offending


def test_no_import_reaches_into_another_familys_private_modules() -> None:
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative in WHITE_BOX:
                continue
            found = _private_reaches(path)
            if found:
                offenders[relative] = found
    assert offenders == {}


def test_the_check_sees_a_reach_into_a_private_module() -> None:
    """The check above would fail on a console module importing ``domain.matching._text``."""
    probe = "from domain.matching._text import fold\nfrom domain.matching import compare\n"
    assert _reaches_in(probe, "console.probe") == ["domain.matching._text"]
    inside = ROOT / "domain" / "matching" / "_compare.py"
    assert _private_reaches(inside) == []


@pytest.mark.parametrize("module", sorted(PUBLIC_API))
def test_public_import_paths_keep_every_name(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC_API[module] if not hasattr(imported, name)]
    assert missing == []
    assert set(PUBLIC_API[module]) <= set(imported.__all__)


def test_white_box_tests_still_exist() -> None:
    assert [name for name in WHITE_BOX if not (ROOT / name).exists()] == []

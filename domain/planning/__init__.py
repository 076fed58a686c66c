"""Planning: which records to send to CALPADS and which local changes a loaded file would make.

Pure functions over domain values: no database, no files, no clock (``today`` / ``now`` are
handed in). Each plan lists what would happen and why, so a person can review it before the
workflow applies it.

Two planners are **reference rules**: :func:`reference_extract_plan` and
:func:`reference_ods_plan` state the SSID Extract preview and the ODS audit in plain Python. At
district scale production computes both set-based in SQL (``store/extract_preview.py``,
``store/ods_audit_sql.py``); differential tests check the SQL against these, rule for rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain._entrance import names_on_demand

# The family's names are imported from their modules when first asked for (PEP 562): a caller of
# one planner (the SSID Extract's, say) does not pay at start for every other one and what they
# import (the request's duplicate search, the matching assistant).
if TYPE_CHECKING:
    from domain.planning.extract import (
        ExtractChange,
        ExtractCounts,
        ExtractPlan,
        SsidOutcome,
        plan_extract,
        reference_extract_plan,
    )
    from domain.planning.identity import (
        FieldChange,
        FieldValue,
        IdentityField,
        LocalIdentity,
        LocalLookup,
        SsidLookup,
        as_lookup,
        lookup_by_local_id,
        lookup_by_ssid,
    )
    from domain.planning.ods import (
        COMPARED_FIELDS,
        DeleteReason,
        OdsDelete,
        OdsPlan,
        plan_ods_reconciliation,
        reference_ods_plan,
    )
    from domain.planning.replacement import ReplacementChange, ReplacementOutcome, ReplacementPlan, plan_replacements
    from domain.planning.request import (
        Exclusion,
        ExclusionReason,
        RequestSelection,
        Selection,
        build_senr_records,
        request_file_name,
        select_request,
        updated_file_name,
    )
    from domain.planning.sela import SelaPlan, SelaSkip, SelaUpdate, plan_sela_import
    from domain.planning.senr import senr_record
    from domain.planning.translation import TRANSLATED_FIELDS, CodeTranslator
    from domain.planning.updated import UndecidedStudents, build_updated_records

_HOMES: dict[str, tuple[str, ...]] = {
    "domain.planning.extract": (
        "ExtractChange", "ExtractCounts", "ExtractPlan", "SsidOutcome", "plan_extract", "reference_extract_plan"
    ),
    "domain.planning.identity": (
        "FieldChange", "FieldValue", "IdentityField", "LocalIdentity", "LocalLookup", "SsidLookup", "as_lookup",
        "lookup_by_local_id", "lookup_by_ssid"
    ),
    "domain.planning.ods": (
        "COMPARED_FIELDS", "DeleteReason", "OdsDelete", "OdsPlan", "plan_ods_reconciliation",
        "reference_ods_plan"
    ),
    "domain.planning.replacement": (
        "ReplacementChange", "ReplacementOutcome", "ReplacementPlan", "plan_replacements"
    ),
    "domain.planning.request": (
        "Exclusion", "ExclusionReason", "RequestSelection", "Selection", "build_senr_records",
        "request_file_name", "select_request", "updated_file_name"
    ),
    "domain.planning.sela": ("SelaPlan", "SelaSkip", "SelaUpdate", "plan_sela_import"),
    "domain.planning.senr": ("senr_record",),
    "domain.planning.translation": ("TRANSLATED_FIELDS", "CodeTranslator"),
    "domain.planning.updated": ("UndecidedStudents", "build_updated_records"),
}
__getattr__ = names_on_demand(__name__, _HOMES)


__all__ = [
    # Step 1
    "Selection",
    "ExclusionReason",
    "Exclusion",
    "RequestSelection",
    "select_request",
    "build_senr_records",
    "senr_record",
    "request_file_name",
    "updated_file_name",
    "CodeTranslator",
    "TRANSLATED_FIELDS",
    # Step 4
    "UndecidedStudents",
    "build_updated_records",
    # local identity changes
    "LocalIdentity",
    "IdentityField",
    "FieldValue",
    "FieldChange",
    "LocalLookup",
    "SsidLookup",
    "as_lookup",
    "lookup_by_local_id",
    "lookup_by_ssid",
    # Step 7
    "SsidOutcome",
    "ExtractChange",
    "ExtractCounts",
    "ExtractPlan",
    "reference_extract_plan",
    "plan_extract",
    # Replacement SSIDs
    "ReplacementOutcome",
    "ReplacementChange",
    "ReplacementPlan",
    "plan_replacements",
    # ODS audit and SELA
    "COMPARED_FIELDS",
    "DeleteReason",
    "OdsDelete",
    "OdsPlan",
    "reference_ods_plan",
    "plan_ods_reconciliation",
    "SelaSkip",
    "SelaUpdate",
    "SelaPlan",
    "plan_sela_import",
]

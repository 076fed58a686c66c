"""The guards of the SSID workflow (product.md "The SSID workflow"): what must hold for each event.

A service gathers the facts a guard needs (from the store and the files it was handed), then the
machine asks the guard. A guard answers ``None`` when it holds, else the reason shown to the
person and recorded in the run's history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from domain.runs import RunEvent

__all__ = [
    "MidsFacts",
    "SenrFacts",
    "ResultsFacts",
    "ConfirmFacts",
    "ExtractFacts",
    "UndoFacts",
    "NoFacts",
    "GuardFacts",
    "GUARDS",
    "NOT_THIS_RUNS_ANSWER",
    "guard_reason",
]


@dataclass(frozen=True, slots=True)
class MidsFacts:
    """resolve_mids: a person's attestation, and the local duplicate check's open issues."""

    attested: bool
    unacknowledged_issues: int


@dataclass(frozen=True, slots=True)
class SenrFacts:
    """create_senr: settings, eligible students, and local pre-validation of the records."""

    settings_problem: str | None
    eligible: int
    errors: tuple[str, ...] = ()
    warnings: int = 0
    warnings_accepted: bool = False


@dataclass(frozen=True, slots=True)
class ResultsFacts:
    """load_results: what is wrong with the match result file for this run (``None``: nothing)."""

    problem: str | None


@dataclass(frozen=True, slots=True)
class ConfirmFacts:
    """confirm_all: how many requested students still have no decision."""

    undecided: int


@dataclass(frozen=True, slots=True)
class ExtractFacts:
    """apply_extract: an SSID Extract loaded and previewed, and the person confirmed the preview.

    ``sent`` students of the run went to CALPADS (Select or New SSID), ``sent_back`` of them have
    an SSID in the extract; when none came back the extract cannot be this run's answer, and only
    a second confirmation (``anyway``) lets it be applied.
    """

    previewed: bool
    confirmed: bool
    sent: int = 0
    sent_back: int = 0
    anyway: bool = False


@dataclass(frozen=True, slots=True)
class UndoFacts:
    """undo_extract: the run has an applied extract, and no other run is open (the run reopens)."""

    applied: bool
    open_run: int | None = None


@dataclass(frozen=True, slots=True)
class NoFacts:
    """create_updated and cancel have no guard beyond the order of states."""


GuardFacts = MidsFacts | SenrFacts | ResultsFacts | ConfirmFacts | ExtractFacts | UndoFacts | NoFacts

NOT_THIS_RUNS_ANSWER = (
    "none of the {sent} student(s) this run sent (Select or New SSID) has an SSID in this SSID Extract: "
    "was it downloaded before the updated file was posted? Post the updated file in CALPADS, wait for it "
    "to be processed, then download a new SSID Extract and load it (or apply this one anyway)"
)
"""The refusal (and the preview's first warning) for an extract that cannot be the run's answer."""


def _mids(facts: MidsFacts) -> str | None:
    if not facts.attested:
        return "a person must attest that the CALPADS MIDs are resolved"
    if facts.unacknowledged_issues:
        return (
            f"the local duplicate check shows {facts.unacknowledged_issues} unacknowledged "
            "issue(s); resolve or acknowledge them first"
        )
    return None


def _senr(facts: SenrFacts) -> str | None:
    if facts.settings_problem:
        return facts.settings_problem
    if facts.eligible == 0:
        return "no eligible student: every active student without an SSID was excluded"
    if facts.errors:
        more = f" (and {len(facts.errors) - 1} more)" if len(facts.errors) > 1 else ""
        return f"pre-validation failed: {facts.errors[0]}{more}"
    if facts.warnings and not facts.warnings_accepted:
        return f"pre-validation gave {facts.warnings} warning(s); accept them explicitly to continue"
    return None


def _results(facts: ResultsFacts) -> str | None:
    return facts.problem


def _confirm(facts: ConfirmFacts) -> str | None:
    if facts.undecided:
        return f"{facts.undecided} requested student(s) have no decision yet"
    return None


def _extract(facts: ExtractFacts) -> str | None:
    if not facts.previewed:
        return "no SSID Extract has been loaded and previewed for this run"
    if not facts.confirmed:
        return "the preview of the SSID Extract has not been confirmed"
    if facts.sent and not facts.sent_back and not facts.anyway:
        return NOT_THIS_RUNS_ANSWER.format(sent=facts.sent)
    return None


def _undo(facts: UndoFacts) -> str | None:
    if not facts.applied:
        return "the run has no applied SSID Extract to undo"
    if facts.open_run is not None:
        return (
            f"run {facts.open_run} is open; undoing would reopen this run beside it: "
            f"finish or cancel run {facts.open_run} first"
        )
    return None


def _none(facts: NoFacts) -> str | None:
    return None


_Guard = Callable[[GuardFacts], str | None]

GUARDS: Mapping[RunEvent, tuple[type[GuardFacts], Callable[..., str | None]]] = MappingProxyType(
    {
        RunEvent.RESOLVE_MIDS: (MidsFacts, _mids),
        RunEvent.CREATE_SENR: (SenrFacts, _senr),
        RunEvent.LOAD_RESULTS: (ResultsFacts, _results),
        RunEvent.CONFIRM_ALL: (ConfirmFacts, _confirm),
        RunEvent.CREATE_UPDATED: (NoFacts, _none),
        RunEvent.APPLY_EXTRACT: (ExtractFacts, _extract),
        RunEvent.UNDO_EXTRACT: (UndoFacts, _undo),
        RunEvent.CANCEL: (NoFacts, _none),
    }
)
"""Each event's kind of facts and its guard."""


def guard_reason(event: RunEvent, facts: GuardFacts) -> str | None:
    """Why ``event``'s guard fails on ``facts`` (``None`` when it holds)."""
    kind, guard = GUARDS[event]
    if not isinstance(facts, kind):
        raise TypeError(f"{event.value} is guarded by {kind.__name__}, not {type(facts).__name__}")
    return guard(facts)

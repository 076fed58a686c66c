"""The run's state diagram as Mermaid text, drawn by transitions' own mermaid engine (no graphviz),
from the same transitions table the machine runs on. The console serves it locally.
"""

from __future__ import annotations

from typing import Any

from transitions.extensions import GraphMachine

from domain.runs import RunEvent, RunState
from workflows.run.machine import TRANSITIONS

__all__ = ["GUARD_LABELS", "run_diagram"]

GUARD_LABELS = {
    RunEvent.RESOLVE_MIDS: "MIDs attested and no local issue",
    RunEvent.CREATE_SENR: "settings complete, eligible students, pre-validation passes",
    RunEvent.LOAD_RESULTS: "match result file of this run and LEA",
    RunEvent.CONFIRM_ALL: "every requested student decided",
    RunEvent.APPLY_EXTRACT: "extract previewed and confirmed (twice when none sent came back)",
    RunEvent.UNDO_EXTRACT: "extract applied, no other run open",
}
"""What each guard checks, in words, for the diagram's edge labels."""


class _Model:
    pass


def run_diagram(current: RunState | None = None, title: str = "SSID run") -> str:
    """The Mermaid ``stateDiagram-v2`` of the run, ``current`` highlighted when given."""
    model = _Model()
    machine = GraphMachine(
        model=model,
        states=[s.value for s in RunState],
        transitions=[
            {
                "trigger": event.value,
                "source": [s.value for s in sources],
                "dest": dest.value,
                **({"conditions": [GUARD_LABELS[event]]} if event in GUARD_LABELS else {}),
            }
            for event, (sources, dest) in TRANSITIONS.items()
        ],
        initial=RunState.NEW.value,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title=title,
    )
    machine.get_graph()
    styles: Any = machine.model_graphs[id(model)]
    styles.set_node_style(RunState.NEW.value, "default")
    if current is not None:
        styles.set_node_style(current.value, "active")
    text: str = machine.get_graph().draw(None)
    return text

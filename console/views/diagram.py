"""The run's state diagram as a static SVG drawn on the server (no script, no CDN).

Drawn from the same transitions table the machine runs on (:data:`workflows.run.machine.TRANSITIONS`)
with the guards' words (:data:`workflows.run.diagram.GUARD_LABELS`): the states of the main line in
workflow order, left to right, each arrow labelled with its event and guard; an event that leads
back along the line (undo_extract: extract_loaded → updated) is an arrow below it; an event
reachable from several states (cancel) leads to a state drawn above them.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from domain.runs import RunEvent, RunState
from workflows.run.diagram import GUARD_LABELS
from workflows.run.machine import TRANSITIONS

__all__ = ["state_diagram_svg", "main_line", "back_edges"]

_BOX_W, _BOX_H, _GAP, _MARGIN = 128, 40, 46, 12
_CANCEL_Y, _LINE_Y = 12, 112


def main_line() -> list[tuple[RunState, RunEvent | None]]:
    """The states of the main line in order, each with the event that leads to it (``None`` first)."""
    forward = {sources[0]: (event, dest) for event, (sources, dest) in TRANSITIONS.items() if len(sources) == 1}
    line: list[tuple[RunState, RunEvent | None]] = [(RunState.NEW, None)]
    seen = {RunState.NEW}
    while line[-1][0] in forward and forward[line[-1][0]][1] not in seen:
        event, dest = forward[line[-1][0]]
        line.append((dest, event))
        seen.add(dest)
    return line


def back_edges() -> list[tuple[RunEvent, RunState, RunState]]:
    """The events leading from a state of the main line back to an earlier one (event, source, dest)."""
    order = [state for state, _ in main_line()]
    return [
        (event, sources[0], dest)
        for event, (sources, dest) in TRANSITIONS.items()
        if len(sources) == 1 and sources[0] in order and dest in order and order.index(dest) < order.index(sources[0])
    ]


def _wrap(text: str, width: int = 26) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def state_diagram_svg(current: RunState | None = None) -> Markup:
    """The diagram as inline SVG markup, ``current`` highlighted."""
    line = main_line()
    x_of = {state: _MARGIN + i * (_BOX_W + _GAP) for i, (state, _) in enumerate(line)}
    width = _MARGIN * 2 + len(line) * _BOX_W + (len(line) - 1) * _GAP
    top = _LINE_Y
    parts: list[str] = []

    def box(state: RunState, x: int, y: int) -> None:
        css = "node current" if state is current else "node"
        parts.append(
            f'<g class="{css}"><rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="6"/>'
            f'<text x="{x + _BOX_W // 2}" y="{y + 25}" text-anchor="middle">{escape(state.value)}</text></g>'
        )

    for index, (state, event) in enumerate(line):
        box(state, x_of[state], top)
        if event is None:
            continue
        x1, x2, y = x_of[line[index - 1][0]] + _BOX_W, x_of[state], top + _BOX_H // 2
        parts.append(f'<path d="M{x1} {y} L{x2 - 2} {y}" marker-end="url(#arrow)"/>')
        label = [event.value, *(_wrap(GUARD_LABELS[event], 22) if event in GUARD_LABELS else [])]
        for n, text in enumerate(label):
            parts.append(
                f'<text class="edge-label" x="{(x1 + x2) // 2}" y="{top + _BOX_H + 18 + n * 12}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )

    below = top + _BOX_H + 18 + 4 * 12
    for event, source, dest in back_edges():
        sx, dx, y = x_of[source] + _BOX_W // 2, x_of[dest] + _BOX_W // 2, top + _BOX_H
        parts.append(
            f'<path class="back" d="M{sx} {y} C{sx} {below + 20} {dx} {below + 20} {dx} {y + 2}" marker-end="url(#arrow)"/>'
            f'<text class="edge-label" x="{(sx + dx) // 2}" y="{below + 24}" text-anchor="middle">{escape(event.value)}</text>'
        )

    for event, (sources, dest) in TRANSITIONS.items():
        if len(sources) == 1:
            continue
        x = _MARGIN + (width - 2 * _MARGIN - _BOX_W) // 2
        box(dest, x, _CANCEL_Y)
        parts.append('<g class="cancel">')
        for source in sources:
            sx, cx = x_of[source] + _BOX_W // 2, x + _BOX_W // 2
            parts.append(
                f'<path d="M{sx} {top} C{sx} {top - 30} {cx} {_CANCEL_Y + _BOX_H + 30} {cx} {_CANCEL_Y + _BOX_H + 2}" '
                'marker-end="url(#arrow-cancel)"/>'
            )
        parts.append("</g>")
        others = ", ".join(s.value for s in RunState if s not in sources and s is not dest)
        parts.append(
            f'<text class="edge-label" x="{x + _BOX_W + 8}" y="{_CANCEL_Y + 24}">'
            f"{escape(event.value)}: from any state but {escape(others)}</text>"
        )

    height = below + 30 + _MARGIN
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0 0 L10 5 L0 10 z" fill="#495057"/></marker>'
        '<marker id="arrow-cancel" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0 0 L10 5 L0 10 z" fill="#dc3545"/></marker></defs>'
    )
    svg = (
        # Sized by its viewBox to the width it is given, before any stylesheet arrives (a wide
        # intrinsic width made the page scroll sideways while console.css was still loading).
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="State diagram of an SSID run">{defs}{"".join(parts)}</svg>'
    )
    return Markup(svg)

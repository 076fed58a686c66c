"""The workflow package's exceptions: a refused step is a normal outcome that carries its reason."""

from __future__ import annotations

__all__ = ["WorkflowError", "StepRefused", "NotFound"]


class WorkflowError(Exception):
    """Base of every error the workflow services raise on purpose."""


class StepRefused(WorkflowError):
    """A step was refused: its guard failed, the input was bad, or the run changed meanwhile.

    Nothing was changed, except that a refused run event is recorded in the run's history.
    ``event`` names the attempted step when there is one.
    """

    def __init__(self, reason: str, event: str | None = None) -> None:
        self.reason = reason
        self.event = event
        super().__init__(reason)


class NotFound(StepRefused):
    """The run, batch, student or file named does not exist."""

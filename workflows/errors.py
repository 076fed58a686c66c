"""The workflow package's exceptions: a refused step is a normal outcome that carries its reason."""

from __future__ import annotations

from domain.errors import DomainError

__all__ = ["WorkflowError", "StepRefused", "NotFound"]


class WorkflowError(Exception):
    """Base of every error the workflow services raise on purpose."""


class StepRefused(WorkflowError):
    """A step was refused: its guard failed, the input was bad, or the run changed meanwhile.

    Nothing was changed, except that a refused run event is recorded in the run's history.
    ``event`` names the attempted step when there is one; ``cause`` is the domain error the
    refusal came from (a :class:`domain.errors.FileProblem` with its file, line and field, a
    :class:`domain.errors.TranslationMissing` …), for a caller that wants more than the words.
    """

    def __init__(self, reason: str, event: str | None = None, *, cause: DomainError | None = None) -> None:
        self.reason = reason
        self.event = event
        self.cause = cause
        super().__init__(reason)

    @classmethod
    def of(cls, error: DomainError, event: str | None = None) -> StepRefused:
        """The refusal a domain error makes: its text as the reason, the error kept as ``cause``."""
        return cls(str(error), event, cause=error)


class NotFound(StepRefused):
    """The run, batch, student or file named does not exist."""

"""The domain library's exceptions: one base class, subclasses that carry where things went wrong."""

from __future__ import annotations

__all__ = [
    "DomainError",
    "InvalidValue",
    "FileProblem",
    "WrongFileKind",
    "WriteRefused",
    "TranslationMissing",
]


class DomainError(Exception):
    """Base of every error the domain library raises on purpose."""


class InvalidValue(DomainError, ValueError):
    """A value (SSID, code, date, academic year ...) is not well formed."""

    def __init__(self, kind: str, value: str, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(f"{kind}: {reason}")


class FileProblem(DomainError):
    """A file could not be read: names the file, line, field number and field name.

    The offending value itself is never part of the message (it may be student data).
    """

    def __init__(
        self,
        file: str,
        line: int,
        message: str,
        field_number: int | None = None,
        field_name: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field_number = field_number
        self.field_name = field_name
        self.message = message
        where = f"{file}, line {line}"
        if field_number is not None or field_name is not None:
            label = " ".join(
                part
                for part in (
                    f"field {field_number}" if field_number is not None else "",
                    f"({field_name})" if field_name else "",
                )
                if part
            )
            where += f", {label}"
        super().__init__(f"{where}: {message}")

    def as_fields(self) -> tuple[str, int, str, int | None, str | None]:
        """What it was made of, in the constructor's order (``FileProblem(*p.as_fields())`` is the
        same problem): for handing it from one process to another, as JSON."""
        return (self.file, self.line, self.message, self.field_number, self.field_name)


class WrongFileKind(FileProblem):
    """The file is of another kind than the one expected (e.g. an SENR file given as SSID Extract)."""

    def __init__(self, file: str, line: int, expected: str, found: str) -> None:
        self.expected = expected
        self.found = found
        super().__init__(file, line, f"expected {expected}, found {found}")


class WriteRefused(DomainError):
    """A writer refused a value it cannot represent (too long, or containing the delimiter)."""

    def __init__(self, layout: str, field_number: int, field_name: str, reason: str, record: int | None = None) -> None:
        self.layout = layout
        self.field_number = field_number
        self.field_name = field_name
        self.reason = reason
        self.record = record
        where = f"{layout} record {record}" if record is not None else layout
        super().__init__(f"{where}, field {field_number} ({field_name}): {reason}")


class TranslationMissing(DomainError):
    """A local code has no CALPADS translation (names the student and the field)."""

    def __init__(self, local_id: str, field: str, code: str) -> None:
        self.local_id = local_id
        self.field = field
        self.code = code
        super().__init__(f"student {local_id}: {field} code {code!r} has no CALPADS translation")

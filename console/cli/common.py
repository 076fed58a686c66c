"""What every `ssid` command shares: --db, --json, --as, exit codes and output.

Exit 0 on success; exit 2 with a one-line reason on stderr when a step is refused or the input is
bad (nothing changed then); any other code only for unexpected failures.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import click

from console.upload_limit import DEFAULT_MAX_UPLOAD_MB

__all__ = [
    "CliContext",
    "counting_bar",
    "existing_file",
    "utf8_named",
    "Refusal",
    "common_options",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_SANDBOX_URL",
]

DEFAULT_DATABASE_URL = "sqlite:///instance/ssid.db"
DEFAULT_SANDBOX_URL = "sqlite:///instance/sandbox.db"

P = ParamSpec("P")
R = TypeVar("R")


class Refusal(click.ClickException):
    """A refused step or bad input: one line on stderr, exit 2, nothing changed."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"ssid: {self.format_message()}", err=True)


@dataclass(frozen=True)
class CliContext:
    """The options every command accepts, resolved."""

    db_url: str
    sandbox_url: str
    as_json: bool
    actor: str

    def emit(self, result: Mapping[str, Any], human: str | None = None) -> None:
        """Print the command's result: one JSON object with --json, else a human line."""
        if self.as_json:
            click.echo(json.dumps(result, default=str, ensure_ascii=False))
        else:
            click.echo(human if human is not None else _human(result))

    @property
    def show_progress(self) -> bool:
        """Progress bars go to stderr, and only when stderr is a terminal."""
        return sys.stderr.isatty()

    @contextmanager
    def refusing(self, *errors: type[BaseException]) -> Iterator[None]:
        """Turn the given expected errors into a one-line refusal (exit 2)."""
        try:
            yield
        except errors as exc:
            raise Refusal(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc


def utf8_named(path: Path) -> Path:
    """``path`` if its name is UTF-8 text, which the database and every page can keep and show;
    else a refusal (one line, exit 2) saying to rename it. A Latin-1 name on a Linux share reaches
    Python as lone surrogates that no database accepts."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise Refusal(
            f"{shown}: the file name is not UTF-8 text; rename the file (for example without accents) "
            "and run the command again"
        ) from None
    return path


def existing_file(path: Path) -> Path:
    """``path`` if it is a readable file with a UTF-8 name within the upload limit; else a refusal
    naming it (one line, exit 2). The limit is the console's: ``SSID_MAX_UPLOAD_MB``, 200 MB by default."""
    utf8_named(path)
    if not path.is_file():
        raise Refusal(f"{path}: no such file")
    limit_mb = int(os.environ.get("SSID_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB)
    size = path.stat().st_size
    if size > limit_mb * 1024**2:
        raise Refusal(f"{path}: {size / 1024**2:,.0f} MB is over the limit of {limit_mb} MB for a file "
                      "(SSID_MAX_UPLOAD_MB); nothing was loaded or changed")
    return path


@contextmanager
def counting_bar(ctx: CliContext, length: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, told how many of ``length`` are done so far, when stderr is a
    terminal; else nothing (``None``)."""
    if not ctx.show_progress:
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            bar.update(count - done)
            done = count

        yield advance


def _human(result: Mapping[str, Any]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in result.items())


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def common_options(
    func: Callable[Concatenate[CliContext, P], R],
) -> Callable[P, R]:
    """Add --db, --sandbox-db, --json and --as to a command and hand it a :class:`CliContext`."""

    @click.option("--db", "db_url", default=None, help="Database URL (else SSID_DATABASE_URL, else sqlite:///instance/ssid.db).")
    @click.option(
        "--sandbox-db",
        "sandbox_url",
        default=None,
        help="Sandbox database URL (else SSID_SANDBOX_DATABASE_URL, else sqlite:///instance/sandbox.db).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object as the result.")
    @click.option("--as", "actor", default=None, help="Acting user recorded in history (default: OS user).")
    @functools.wraps(func)
    def wrapper(*args: Any, db_url: str | None, sandbox_url: str | None, as_json: bool, actor: str | None, **kwargs: Any) -> R:
        ctx = CliContext(
            db_url=db_url or os.environ.get("SSID_DATABASE_URL") or DEFAULT_DATABASE_URL,
            sandbox_url=sandbox_url or os.environ.get("SSID_SANDBOX_DATABASE_URL") or DEFAULT_SANDBOX_URL,
            as_json=as_json,
            actor=actor or _default_actor(),
        )
        return func(ctx, *args, **kwargs)

    return wrapper  # type: ignore[return-value]

"""The command line reference (``docs/cli.md``), written from the commands themselves.

    .venv/bin/python -m console.cli.reference > docs/cli.md

A test compares ``docs/cli.md`` with what this writes, so the reference cannot fall behind the
commands: every command, its arguments and every option with its help, in ``ssid --help`` order.
The options every command shares (``--db``, ``--sandbox-db``, ``--json``, ``--as``) are described
once at the top.
"""

from __future__ import annotations

import sys

import click

from console.cli import main

__all__ = ["reference", "COMMON_OPTIONS"]

COMMON_OPTIONS = ("--db", "--sandbox-db", "--json", "--as", "--help")

_PREAMBLE = """\
# The `ssid` command line

Written by `python -m console.cli.reference` from the commands themselves (a test keeps it
current). The contract scripts may rely on — command names, the options listed there, the
`--json` keys and the exit codes — is `shared/spec/cli.md`; this page lists everything, including
what was added since.

Every command accepts, after its own name:

- `--db URL` — the district database (else `SSID_DATABASE_URL`, else `sqlite:///instance/ssid.db`);
- `--sandbox-db URL` — the simulated CALPADS (else `SSID_SANDBOX_DATABASE_URL`, else
  `sqlite:///instance/sandbox.db`), where a command uses it;
- `--json` — one JSON object on stdout as the result, nothing else on stdout;
- `--as USER` — the acting user recorded in the history (default: the OS user name).

Exit 0 on success; 2 when a step is refused or the input is bad, with a one-line reason on stderr
naming the file, line and field where that applies, and nothing changed. Long work shows a
progress bar on stderr when stderr is a terminal.
"""


def _leaves(command: click.Command, words: tuple[str, ...]) -> list[tuple[tuple[str, ...], click.Command]]:
    if not isinstance(command, click.Group):
        return [(words, command)]
    context = click.Context(command)
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name in command.list_commands(context):
        sub = command.get_command(context, name)
        if sub is not None and not sub.hidden:
            found.extend(_leaves(sub, (*words, name)))
    return found


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _usage(words: tuple[str, ...], command: click.Command) -> str:
    arguments = [p.human_readable_name for p in command.params if isinstance(p, click.Argument)]
    return " ".join(("ssid", *words, *arguments))


def _option_lines(command: click.Command) -> list[str]:
    context = click.Context(command)
    lines: list[str] = []
    for param in command.params:
        if not isinstance(param, click.Option) or any(opt in COMMON_OPTIONS for opt in param.opts):
            continue
        record = param.get_help_record(context)
        if record is None:
            continue
        names, help_text = record
        lines.append(f"  - `{names}`" + (f" — {_one_line(help_text)}" if help_text else ""))
    return lines


def reference() -> str:
    """The whole reference as Markdown (ends with one newline)."""
    parts = [_PREAMBLE]
    group_help: dict[str, str] = {}
    context = click.Context(main)
    for name in main.list_commands(context):
        sub = main.get_command(context, name)
        if isinstance(sub, click.Group):
            group_help[name] = _one_line(sub.help or "")
    current_group: str | None = None
    for words, command in _leaves(main, ()):
        group = words[0] if len(words) > 1 else None
        if group != current_group and group is not None:
            parts.append(f"## `ssid {group}`\n\n{group_help.get(group, '')}\n")
        elif group is None:
            parts.append(f"## `ssid {words[0]}`\n")
        current_group = group
        body = [f"- **`{_usage(words, command)}`** — {_one_line(command.help or '')}"]
        body.extend(_option_lines(command))
        parts.append("\n".join(body) + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(reference())

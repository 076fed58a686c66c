"""The command line keeps the contract of shared/spec/cli.md: every command it lists exists with
the options it lists, and every command accepts the common options."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from console.cli import main

CLI_MD = Path(__file__).resolve().parents[3] / "shared" / "spec" / "cli.md"
COMMON = ("--db", "--json", "--as")
NOT_OURS = {("serve",)}  # the console's command, added by its own module


def _contract() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(command words, options) of every command in cli.md's table."""
    found: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for line in CLI_MD.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `ssid "):
            continue
        first_cell = line.split(" | ")[0]
        group: tuple[str, ...] = ()
        for segment in re.findall(r"`([^`]+)`", first_cell):
            tokens = re.sub(r"[\[\]()]|\\\|", " ", segment).split()
            if tokens[0] == "ssid":
                tokens = tokens[1:]
            else:
                tokens = [*group, *tokens]
            words = []
            for token in tokens:
                if token.startswith("-") or not token.islower():
                    break
                words.append(token)
            group = tuple(words[:-1])
            found.append((tuple(words), tuple(t for t in tokens if t.startswith("--"))))
    return found


def _command(words: tuple[str, ...]) -> click.Command | None:
    command: click.Command | None = main
    context = click.Context(main)
    for word in words:
        if not isinstance(command, click.Group):
            return None
        command = command.get_command(context, word)
    return command


def _leaves(command: click.Command, words: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    if not isinstance(command, click.Group):
        return [(words, command)]
    context = click.Context(command)
    return [leaf for name in command.list_commands(context) for leaf in _leaves(command.get_command(context, name), (*words, name))]  # type: ignore[arg-type]


def _options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in param.opts if opt.startswith("-")}


@pytest.mark.skipif(not CLI_MD.is_file(), reason="shared/spec/cli.md is not beside this checkout")
def test_every_command_of_the_contract_exists_with_its_options() -> None:
    contract = _contract()
    assert len(contract) >= 30
    missing = []
    for words, options in contract:
        if words in NOT_OURS:
            continue
        command = _command(words)
        if command is None:
            missing.append(" ".join(words))
            continue
        absent = set(options) - _options(command)
        assert not absent, f"ssid {' '.join(words)} lacks {sorted(absent)}"
    assert missing == []


def test_every_command_accepts_the_common_options_and_has_help() -> None:
    for words, command in _leaves(main):
        if words in NOT_OURS or words == ("serve",):
            continue
        assert set(COMMON) <= _options(command), words
        assert command.help, words


def test_the_command_line_reference_lists_every_command_as_it_is() -> None:
    from console.cli.reference import reference

    written = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "docs/cli.md is behind: python -m console.cli.reference > docs/cli.md"
    for words, _command in _leaves(main):
        assert f"**`ssid {' '.join(words)}" in written

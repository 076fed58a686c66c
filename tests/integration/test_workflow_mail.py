"""The summary mail after an apply, received by a real SMTP server on localhost (aiosmtpd): the
subject, the tables and counts — and never a student's name or SSID. Without a mail server the
message waits in the outbox."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import peewee
import pytest
from aiosmtpd.controller import Controller

from domain.runs import RunState
from store.settings import write_settings
from store.tables import OutboxRow
from tests.integration.workflow_builder import RunBuilder, actor
from workflows.batches import replacement
from workflows.run import extract

COORDINATOR = "calpads-coordinator@rhvusd.example.org"


class _Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    """A real SMTP server on 127.0.0.1 for the test: (its inbox, its port)."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def builder(database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunBuilder:
    for name in ("SSID_SMTP_HOST", "SSID_SMTP_PORT", "SSID_SMTP_USER", "SSID_SMTP_PASSWORD", "SSID_SMTP_SENDER"):
        monkeypatch.delenv(name, raising=False)
    made = RunBuilder(database, tmp_path, students=40)
    made.to(RunState.UPDATED)
    return made


def _student_data(builder: RunBuilder) -> set[str]:
    """Every name and SSID of the district (none may appear in a mail)."""
    found: set[str] = set()
    for demo in builder.district.students():
        student = demo.student
        found.update(v for v in (student.legal.first, student.legal.last, student.ssid, demo.state_ssid, demo.retired_ssid) if v)
    return found


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text: str = part.get_content()
    return text.replace("\r\n", "\n")  # lines travel as CR LF over SMTP


def test_an_applied_extract_is_mailed_over_smtp(
    builder: RunBuilder, smtp_server: tuple[_Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp_server
    monkeypatch.setenv("SSID_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SSID_SMTP_PORT", str(port))
    monkeypatch.setenv("SSID_SMTP_SENDER", "ssid@rhvusd.example.org")
    extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    applied = extract.apply_extract(builder.store, builder.run_id, actor("ana"))
    assert applied.counts["student.ssid"] > 0

    [message] = inbox.messages
    assert inbox.recipients == [[COORDINATOR]]
    assert (message["Subject"], message["To"], message["From"]) == (
        f"SSID Workbench: SSID Extract applied (run {builder.run_id})", COORDINATOR, "ssid@rhvusd.example.org",
    )
    body = _body(message)
    assert body == (
        f"SSID Workbench: SSID Extract applied (run {builder.run_id}).\n"
        "By ana at 2025-10-15 19:30:00 UTC.\n"
        "\n"
        "Tables and counts changed:\n"
        f"  student.ssid: {applied.counts['student.ssid']}\n"
        "\n"
        f"Students changed: {applied.updated}\n"
    )
    assert not any(value in body for value in _student_data(builder))
    [kept] = OutboxRow.select()
    assert (kept.recipient, kept.subject, kept.error, kept.sent_at is not None) == (COORDINATOR, message["Subject"], None, True)


def test_an_applied_replacement_is_mailed_through_the_settings_mail_server(
    builder: RunBuilder, smtp_server: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_server
    write_settings(smtp_host="127.0.0.1", smtp_port=str(port))
    preview = replacement.load_replacements(builder.store, builder.files["replacements"], actor())
    replacement.apply_replacements(builder.store, preview.batch.id, actor("ana"))

    [message] = inbox.messages
    assert message["Subject"] == f"SSID Workbench: Replacement SSIDs applied (batch {preview.batch.id})"
    assert message["From"] == "ssid-workbench@localhost"
    body = _body(message)
    assert body == (
        f"SSID Workbench: Replacement SSIDs applied (batch {preview.batch.id}).\n"
        "By ana at 2025-10-15 19:30:00 UTC.\n"
        "\n"
        "Tables and counts changed:\n"
        "  student.old_state_id: 1\n"
        "  student.ssid: 1\n"
        "\n"
        "Students changed: 1\n"
    )
    assert not any(value in body for value in _student_data(builder))


def test_without_a_mail_server_the_summary_waits_in_the_outbox(builder: RunBuilder) -> None:
    extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    applied = extract.apply_extract(builder.store, builder.run_id, actor("ana"))
    [kept] = OutboxRow.select()
    assert (kept.recipient, kept.subject, kept.sent_at, kept.attempts, kept.error) == (
        COORDINATOR, f"SSID Workbench: SSID Extract applied (run {builder.run_id})", None, 0, "no mail server configured",
    )
    assert f"Students changed: {applied.updated}\n" in kept.body


def test_a_mail_server_that_refuses_does_not_undo_the_apply(builder: RunBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSID_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SSID_SMTP_PORT", str(_free_port()))  # nobody listens there
    extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    extract.apply_extract(builder.store, builder.run_id, actor("ana"))
    assert builder.store.get_run(builder.run_id).state is RunState.EXTRACT_LOADED  # type: ignore[union-attr]
    [kept] = OutboxRow.select()
    assert kept.sent_at is None and str(kept.error).startswith("ConnectionRefusedError")

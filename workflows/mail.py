"""The email summary after an apply: which tables and how many values changed — counts, and the
warnings to check by local id; never a student's name or SSID.

It goes over SMTP when a server is configured (the ``SSID_SMTP_*`` environment, else the
settings), to the settings' notification address; without a server it waits in the outbox. A
mail server that fails does not undo the apply: the message stays in the outbox with the error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.runs import MailOutcome, OutboxMessage
from workflows.ports import DistrictSettings, UnitOfWork
from workflows.run.stepping import Actor

__all__ = ["SmtpConfig", "smtp_config", "summary_body", "send_apply_summary"]


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    sender: str


def smtp_config(settings: DistrictSettings, environ: Mapping[str, str] = os.environ) -> SmtpConfig | None:
    """The SMTP server to use: ``SSID_SMTP_HOST`` (and the other ``SSID_SMTP_*``) first, else the
    settings; ``None`` when neither names a host.
    """
    if environ.get("SSID_SMTP_HOST"):
        host, port = environ["SSID_SMTP_HOST"], environ.get("SSID_SMTP_PORT", "")
        user, sender = environ.get("SSID_SMTP_USER", ""), environ.get("SSID_SMTP_SENDER", "")
    else:
        host, port = settings.smtp_host, str(settings.smtp_port or "")
        user, sender = settings.smtp_user, settings.smtp_sender
    if not host:
        return None
    return SmtpConfig(
        host,
        int(port) if port.isdigit() else 25,
        user,
        environ.get("SSID_SMTP_PASSWORD", ""),
        sender or "ssid-workbench@localhost",
    )


def summary_body(title: str, counts: Mapping[str, int], actor: Actor, warnings: Sequence[str] = ()) -> str:
    """The text of a summary: what was applied, by whom, when, the counts per ``table.field``, and
    the warnings a person should look at (unusual ELAS changes, by local id)."""
    lines = [
        f"SSID Workbench: {title}.",
        f"By {actor.name} at {actor.now():%Y-%m-%d %H:%M:%S} UTC.",
        "",
        "Tables and counts changed:",
    ]
    fields = sorted(key for key in counts if "." in key)
    lines.extend(f"  {key}: {counts[key]}" for key in fields)
    if not fields:
        lines.append("  (nothing changed)")
    lines.extend(["", f"Students changed: {counts.get('students', 0)}", ""])
    if warnings:
        lines.append(f"Warnings ({len(warnings)}), to check in your SIS:")
        lines.extend(f"  {warning}" for warning in warnings)
        lines.append("")
    return "\n".join(lines)


def _send(config: SmtpConfig, to: str, subject: str, body: str) -> None:
    # Imported when mail is sent: smtplib brings ssl and email in, which every command would
    # otherwise load at start (ssid start-up, bench row "startup").
    import smtplib
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config.host, config.port, timeout=15) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, config.password)
        smtp.send_message(message)


def send_apply_summary(
    uow: UnitOfWork, title: str, counts: Mapping[str, int], actor: Actor, *, warnings: Sequence[str] = ()
) -> bool:
    """Mail the summary of an apply to the notification address; whether it was sent now.

    Without an address nothing is sent; without a mail server, or when it fails, the message is
    kept in the outbox (with the error) for later.
    """
    settings = uow.settings.district_settings()
    to = settings.email
    if not to:
        return False
    subject = f"SSID Workbench: {title}"
    body = summary_body(title, counts, actor, warnings)
    config = smtp_config(settings)
    outcome, error = MailOutcome.NO_SERVER, "no mail server configured"
    if config is not None:
        try:
            _send(config, to, subject, body)
            outcome, error = MailOutcome.SENT, ""
        except OSError as failure:  # smtplib's SMTPException is one
            outcome, error = MailOutcome.FAILED, f"{type(failure).__name__}: {failure}"
    message = OutboxMessage(at=actor.now(), to=to, subject=subject, body=body, outcome=outcome, error=error or None)
    with uow.atomic():
        uow.outbox.add_outbox(message)
    return outcome is MailOutcome.SENT

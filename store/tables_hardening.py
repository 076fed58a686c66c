"""What keeps the workbench honest under attack and after a fault: failed sign-ins (shared by
every console process), and the journal of identity changes made outside a loaded file.

- a failed sign-in, by name and by address: :class:`SignInFailure` (the rate limit counts them in
  the database, so two console processes, or a restart, do not reset it);
- a change to a student's SSID, Old State ID, ELAS or SWD made on the Tables page or by a roster
  import: :class:`IdentityChange` (changes made by an SSID Extract or Replacement batch are in
  :class:`~store.tables_batches.BatchChange`, with their batch, run and user).

Created by migration ``0004_hardening``.
"""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables_sis import Table

__all__ = ["SignInFailure", "IdentityChange", "HARDENING_TABLES"]


class SignInFailure(Table):
    """One failed sign-in: ``key`` is ``user:NAME`` or ``ip:ADDRESS`` (one row per key)."""

    id: int
    key = peewee.CharField(max_length=200, index=True)
    at = UtcDateTimeField(default=utc_now, index=True)

    class Meta:
        table_name = "sign_in_failure"


class IdentityChange(Table):
    """A change to an identity field (``ssid``, ``old_state_id``, ``elas``, ``swd``) made outside a
    batch: ``source`` says where (``tables page``, ``roster import``), ``actor`` who."""

    id: int
    at = UtcDateTimeField(default=utc_now, index=True)
    actor = peewee.CharField(max_length=80)
    source = peewee.CharField(max_length=255)
    local_id = peewee.CharField(max_length=15, index=True)
    field_name = peewee.CharField(max_length=40)
    old_value = peewee.TextField(null=True)
    new_value = peewee.TextField(null=True)

    class Meta:
        table_name = "identity_change"


HARDENING_TABLES: tuple[type[Table], ...] = (SignInFailure, IdentityChange)

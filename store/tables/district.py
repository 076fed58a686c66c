"""The district's settings ("other options") and its code translations."""

from __future__ import annotations

import peewee

from store.tables._base import Table

__all__ = ["SettingRow", "CodeTranslationRow"]


class SettingRow(Table):
    """One named setting ("other options"): see :data:`store.settings.SETTING_NAMES`."""

    name = peewee.CharField(max_length=40, primary_key=True)
    value = peewee.TextField(default="")

    class Meta:
        table_name = "setting"


class CodeTranslationRow(Table):
    """A local code and the CALPADS code it stands for, per code set (``grade``, ``gender`` ...).

    A code without a row translates to itself.
    """

    id: int
    field = peewee.CharField(max_length=40)
    local_code = peewee.CharField(max_length=20)
    calpads_code = peewee.CharField(max_length=20)

    class Meta:
        table_name = "code_translation"
        indexes = ((("field", "local_code"), True),)

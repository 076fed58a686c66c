"""Settings: the other options (LEA code, academic year, email, SMTP, where a OneRoster export
holds the local id and the SSID), schools selected for
CALPADS, and code translations. Auditors see them; only admins change them."""

from __future__ import annotations

from flask import flash, request
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from domain.codes import CODE_SETS
from domain.errors import DomainError
from store.codes import remove_translation, set_translation
from store.errors import StoreError
from store.settings import read_settings, write_settings
from store.tables import CodeTranslationRow, SchoolRow

__all__ = ["SettingsView"]

_OPTION_FIELDS = ("lea", "year", "email", "smtp_host", "smtp_port", "smtp_user", "smtp_sender", "oneroster_local_id", "oneroster_ssid")


class SettingsView(GuardedView):
    """``/admin/settings/``."""

    @expose("/")
    def index(self) -> str:
        translations = CodeTranslationRow.select().order_by(CodeTranslationRow.field, CodeTranslationRow.local_code)
        return self.render(
            "console/settings.html",
            settings=read_settings(),
            schools=list(SchoolRow.select().order_by(SchoolRow.code)),
            translations=list(translations),
            code_sets=sorted(CODE_SETS),
        )

    @expose("/options", methods=("POST",))
    def options(self) -> BaseResponse:
        values = {name: request.form.get(name, "") for name in _OPTION_FIELDS}
        try:
            write_settings(**values)
        except (DomainError, StoreError) as problem:
            flash_refusal(f"Settings not saved: {problem}")
        else:
            flash("Settings saved.", "success")
        return back_to(".index")

    @expose("/schools", methods=("POST",))
    def schools(self) -> BaseResponse:
        try:
            chosen = write_settings(schools=request.form.getlist("school")).schools
        except (DomainError, StoreError) as problem:
            flash_refusal(f"Schools not saved: {problem}")
        else:
            flash(f"{len(chosen)} school(s) selected for CALPADS.", "success")
        return back_to(".index")

    @expose("/translations", methods=("POST",))
    def translations(self) -> BaseResponse:
        field = request.form.get("field", "").strip()
        local = request.form.get("local_code", "").strip()
        calpads = request.form.get("calpads_code", "").strip()
        if field not in CODE_SETS or not local:
            flash_refusal("A translation needs a code set and a local code.")
        elif request.form.get("remove"):
            removed = remove_translation(field, local)
            flash(f"Translation of {field} {local} removed." if removed else f"No translation of {field} {local}.", "info")
        elif calpads not in CODE_SETS[field]:
            flash_refusal(f"{calpads!r} is not a CALPADS {CODE_SETS[field].name} code.")
        else:
            set_translation(field, local, calpads)
            flash(f"{field} {local} now translates to {calpads}.", "success")
        return back_to(".index")

"""The Settings page says where a OneRoster export holds the local id and the SSID: an admin
changes it with the other options (a name that is no users.csv field is refused)."""

from __future__ import annotations

from flask import Flask

from domain.oneroster import OneRosterMapping
from store.settings import read_settings
from tests.e2e.conftest import Signed
from tests.e2e.console_html import forms


def _options_form(admin: Signed) -> dict[str, list[str]]:
    [form] = [f for f in forms(admin.page("/admin/settings/")) if "oneroster_ssid" in dict(f.fields)]
    assert form.action.endswith("/admin/settings/options")
    return {k: v for k, v in form.data().items() if k != "csrf_token"}


def test_an_admin_sets_the_oneroster_fields_on_the_settings_page(app: Flask, admin: Signed) -> None:
    data = _options_form(admin)
    assert (data["oneroster_local_id"], data["oneroster_ssid"]) == (["identifier"], [""])
    data |= {"oneroster_local_id": ["userIds:District"], "oneroster_ssid": ["userMasterIdentifier"]}
    assert "Settings saved." in admin.post("/admin/settings/options", data, follow=True).get_data(as_text=True)
    assert read_settings().oneroster == OneRosterMapping("userIds:District", "userMasterIdentifier")

    data = _options_form(admin) | {"oneroster_ssid": ["stateId"]}
    page = admin.post("/admin/settings/options", data, follow=True).get_data(as_text=True)
    assert "Settings not saved: oneroster ssid: must be one of identifier" in page
    assert read_settings().oneroster.ssid == "userMasterIdentifier"

"""The Check page: upload any CALPADS file and see every problem, by line, field and rule.

The same checker as ``ssid check`` (:mod:`domain.checking`), judged against the district's LEA
and today. Nothing is stored: the upload is deleted once checked, and only the first findings are
shown (``ssid check FILE --csv PATH`` writes them all). Checking is a POST, so admins only, like
every upload.
"""

from __future__ import annotations

import datetime as dt

from flask import request
from flask_admin import expose

from console.views.base import GuardedView
from console.views.workflow_support import received_upload
from domain.checking import CheckOptions, Finding, check_file
from store.settings import read_settings

__all__ = ["CheckView", "SHOWN"]

SHOWN = 500
"""Findings shown on the page at most."""


class CheckView(GuardedView):
    """``/admin/check/``."""

    @expose("/", methods=("GET", "POST"))
    def index(self) -> str:
        if request.method != "POST":
            return self.render("console/check.html", check=None, findings=[], shown=SHOWN)
        upload = received_upload()
        if upload is None:
            return self.render("console/check.html", check=None, findings=[], shown=SHOWN, missing=True)
        try:
            check = check_file(upload.path, CheckOptions(today=dt.date.today(), lea=read_settings().lea), upload.name)
            findings: list[Finding] = []
            for finding in check:
                if len(findings) < SHOWN:
                    findings.append(finding)
        finally:
            upload.discard()
        return self.render("console/check.html", check=check, findings=findings, shown=SHOWN)

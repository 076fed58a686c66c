"""A background job's page: a progress bar (percent and lines) the page's script polls, and what
happened at the end (done, with the load's summary, or failed, with the reason)."""

from __future__ import annotations

from flask import Response, abort, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse
from flask_admin import expose

from console.jobs import JobStatus, job_status
from console.redirects import safe_return_path
from console.views.base import GuardedView

__all__ = ["JobProgressView", "safe_return_path"]


def _status_or_404(job_id: int) -> JobStatus:
    status = job_status(job_id)
    if status is None:
        abort(404, description=f"There is no job {job_id}.")
    return status


class JobProgressView(GuardedView):
    """``/admin/jobs/<id>`` (the page) and ``/admin/jobs/<id>.json`` (what the page polls)."""

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self) -> BaseResponse:
        return redirect(url_for("job.index_view"))  # every job is listed in the Jobs table

    @expose("/<int:job_id>")
    def show(self, job_id: int) -> str:
        status = _status_or_404(job_id)
        return str(
            self.render(
                "console/job.html",
                job=status,
                done_url=safe_return_path(request.args.get("done")),
            )
        )

    @expose("/<int:job_id>.json")
    def status(self, job_id: int) -> Response:
        return jsonify(_status_or_404(job_id).as_json())

"""Run an `ssid` command (or a console background load) and SIGKILL the process at a chosen point.

Used by tests/e2e/test_crash_recovery.py: ``python -m tests.e2e.crash_runner POINT -- ARGS...``.
The points are reached by wrapping the code the real command runs (nothing in the product waits
for a test); the process then kills itself with SIGKILL, as a power cut or ``kill -9`` would:

- ``after_state``: inside the apply's transaction, just after the run's compare-and-set;
- ``statement:N``: inside the apply's transaction, just after its Nth SQL statement;
- ``before_commit``: every change written and journaled, the transaction not yet committed;
- ``after_commit``: the apply committed, while its summary is being mailed;
- ``ods_kept``: inside the ODS audit's transaction, just after its first file was kept;
- ``ods_write:N``: the ODS audit files kept, while writing the Nth file to the output folder (half written);
- ``console_load``: a console background load of the SSID Extract, while it stores the preview.

``console_load`` takes ``DATABASE_URL RUN_ID FILE INSTANCE`` instead of `ssid` arguments.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee

__all__ = ["POINTS"]

POINTS = ("after_state", "statement", "before_commit", "after_commit", "ods_kept", "ods_write", "console_load")


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _after(owner: Any, name: str, then: Callable[[], None]) -> None:
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        then()
        return result

    setattr(owner, name, wrapped)


def _count_statements_during_apply(limit: int) -> None:
    from store.workflow_store import DatabaseWorkflowStore

    state = {"applying": False, "statements": 0}
    execute: Any = peewee.Database.execute_sql

    def counted(self: peewee.Database, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        cursor = execute(self, sql, params, *args, **kwargs)
        if state["applying"]:
            state["statements"] += 1
            if state["statements"] >= limit:
                _die()
        return cursor

    peewee.Database.execute_sql = counted  # type: ignore[method-assign]
    original = DatabaseWorkflowStore.apply_changes

    def applying(self: DatabaseWorkflowStore, batch_id: int) -> Any:
        state["applying"] = True
        return original(self, batch_id)

    DatabaseWorkflowStore.apply_changes = applying  # type: ignore[method-assign]


def _half_written(limit: int) -> None:
    import workflows.files
    import workflows.batches.ods_audit

    written = {"files": 0}
    original = workflows.files.write_output

    def write(out_dir: Path, name: str, content: bytes) -> Path:
        written["files"] += 1
        if written["files"] >= limit:  # as write_output leaves it: a temporary file, half written
            (out_dir / f".{name}.crashed").write_bytes(content[: len(content) // 2])
            _die()
        return original(out_dir, name, content)

    setattr(workflows.batches.ods_audit, "write_output", write)


def _arm(point: str) -> None:
    from store.workflow_store import DatabaseWorkflowStore

    name, _, number = point.partition(":")
    if name == "after_state":
        _after(DatabaseWorkflowStore, "set_run_state", _die)
    elif name == "statement":
        _count_statements_during_apply(int(number))
    elif name == "before_commit":
        _after(DatabaseWorkflowStore, "retire_files", _die)
    elif name == "after_commit":
        import workflows.run.extract

        setattr(workflows.run.extract, "send_apply_summary", lambda *args, **kwargs: _die())
    elif name == "ods_kept":
        import workflows.batches.ods_audit

        _after(workflows.batches.ods_audit, "keep_file", _die)
    elif name == "ods_write":
        _half_written(int(number))
    else:
        raise SystemExit(f"unknown point {point}")


def _console_load(database_url: str, run_id: int, file: Path, instance: Path) -> None:
    """Sign in to a console whose loads all run in the background; die while the preview is stored."""
    import store.workflow_store
    from tests.e2e.conftest import ADMIN, make_app, sign_in

    from store.users import add_user, get_user

    app = make_app(database_url, instance, LONG_LOAD_LINES=1)
    with app.app_context():
        if get_user(ADMIN[0]) is None:
            add_user(*ADMIN, role="admin")
    _after(store.workflow_store.DatabaseWorkflowStore, "add_batch", _die)
    admin = sign_in(app, *ADMIN)
    answer = admin.post(f"/admin/load-ssid/{run_id}/load", files={"file": (file.read_bytes(), file.name)})
    print(answer.headers["Location"], flush=True)
    job = int(answer.headers["Location"].split("?")[0].rsplit("/", 1)[1])
    app.extensions["ssid_jobs"].wait(job, timeout=120)
    raise SystemExit("the load finished: the crash point was never reached")


def main(argv: list[str]) -> None:
    point, separator, *rest = argv
    assert separator == "--", "usage: crash_runner POINT -- ARGS"
    if point == "console_load":
        url, run_id, file, instance = rest
        _console_load(url, int(run_id), Path(file), Path(instance))
        return
    _arm(point)
    from console.cli import main as ssid

    ssid(rest, prog_name="ssid")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Files holding student data are readable by their owner only, whatever the umask.

The district database (and SQLite's ``-wal`` and ``-shm`` beside it, which take the database
file's permissions), uploads, the files written for CALPADS and the sandbox's files: created
0600 in folders created 0700. The console and the command line set the process's umask to
``077`` when they start (:func:`keep_new_files_private`), so every file they create, through
any library, is owner-only; the database file and the folders are created so explicitly too.
Files and folders that already exist keep the permissions someone gave them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["OWNER_ONLY_UMASK", "keep_new_files_private", "private_folder", "private_file"]

OWNER_ONLY_UMASK = 0o077


def keep_new_files_private() -> None:
    """From now on this process creates files 0600 and folders 0700 (its umask is 077)."""
    os.umask(OWNER_ONLY_UMASK)


def private_folder(path: Path) -> Path:
    """``path`` as a folder, created (with missing parents) readable by the owner only."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for created in missing:
        created.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened: be explicit
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty and owner-only when it does not exist yet (left alone when it does)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return path
    path.chmod(0o600)
    return path

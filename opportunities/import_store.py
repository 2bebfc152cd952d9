"""Where an uploaded import file waits between the steps (upload, mapping, preview, import):
a file in a server-side temporary directory, named by a random token kept in the session.

The file is deleted when the import has run, when the same session uploads another one, and,
on every upload, any file older than IMPORT_FILE_HOURS (an abandoned import). Nothing else
keeps it: a session without its token simply starts again at the upload."""

import contextlib
import os
import secrets
import tempfile
import time
from pathlib import Path

SESSION_KEY = "opportunity_import"
IMPORT_FILE_HOURS = 6


def _directory() -> Path:
    path = Path(tempfile.gettempdir()) / "pipeline-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _sweep(directory: Path) -> None:
    cutoff = time.time() - IMPORT_FILE_HOURS * 3600
    for item in directory.glob("*.upload"):
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
        except OSError:
            pass


def store_upload(session, data: bytes, *, filename: str) -> None:
    discard_upload(session)
    directory = _directory()
    _sweep(directory)
    token = secrets.token_hex(16)
    (directory / f"{token}.upload").write_bytes(data)
    session[SESSION_KEY] = {"token": token, "filename": os.path.basename(filename)[:200]}


def stored_upload(session) -> tuple[bytes, str] | None:
    """The uploaded bytes and the file's name, or None when there is none (any more)."""
    entry = session.get(SESSION_KEY) or {}
    token = entry.get("token", "")
    if not token.isalnum():
        return None
    try:
        return (_directory() / f"{token}.upload").read_bytes(), entry.get("filename", "")
    except OSError:
        return None


def stored_mapping(session) -> list[str] | None:
    return (session.get(SESSION_KEY) or {}).get("mapping")


def store_mapping(session, mapping: list[str]) -> None:
    entry = dict(session.get(SESSION_KEY) or {})
    entry["mapping"] = list(mapping)
    session[SESSION_KEY] = entry


def discard_upload(session) -> None:
    entry = session.pop(SESSION_KEY, None) or {}
    token = entry.get("token", "")
    if token.isalnum():
        with contextlib.suppress(OSError):
            (_directory() / f"{token}.upload").unlink()

"""Where an uploaded import file waits between the steps (upload, mapping, preview, import):
a row in the database (ImportUpload), which every app server shares, named by a random token
kept in the session with the chosen mapping.

A row is read back only for the user signed in to the session that stored it: the token and the
session's user must both match, so a stolen or guessed token reads nothing. It is deleted when
the import has run, when the same session uploads another file, with its user, and, on every
upload, any row older than IMPORT_FILE_HOURS (an abandoned import); such a row is never read
back even before that sweep. A session without its token simply starts again at the upload."""

import os
import secrets
from datetime import timedelta

from django.contrib.auth import SESSION_KEY as USER_ID_SESSION_KEY
from django.utils import timezone

from opportunities.models import ImportUpload

SESSION_KEY = "opportunity_import"
IMPORT_FILE_HOURS = 6


def _cutoff():
    return timezone.now() - timedelta(hours=IMPORT_FILE_HOURS)


def _session_upload(session):
    """The session's upload, limited to the session's user: a token alone matches nothing."""
    token = (session.get(SESSION_KEY) or {}).get("token")
    user_id = session.get(USER_ID_SESSION_KEY)
    if not token or user_id is None:
        return ImportUpload.objects.none()
    return ImportUpload.objects.filter(token=token, user_id=user_id)


def store_upload(session, data: bytes, *, filename: str) -> None:
    """Keep `data` for the user signed in to `session` (the import pages require one)."""
    discard_upload(session)
    ImportUpload.objects.filter(created_at__lt=_cutoff()).delete()
    upload = ImportUpload.objects.create(
        token=secrets.token_hex(32),
        user_id=session[USER_ID_SESSION_KEY],
        filename=os.path.basename(filename)[:200],
        data=data,
    )
    session[SESSION_KEY] = {"token": upload.token}


def stored_upload(session) -> tuple[bytes, str] | None:
    """The uploaded bytes and the file's name, or None when there is none (any more)."""
    row = (
        _session_upload(session)
        .filter(created_at__gte=_cutoff())
        .values_list("data", "filename")
        .first()
    )
    if row is None:
        return None
    data, filename = row
    return bytes(data), filename  # PostgreSQL hands back a memoryview


def stored_mapping(session) -> list[str] | None:
    return (session.get(SESSION_KEY) or {}).get("mapping")


def store_mapping(session, mapping: list[str]) -> None:
    entry = dict(session.get(SESSION_KEY) or {})
    entry["mapping"] = list(mapping)
    session[SESSION_KEY] = entry


def discard_upload(session) -> None:
    _session_upload(session).delete()
    session.pop(SESSION_KEY, None)

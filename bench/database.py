"""The bench's own database, derived from DATABASE_URL so the user's data is never touched.

PostgreSQL: the same server, database `pipeline_bench` (dropped and created by the run).
SQLite: a file under bench/data/ (git-ignored). `--bench-database-url` names one explicitly
(the smoke test passes a temporary SQLite file)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
from django.conf import settings  # lazy: read only after configure_django

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
DEFAULT_PG_NAME = "pipeline_bench"


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


def bench_url_for(source_url: str | None) -> str:
    """The bench database URL for the user's DATABASE_URL (SQLite when unset)."""
    if source_url and is_postgres(source_url):
        parts = urlsplit(source_url)
        return urlunsplit(parts._replace(path=f"/{DEFAULT_PG_NAME}"))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"


def describe(url: str) -> str:
    """The URL without its password, for reports."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def recreate(url: str, *, keep: bool) -> bool:
    """Drop and create the bench database (before Django connects). With `keep`, an existing
    database is left as it is. Returns True when the database was (re)created empty."""
    if is_postgres(url):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        if not name or name in {"postgres", "template0", "template1"}:
            raise SystemExit(f"Refusing to use {name!r} as the bench database.")
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and keep:
                return False
            if exists:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    path = Path(urlsplit(url).path)
    if url.startswith("sqlite:////"):
        path = Path("/" + url[len("sqlite:////") :])
    elif url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
    if path.exists() and keep:
        return False
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            candidate.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    return True


def cache_url_for(explicit: str | None) -> str:
    """The product's cache in the bench: `explicit`, else $CACHE_URL/$REDIS_URL, else a local
    Redis when one answers (database 15), else local memory (docs/performance.md: The cache)."""
    if explicit:
        return explicit
    configured = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
    if configured:
        return configured
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/15"
    except OSError:
        pass
    return "locmem://"


def configure_django(
    url: str, *, cache_url: str = "locmem://", key_prefix: str | None = None
) -> None:
    """Point Django at the bench database and cache (`key_prefix`: the run's own cache keys,
    inherited by the gunicorn workers) and set it up, DEBUG off at run time (docs/performance.md,
    "Why the code is written this way")."""
    os.environ["DATABASE_URL"] = url
    os.environ["CACHE_URL"] = cache_url
    os.environ.pop("REDIS_URL", None)
    if key_prefix:
        os.environ["CACHE_KEY_PREFIX"] = key_prefix
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    settings.DEBUG = False
    # one connection for the whole in-process run, as a server process keeps
    settings.DATABASES["default"]["CONN_MAX_AGE"] = None

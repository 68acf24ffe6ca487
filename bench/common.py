"""Set-up the benchmarks share: a throw-away PostgreSQL database, an office without full days."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def admin_url() -> str:
    """The PostgreSQL server's URL (``BENCH_POSTGRES_URL``, default the local test server)."""
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_ADMIN_URL)


def create_database(admin: str, prefix: str) -> str:
    """A new empty database on ``admin``'s server, named ``prefix`` + random; its URL."""
    import psycopg

    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + "/" + name


def drop_database(admin: str, url: str) -> None:
    """Drop the database of ``url`` (made by :func:`create_database`), connections and all."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def pg_database() -> tuple[str, str] | None:
    """(admin URL, URL of a new database), or ``None`` with a note when PostgreSQL is not there."""
    admin = admin_url()
    try:
        url = create_database(admin, "adminduk_bench_")
    except Exception as exc:  # a benchmark without PostgreSQL still reports SQLite
        print(f"  (PostgreSQL skipped: {type(exc).__name__})")
        return None
    return admin, url


def office_with_big_quota(data: Path) -> Path:
    """``data/office.yaml``: the bundled office with 10^6 KTP-el recording places a day."""
    from bot.office import BUNDLED_OFFICE

    office = data / "office.yaml"
    office.write_text(
        BUNDLED_OFFICE.read_text(encoding="utf-8").replace(
            "quotas: {ktp_recording: 30}", "quotas: {ktp_recording: 1000000}"
        ),
        encoding="utf-8",
    )
    return office


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

"""The storage port: ``booking`` stays free of SQLAlchemy, and the SQL store fits the protocol."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from booking.ports import BookingStore
from storage.booking import SqlBookingStore
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]


def test_booking_imports_no_database_library() -> None:
    probe = (
        "import sys, booking, booking.service, booking.calendar, booking.ports\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'sqlmodel',"
        " 'psycopg', 'aiogram', 'storage'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_sql_store_is_a_booking_store(db: Database) -> None:
    store: BookingStore = SqlBookingStore(db)  # mypy checks the protocol here
    assert store.get("KTP-NONE22") is None

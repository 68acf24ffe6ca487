"""Tests of the booking package, with the few helpers they share.

Times are always explicit (``now=``): no test reads the real clock. NIKs are synthetic.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import text

from booking.calendar import WorkingCalendar
from booking.policy import KTP_RECORDING, BookingPolicy
from booking.service import BookingService
from storage.booking import SqlBookingStore
from storage.db import Database

JAKARTA: Final = ZoneInfo("Asia/Jakarta")
SERVICE: Final = KTP_RECORDING

NOW: Final = datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)
"""Tuesday 1 December 2026, 09:00 WIB: the window is 2-4, 7-11, 14-15 December."""

D1: Final = date(2026, 12, 2)
D2: Final = date(2026, 12, 3)
D3: Final = date(2026, 12, 4)
D4: Final = date(2026, 12, 7)


def wib(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Jakarta time."""
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def nik(n: int) -> str:
    """A synthetic NIK-shaped string (not a valid NIK; booking does not validate NIKs)."""
    return f"3371{n:012d}"


def make_service(db: Database, policy: BookingPolicy | None = None) -> BookingService:
    """A service on ``db``; its clock fails so that every call must pass ``now``."""
    pol = policy or BookingPolicy()

    def no_clock() -> datetime:
        raise AssertionError("tests pass now= explicitly")

    return BookingService(SqlBookingStore(db), WorkingCalendar(pol), pol, no_clock)


def clear_booking_tables(db: Database) -> None:
    """Delete every booking row and counter (between hypothesis examples)."""
    with db.engine.begin() as conn:
        for table in ("booking", "slot_session", "slot_day"):
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed table names

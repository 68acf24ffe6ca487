"""Concurrency: many processes racing for a 30-place day, and one citizen confirming ten times.

Each worker process builds its own ``Database`` from the URL (``spawn``: nothing is inherited),
then all start together at a barrier. On SQLite the races are decided by ``BEGIN IMMEDIATE``; on
PostgreSQL by the conditional ``UPDATE`` and the partial unique index under READ COMMITTED.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from typing import Any

import pytest

from booking.errors import AlreadyBooked, DayFull
from booking.models import Booking
from storage.db import Database
from tests.booking import D1, NOW, SERVICE, make_service, nik

ATTEMPTS = 2000
PROCESSES = 4
QUOTA = 30
TIMEOUT_S = 120


def _book_many(url: str, first: int, count: int, barrier: Any, results: Any) -> None:
    """Worker process: ``count`` citizens try to book D1; reports what happened to each."""
    counts: Counter[str] = Counter()
    db = Database(url)
    try:
        service = make_service(db)
        service.availability(SERVICE, NOW)  # connect before the start signal
        barrier.wait(timeout=TIMEOUT_S)
        for n in range(first, first + count):
            try:
                service.book(
                    service=SERVICE,
                    day=D1,
                    nik=nik(n),
                    holder_name=f"Warga Uji {n}",
                    chat_ref=f"test:{n}",
                    now=NOW,
                )
            except DayFull as exc:
                counts["full" if exc.alternatives else "full without alternatives"] += 1
            except Exception as exc:  # every other outcome is reported, and fails
                counts[f"{type(exc).__name__}: {exc}"[:300]] += 1
            else:
                counts["booked"] += 1
    finally:
        db.dispose()
        results.put(dict(counts))


@pytest.mark.slow
def test_many_processes_never_overbook(db: Database, db_url: str) -> None:
    service = make_service(db)
    service.set_quota(SERVICE, D1, QUOTA, now=NOW)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    share = ATTEMPTS // PROCESSES
    workers = [
        ctx.Process(target=_book_many, args=(db_url, i * share, share, barrier, results))
        for i in range(PROCESSES)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    totals: Counter[str] = Counter()
    for _ in workers:
        totals.update(results.get(timeout=TIMEOUT_S))
    for worker in workers:
        worker.join(timeout=TIMEOUT_S)
        assert worker.exitcode == 0
    elapsed = time.monotonic() - started

    assert totals == {"booked": QUOTA, "full": ATTEMPTS - QUOTA}, dict(totals)
    active = service.list_day(SERVICE, D1)
    assert [b.queue_number for b in active] == list(range(1, QUOTA + 1))
    assert len({b.nik for b in active}) == QUOTA
    day = service.day_availability(SERVICE, D1)
    assert (day.quota, day.booked, day.left) == (QUOTA, QUOTA, 0)
    print(f"{ATTEMPTS} attempts from {PROCESSES} processes on {db.dialect}: {elapsed:.1f} s")


@pytest.mark.slow
@pytest.mark.parametrize("spread", ["same day", "ten days"])
def test_same_citizen_confirming_ten_times_at_once(db: Database, spread: str) -> None:
    service = make_service(db)
    days = [a.day for a in service.availability(SERVICE, NOW)]
    assert len(days) == 10
    barrier = threading.Barrier(10)
    outcomes: list[Booking | Exception] = []
    lock = threading.Lock()

    def confirm(i: int) -> None:
        barrier.wait(timeout=TIMEOUT_S)
        outcome: Booking | Exception
        try:
            outcome = service.book(
                service=SERVICE,
                day=D1 if spread == "same day" else days[i],
                nik=nik(77),
                holder_name="Warga Uji Tujuh",
                chat_ref="test:77",
                now=NOW,
            )
        except Exception as exc:  # collected and checked below
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_S)

    bookings = [o for o in outcomes if isinstance(o, Booking)]
    already = [o for o in outcomes if isinstance(o, AlreadyBooked)]
    others = [o for o in outcomes if not isinstance(o, Booking | AlreadyBooked)]
    assert others == []
    assert len(bookings) == 1
    assert len(already) == 9
    assert all(exc.existing.code == bookings[0].code for exc in already)
    # Only the winner's place is taken; the losers' places were given back by the savepoint.
    assert sum(a.booked for a in service.availability(SERVICE, NOW)) == 1

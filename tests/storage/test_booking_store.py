"""The SQL booking store: migration 0002, constraints as the last guard, races it must win."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, event, inspect, text
from sqlmodel import SQLModel

from booking.errors import AlreadyBooked, UnknownSession
from booking.models import Booking, BookingStatus, DayPlan
from booking.ports import NewBooking
from storage.booking import ACTIVE_NIK_INDEX, CODE_ATTEMPTS, SqlBookingStore
from storage.db import Database
from storage.errors import ConflictError, StorageError
from storage.migrate import alembic_config, upgrade
from tests.booking import D1, D2, NOW, SERVICE, nik
from tests.conftest import PG_ADMIN_URL

BOOKING_TABLES = {"slot_day", "slot_session", "booking"}
PLAN = DayPlan(quota=30)
TODAY = date(2026, 12, 1)


def _request(n: int, day: date = D1) -> NewBooking:
    return NewBooking(
        service=SERVICE, day=day, nik=nik(n), holder_name=f"Warga {n}", chat_ref=f"t:{n}"
    )


def _codes(*codes: str) -> Iterator[str]:
    return iter(codes)


def _take(
    store: SqlBookingStore,
    n: int,
    day: date = D1,
    codes: Iterator[str] | None = None,
    *,
    plan: DayPlan = PLAN,
) -> Booking:
    source = codes or (f"KTP-{i:06d}" for i in itertools.count(n * 1000))
    return store.take(
        _request(n, day), plan=plan, today=TODAY, at=NOW, new_code=lambda: next(source)
    )


@pytest.fixture
def store(db: Database) -> SqlBookingStore:
    """The store on each backend."""
    return SqlBookingStore(db)


# -- migration ----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, for running the migrations up and down."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    request.getfixturevalue("pg_server_url")  # skips (or fails in CI) without a server
    name = f"adminduk_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rpartition('/')[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_migration_0002_up_down_up(empty_url: str) -> None:
    upgrade(empty_url, "0001")
    db = Database(empty_url)
    try:
        assert not BOOKING_TABLES & _tables(db)
        upgrade(empty_url)
        assert _tables(db) >= BOOKING_TABLES
        indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("booking")}
        assert indexes[ACTIVE_NIK_INDEX]["unique"]
        command.downgrade(alembic_config(empty_url), "0001")
        assert not BOOKING_TABLES & _tables(db)
        upgrade(empty_url)
        assert _tables(db) >= BOOKING_TABLES
    finally:
        db.dispose()


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


# -- constraints --------------------------------------------------------------------------------


def test_check_constraint_refuses_overbooking(db: Database, store: SqlBookingStore) -> None:
    _take(store, 1)
    with pytest.raises(StorageError), db.session() as session:
        session.connection().execute(text("UPDATE slot_day SET booked = quota + 1"))
    with pytest.raises(StorageError), db.session() as session:
        session.connection().execute(text("UPDATE slot_day SET booked = -1"))


def _copy_booking(
    conn: Connection, code: str, new_code: str, status: str, queue_offset: int = 100
) -> None:
    conn.execute(
        text(
            "INSERT INTO booking (code, service, day, queue_number, session, nik, holder_name,"
            " chat_ref, status, status_reason, previous_code, created_at, updated_at)"
            " SELECT :new, service, day, queue_number + :offset, session, nik, holder_name,"
            " chat_ref, :status, NULL, NULL, created_at, updated_at FROM booking WHERE code = :code"
        ),
        {"new": new_code, "status": status, "code": code, "offset": queue_offset},
    )


def test_partial_unique_index_allows_one_active_booking_per_nik(
    db: Database, store: SqlBookingStore
) -> None:
    first = _take(store, 1)
    with db.session() as session:  # inactive copies are fine
        _copy_booking(session.connection(), first.code, "KTP-CANCEL", "cancelled")
        _copy_booking(session.connection(), first.code, "KTP-MOVED2", "rescheduled", 200)
    with pytest.raises(StorageError), db.session() as session:
        _copy_booking(session.connection(), first.code, "KTP-AGAIN2", "active")


def test_queue_numbers_and_codes_are_unique_in_the_schema(
    db: Database, store: SqlBookingStore
) -> None:
    first = _take(store, 1)
    with pytest.raises(StorageError), db.session() as session:
        _copy_booking(session.connection(), first.code, "KTP-SAMEQ2", "cancelled", 0)
    with pytest.raises(StorageError), db.session() as session:
        _copy_booking(session.connection(), first.code, first.code, "cancelled")


# -- the store ----------------------------------------------------------------------------------


def test_day_counters_are_written_lazily(store: SqlBookingStore) -> None:
    assert store.day_states(SERVICE, [D1, D2]) == {}
    _take(store, 1)
    states = store.day_states(SERVICE, [D1, D2])
    assert list(states) == [D1]
    assert (states[D1].quota, states[D1].booked, states[D1].next_queue) == (30, 1, 2)


def test_lazy_counters_use_the_plan_only_once(store: SqlBookingStore) -> None:
    _take(store, 1, plan=DayPlan(quota=5))
    _take(store, 2, plan=DayPlan(quota=99))
    assert store.day_states(SERVICE, [D1])[D1].quota == 5


def test_code_collision_is_retried_with_a_fresh_code(store: SqlBookingStore) -> None:
    first = _take(store, 1, codes=_codes("KTP-AAAAAA"))
    second = _take(store, 2, codes=_codes("KTP-AAAAAA", "KTP-AAAAAA", "KTP-BBBBBB"))
    assert second.code == "KTP-BBBBBB"
    assert second.queue_number == first.queue_number + 1
    state = store.day_states(SERVICE, [D1])[D1]
    assert (state.booked, state.next_queue) == (2, 3)


def test_code_collisions_give_up_after_a_few_attempts(store: SqlBookingStore) -> None:
    _take(store, 1, codes=_codes("KTP-AAAAAA"))
    with pytest.raises(ConflictError):
        _take(store, 2, codes=_codes(*["KTP-AAAAAA"] * CODE_ATTEMPTS))
    assert store.day_states(SERVICE, [D1])[D1].booked == 1


class _LateCheckStore(SqlBookingStore):
    """Simulates a race: the "already booked?" check ran before the other booking committed."""

    blind = True

    def _active(self, conn: Connection, service: str, nik: str) -> Booking | None:
        if self.blind:
            self.blind = False
            return None
        return super()._active(conn, service, nik)


def test_race_on_the_same_nik_is_decided_by_the_partial_index(db: Database) -> None:
    first = _take(SqlBookingStore(db), 1)
    racer = _LateCheckStore(db)
    with pytest.raises(AlreadyBooked) as already:
        _take(racer, 1, D2)
    assert already.value.existing == first
    # The savepoint undid the place taken on D2 before the insert failed.
    assert SqlBookingStore(db).day_states(SERVICE, [D2]) == {}


def test_list_and_lookups(store: SqlBookingStore) -> None:
    first = _take(store, 1)
    second = _take(store, 2)
    assert store.list_day(SERVICE, D1) == [first, second]
    assert store.list_day(SERVICE, D1, statuses=[BookingStatus.CANCELLED]) == []
    assert store.get(first.code) == first
    assert store.get("KTP-NOPE22") is None
    assert store.active_for_nik(SERVICE, nik(2)) == second
    assert store.for_chat("t:2") == [second]
    assert first.created_at.tzinfo is not None


def test_store_joins_an_outer_unit_of_work(db: Database, store: SqlBookingStore) -> None:
    def step_that_fails() -> None:
        with db.session():
            _take(store, 1)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        step_that_fails()
    assert store.day_states(SERVICE, [D1]) == {}
    with db.session():
        _take(store, 1)
        with pytest.raises(AlreadyBooked):
            _take(store, 1, D2)
        _take(store, 2)
    assert [b.nik for b in store.list_day(SERVICE, D1)] == [nik(1), nik(2)]
    assert store.day_states(SERVICE, [D2]) == {}


def test_a_failed_take_in_a_dialog_step_leaves_nothing_behind(
    db: Database, store: SqlBookingStore
) -> None:
    """In a step's unit of work ``take`` keeps no savepoint of its own: the day's counters are
    written inside the attempt's savepoint, so a failure takes them back with the rest."""
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    plan = DayPlan(quota=30, sessions=(("pagi", 15), ("siang", 15)))
    request = NewBooking(
        service=SERVICE, day=D1, nik=nik(1), holder_name="Warga", chat_ref="t:1", session="malam"
    )
    with db.connection():
        with pytest.raises(UnknownSession):
            store.take(request, plan=plan, today=TODAY, at=NOW, new_code=lambda: "KTP-AAAAAA")
        assert store.day_states(SERVICE, [D1]) == {}
        _take(store, 2, plan=plan)
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 2  # one per attempt only
    state = store.day_states(SERVICE, [D1])[D1]
    assert (state.booked, [s.booked for s in state.sessions]) == (1, [1, 0])

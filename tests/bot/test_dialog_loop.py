"""Dialog steps on the event loop (PostgreSQL): a step that needs only the conversation row is
applied on asyncpg directly (``DialogService.handle_async``); any other raises
``FullStepNeeded`` having written nothing, and is then applied once through SQLAlchemy
(``handle_on_loop``, or ``handle`` on a thread). Whichever way a step goes, the citizen sees
the same replies and the same state is saved."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.bootstrap import App
from bot.dialog import ChatKey, FullStepNeeded, Incoming
from flows.protocol import ChoicesLoaded, TextIn
from storage.tables import UPDATES
from tests.bot.conftest import Chat, book_ktp, ktp_answers_until_day, make_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(tmp_path: Path, pg_url: str) -> Iterator[App]:
    application = make_app(tmp_path, pg_url)
    yield application
    application.close()


class LoopChat(Chat):
    """A citizen whose updates go as the Telegram gateway sends them: on the conversation row
    alone first, through SQLAlchemy (``handle_on_loop``) when the step needs more; both on the
    event loop."""

    def __init__(self, app: App, chat_id: str, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(app, chat_id)
        self.loop = loop
        self.on_loop: list[str] = []
        self.fell_back: list[str] = []

    def _handle(self, event: Incoming, update_id: int | None = None) -> str:
        what = getattr(event, "text", None) or getattr(event, "data", type(event).__name__)
        try:
            self.replies = self.loop.run_until_complete(
                self.app.dialog.handle_async(self.key, event, update_id=update_id)
            )
            self.on_loop.append(what)
        except FullStepNeeded:
            self.fell_back.append(what)
            self.replies = self.loop.run_until_complete(
                self.app.dialog.handle_on_loop(self.key, event, update_id=update_id)
            )
        for reply in self.replies:
            if reply.buttons:
                self.last_buttons = reply
        return self.text


@pytest.fixture
def loop(pg_app: App) -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.run_until_complete(pg_app.db.aclose())
    event_loop.close()


def always_fresh_days(app: App) -> None:
    """Every read of the bookable days is older than ``max_age``: the day question always
    reads them from the database."""
    ticks = iter(range(0, 10**6, 10))
    app.booking._monotonic = lambda: float(next(ticks))


def _updates(app: App) -> list[int]:
    with app.db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(UPDATES.c.update_id)).scalars())


def test_the_ktp_form_reads_and_saves_the_same_either_way(
    pg_app: App, loop: asyncio.AbstractEventLoop
) -> None:
    assert pg_app.dialog.loop_steps
    always_fresh_days(pg_app)
    threaded = Chat(pg_app, "thread-1")
    looped = LoopChat(pg_app, "loop-1", loop)
    script: list[tuple[str, str]] = [
        ("send", "/mulai"),
        ("tap", "perekaman KTP-el"),
        ("send", "17-08-2000"),
        ("tap", "Laki-laki"),
        ("send", "NIK"),
        ("send", "Budi Santoso"),
        ("send", "3371012001150003"),
        ("send", "Magelang"),
        ("tap", "Magersari"),
        ("send", "0812-3456-7890"),
        ("send", "budi@contoh.com"),
        ("tap", "Senin, 7 Desember"),
        ("tap", "Saya setuju"),
        ("send", "/kembali"),
        ("tap", "Saya setuju"),
        ("send", "/bahasa"),
        ("send", "/bahasa"),
    ]
    for n, (how, what) in enumerate(script):
        texts = []
        for chat, nik in ((threaded, "3371011708000001"), (looped, "3371011708000002")):
            value = nik if what == "NIK" else what
            text = chat.send(value) if how == "send" else chat.tap(value)
            texts.append(text.replace(nik, "NIK"))
        assert texts[0] == texts[1], f"step {n} ({what})"
        states = [pg_app.dialog.current(c.key) for c in (threaded, looped)]
        if states[0] is None or states[1] is None:  # the menu: no form yet
            assert states[0] is states[1] is None, f"step {n}"
            continue
        assert states[0].with_(answers={}) == states[1].with_(answers={}), f"step {n}"
        assert {k: v for k, v in states[0].answers.items() if k != "nik"} == {
            k: v for k, v in states[1].answers.items() if k != "nik"
        }
    # Only the first step (the chat's row is new) and the day question (the bookable days are
    # read from the database) needed the thread path.
    assert looped.fell_back == ["/mulai", "budi@contoh.com"]
    assert len(looped.on_loop) == len(script) - 2
    text = looped.tap("Kirim")  # booking: the thread path
    assert "Pendaftaran perekaman KTP-el Anda diterima" in text
    assert looped.fell_back[-1].endswith(":submit")


def test_a_redelivery_on_the_loop_is_skipped(pg_app: App, loop: asyncio.AbstractEventLoop) -> None:
    chat = LoopChat(pg_app, "dup-1", loop)
    chat.send("/mulai", update_id=1)
    chat.tap("perekaman KTP-el")
    assert "Jenis kelamin" in chat.send("17-08-2000", update_id=2)
    assert chat.on_loop[-1] == "17-08-2000"
    for _ in range(2):
        assert chat.send("17-08-2000", update_id=2) == ""
    state = pg_app.dialog.current(chat.key)
    assert state is not None
    assert state.path == ("sex",)
    assert _updates(pg_app) == [1, 2]


def test_a_step_that_needs_the_database_is_undone_then_applied_once(
    pg_app: App, loop: asyncio.AbstractEventLoop
) -> None:
    always_fresh_days(pg_app)
    chat = Chat(pg_app, "days-1")
    ktp_answers_until_day(chat)
    chat.send("/kembali")  # back to the email question
    before = pg_app.dialog.current(chat.key)
    key = chat.key
    with pytest.raises(FullStepNeeded):
        loop.run_until_complete(
            pg_app.dialog.handle_async(key, TextIn("budi@contoh.com"), update_id=50)
        )
    assert pg_app.dialog.current(key) == before  # nothing saved
    assert 50 not in _updates(pg_app)  # nor the update id
    replies = pg_app.dialog.handle(key, TextIn("budi@contoh.com"), update_id=50)
    assert any("Pilih hari datang" in r.text for r in replies)
    assert (
        loop.run_until_complete(
            pg_app.dialog.handle_async(key, TextIn("budi@contoh.com"), update_id=50)
        )
        == []
    )
    assert pg_app.dialog.handle(key, TextIn("budi@contoh.com"), update_id=50) == []


def test_a_step_cannot_swallow_its_need_for_the_database(
    pg_app: App, loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An adapter that turns every ``Exception`` into an empty answer still lets the step go to
    the thread path: the citizen is not told that no day can be booked."""
    days = pg_app.dialog._sources["booking.days"]

    def forgiving(request, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return days(request, **kwargs)
        except Exception:
            return ChoicesLoaded(request.path, ())

    monkeypatch.setitem(pg_app.dialog._sources, "booking.days", forgiving)
    always_fresh_days(pg_app)
    chat = LoopChat(pg_app, "days-2", loop)
    text = ktp_answers_until_day(chat)
    assert "Pilih hari datang" in text
    assert "Jumat, 4 Desember — sisa 30" in chat.buttons()
    assert chat.fell_back[-1] == "budi@contoh.com"


def test_a_new_chat_and_a_chat_whose_data_was_erased_start_on_the_thread_path(
    pg_app: App, loop: asyncio.AbstractEventLoop
) -> None:
    chat = LoopChat(pg_app, "new-1", loop)
    assert "Pilih layanan" in chat.send("/mulai")
    assert chat.fell_back == ["/mulai"]
    assert "Pilih layanan" in chat.send("/mulai")
    assert chat.on_loop == ["/mulai"]
    book_ktp(Chat(pg_app, "other"))  # other chats' steps do not disturb this one
    chat.send("/hapusdata")
    chat.tap("Ya")
    assert "Pilih layanan" in chat.send("/mulai")
    assert pg_app.dialog.current(ChatKey("test", "new-1")) is None


def test_a_recent_list_of_days_keeps_the_day_question_on_the_loop(
    pg_app: App, loop: asyncio.AbstractEventLoop
) -> None:
    """The bookable days read for one citizen serve the next ones for a second (``booking.days``
    reads with ``max_age``): their day question needs no database. A day staff closed through
    this process is shown closed at once; bookings show within the second."""
    clock = [0.0]
    pg_app.booking._monotonic = lambda: clock[0]
    first = LoopChat(pg_app, "days-a", loop)
    ktp_answers_until_day(first)
    assert first.fell_back == ["/mulai", "budi@contoh.com"]  # read from the database
    second = LoopChat(pg_app, "days-b", loop)
    second.send("/mulai")
    text = ktp_answers_until_day(second, nik="3371011708000002")
    assert "Pilih hari datang" in text
    assert second.fell_back == ["/mulai"]  # the days of the first read, 0 s old
    book_ktp(Chat(pg_app, "booker"), "Jumat, 4 Desember")
    assert "Jumat, 4 Desember — sisa 30" in second.buttons()  # within the second
    pg_app.booking.close_day("ktp_recording", date(2026, 12, 8), "Listrik padam")
    third = LoopChat(pg_app, "days-c", loop)
    third.send("/mulai")
    ktp_answers_until_day(third, nik="3371011708000003")
    assert third.fell_back == ["/mulai", "budi@contoh.com"]  # read again after the closing
    assert "Jumat, 4 Desember — sisa 29" in third.buttons()
    assert "Selasa, 8 Desember — sisa 30" in second.buttons()
    assert "Selasa, 8 Desember — sisa 0 — penuh" in third.buttons()  # closed
    clock[0] += 1.5
    fourth = LoopChat(pg_app, "days-d", loop)
    fourth.send("/mulai")
    ktp_answers_until_day(fourth, nik="3371011708000004")
    assert fourth.fell_back == ["/mulai", "budi@contoh.com"]  # a second later: read again

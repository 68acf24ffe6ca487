"""Booking follow-ups: the reminder with self-screening, moving, cancelling, a closed day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.bootstrap import App
from bot.dialog import StatusCmd
from flows.protocol import Reply, Tap
from tests.bot.conftest import Chat, book_ktp


class Recorder:
    """A notifier that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []
        self.documents: list[tuple[str, str, bytes, str]] = []

    async def notify(self, chat_ref: str, reply: Reply) -> None:
        self.sent.append((chat_ref, reply))

    async def send_document(
        self, chat_ref: str, *, filename: str, data: bytes, caption: str
    ) -> None:
        self.documents.append((chat_ref, filename, data, caption))


def book(app: App, chat_id: str = "b-1", day: str = "Senin, 7 Desember") -> tuple[Chat, str]:
    chat = Chat(app, chat_id)
    book_ktp(chat, day)
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    return chat, booking.code


def press(app: App, chat: Chat, reply: Reply, fragment: str) -> list[Reply]:
    for button in reply.button_list():
        if fragment.lower() in button.label.lower():
            replies = app.dialog.handle(chat.key, Tap(button.data))
            chat.replies = replies
            return replies
    raise AssertionError(f"no {fragment!r} in {[b.label for b in reply.button_list()]}")


async def run_jobs(app: App) -> None:
    """Run every queued job as if its time had come."""
    with app.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE outbox_job SET run_at = created_at")
    await app.worker().run_once()


async def test_reminder_the_day_before_with_self_screening(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat, code = book(app)
    job = app.outbox.find(f"reminder:{code}")
    assert job is not None
    run_at = job["run_at"].replace(tzinfo=job["run_at"].tzinfo or UTC)
    assert run_at == datetime(2026, 12, 6, 8, 0, tzinfo=UTC)  # Sunday 15:00 WIB
    await run_jobs(app)
    [(ref, reminder)] = recorder.sent
    assert ref == chat.key.ref
    assert "Pengingat perekaman KTP-el besok" in reminder.text
    assert "37,5 °C" in reminder.text
    assert "fotokopi Kartu Keluarga" in reminder.text
    reminder_job = app.outbox.find(f"reminder:{code}")
    assert reminder_job is not None
    assert reminder_job["status"] == "done"

    # a citizen with a fever is offered other days and moves with one tap
    [offer] = press(app, chat, reminder, "demam")
    assert "Semoga lekas sembuh" in offer.text
    [moved] = press(app, chat, offer, "Selasa, 8 Desember")
    assert "Pendaftaran dipindah" in moved.text
    old = app.booking.get(code)
    assert old.status.value == "rescheduled"
    [new] = [b for b in app.booking.bookings_for_chat(chat.key.ref) if b.is_active]
    assert new.day == date(2026, 12, 8)
    assert app.outbox.find(f"reminder:{new.code}") is not None
    # the old reminder does nothing if it ever runs again
    await app.followup.send_reminder({"code": code})
    assert len(recorder.sent) == 1


async def test_well_answer_and_cancel_from_status(app: App) -> None:
    chat, code = book(app, "b-2")
    replies = app.dialog.handle(chat.key, Tap(f"bk:well:{code}"))
    assert "Sampai jumpa besok" in replies[0].text
    [status] = app.dialog.handle(chat.key, StatusCmd())
    assert code in status.text
    [done] = press(app, chat, status, "Batalkan pendaftaran")
    assert "dibatalkan" in done.text
    assert app.booking.get(code).status.value == "cancelled"
    assert app.booking.day_availability("ktp_recording", date(2026, 12, 7)).left == 30


async def test_buttons_of_another_chat_do_nothing(app: App) -> None:
    _chat, code = book(app, "owner")
    intruder = Chat(app, "intruder")
    replies = app.dialog.handle(intruder.key, Tap(f"bk:cancel:{code}"))
    assert "sudah tidak aktif" in replies[0].text
    assert app.booking.get(code).is_active


async def test_closed_day_notice_offers_a_new_day(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat, code = book(app, "c-1")
    closed = app.booking.close_day("ktp_recording", date(2026, 12, 7), "pemadaman listrik")
    app.followup.queue_closure_notices(closed, "pemadaman listrik")
    await run_jobs(app)
    notices = [r for _, r in recorder.sent if "tidak melayani" in r.text]
    assert len(notices) == 1
    assert "pemadaman listrik" in notices[0].text
    [rebooked] = press(app, chat, notices[0], "Rabu, 9 Desember")
    assert "Kode baru" in rebooked.text
    [active] = [b for b in app.booking.bookings_for_chat(chat.key.ref) if b.is_active]
    assert active.day == date(2026, 12, 9)
    assert active.code != code


async def test_failed_notice_is_retried_then_marked_failed(app: App) -> None:
    class Down:
        async def notify(self, chat_ref: str, reply: Reply) -> None:
            raise ConnectionError("telegram down")

        async def send_document(self, chat_ref: str, **_: object) -> None:
            raise ConnectionError("telegram down")

    app.notifiers.register("test", Down())
    _chat, code = book(app, "d-1")
    for _ in range(8):
        await run_jobs(app)
    job = app.outbox.find(f"reminder:{code}")
    assert job is not None
    assert job["status"] == "failed"
    assert job["attempts"] == 8
    assert "telegram down" in job["last_error"]

"""The retention purge: personal data whose life ended more than ``retention_days`` ago is removed
the way ``/hapusdata`` removes it; what is still in use is not; the worker runs it once a day.

The data is made through the dialog with the clock at an old date. Some rows are stamped by the
real clock (submissions, conversations, documents, tickets, outbox jobs), so each phase ends by
giving the rows it wrote the phase's time (``_pin``), as if they had been written then.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, func, select, update
from sqlmodel import SQLModel

from bot.bootstrap import App
from bot.retention import KIND, PurgeReport
from bot.worker import Worker
from flows.protocol import Tap, TextIn
from storage.booking import BOOKING
from storage.staff import DeskStore
from storage.tables import (
    AUDIT,
    CHECKINS,
    CONV,
    DOCS,
    FAMILY_CARDS,
    JOBS,
    MESSAGES,
    REVIEWS,
    SUBMISSIONS,
    TICKETS,
    UPDATES,
)
from tests.bot.conftest import (
    JAKARTA,
    NOW,
    PNG_1PX,
    Chat,
    book_ktp,
    education_change_until_upload,
    ktp_answers_until_day,
    make_app,
    submit_damaged_replacement,
)
from tests.bot.conftest import submit_newborn as submit_newborn_kk
from tests.bot.test_bookings import Recorder
from tests.bot.test_family_card import valid_draft

OLD = datetime(2026, 6, 4, 8, 0, tzinfo=JAKARTA)
"""Thursday 4 June 2026: six months before ``NOW``; the retention (90 days) ends 4 September."""
HELPED_TOPIC, WAITING_TOPIC = 77, 78
"""Staff-group topics of June's tickets."""
POLICE_REPORT = PNG_1PX + b"police report"
"""A photo only the old KTP replacement sends (content-addressed: its own file)."""
DRAFT_PHOTO = PNG_1PX + b"draft photo"
"""A photo only an old, never-sent draft holds."""
DIPLOMA = PNG_1PX + b"diploma"


def _pin(app: App, since: datetime, at: datetime) -> None:
    """Give every timestamp written since ``since`` (real time) the time ``at``."""
    at = at.astimezone(UTC)
    with app.db.session() as session:
        conn = session.connection()
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, DateTime):
                    conn.execute(update(table).where(column >= since).values({column.name: at}))


def _rows(app: App, stmt: Any) -> list[Any]:
    with app.db.session() as session:
        return list(session.connection().execute(stmt).all())


def _submission(app: App, chat: Chat) -> Any:
    [row] = _rows(
        app,
        select(SUBMISSIONS).where(
            SUBMISSIONS.c.channel == chat.key.channel, SUBMISSIONS.c.chat_id == chat.key.chat_id
        ),
    )
    return row


def _by_reference(app: App, reference: str) -> Any:
    [row] = _rows(app, select(SUBMISSIONS).where(SUBMISSIONS.c.reference == reference))
    return row


def _book_first_day(chat: Chat) -> None:
    ktp_answers_until_day(chat)
    chat.tap(chat.buttons()[0].split(" — ")[0])
    chat.tap("Saya setuju")
    chat.tap("Kirim")


def replace_lost_card(chat: Chat, photo: bytes) -> None:
    """A lost-card KTP replacement with ``photo`` as the police report, sent."""
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    chat.tap("Hilang")
    chat.upload(photo, "laporan.png")
    for text in ("3371011203850002", "Budi Santoso", "3371012001150003", "081234567890"):
        chat.send(text)
    chat.send("budi@contoh.com")
    chat.tap("Saya setuju")
    chat.tap("Kirim")


def _change_education(chat: Chat) -> str:
    """A KK change (education) with a diploma photo; its reference."""
    education_change_until_upload(chat, DIPLOMA)
    chat.send("budi@contoh.com")
    chat.send("081234567890")
    chat.tap("Saya setuju")
    chat.tap("Kirim")
    return str(_submission(chat.app, chat).reference)


@dataclass
class World:
    """What the two phases made."""

    booked: Chat
    """Booked a day in June (booking proof issued, checked in at the door); back in December."""
    old_code: str
    replaced: Chat
    """A lost-card replacement with a police report, rejected in June; sent again in December
    with the same photo (one stored file, which the new submission still needs)."""
    rejected: str
    kk_reference: str
    """A KK change issued in June (KK data completed by staff, the KK emailed)."""
    in_review: Chat
    """A damaged-card replacement still in review since June: in use."""
    helped: Chat
    """A hand-off ticket opened and closed in June."""
    waiting: Chat
    """A hand-off ticket open since June: in use."""
    drafting: Chat
    """A draft with a photo, abandoned in June."""
    fresh: Chat
    """Booked 7 December (in the future)."""
    fresh_code: str
    fresh_kk: str
    """A KK change received in December."""


def _build(tmp_path: Path, db_url: str) -> World:
    old = make_app(tmp_path, db_url, now=OLD)
    recorder = Recorder()
    old.notifiers.register("test", recorder)
    desk = DeskStore(old.db)
    since = datetime.now(UTC)

    booked = Chat(old, "old-booked")
    _book_first_day(booked)
    [booking] = old.booking.bookings_for_chat(booked.key.ref)
    booked.send("/status", update_id=9001)
    replaced = Chat(old, "old-replaced")
    replace_lost_card(replaced, POLICE_REPORT)
    rejected = str(_submission(old, replaced).reference)
    assert desk.set_status(rejected, "rejected", at=OLD, only_from=("received",))
    desk.record_decision(
        rejected, decision="rejected", reason="Foto tidak terbaca", staff_username="sari", at=OLD
    )
    kk_chat = Chat(old, "old-kk")
    kk_reference = _change_education(kk_chat)
    desk.save_family_card(kk_reference, valid_draft(), staff_username="sari", at=OLD)
    assert desk.set_status(kk_reference, "issued", at=OLD, only_from=("received",))
    assert old.documents.queue_for_reference(kk_reference) == "family_card"
    in_review = Chat(old, "old-review")
    submit_damaged_replacement(in_review)
    assert desk.set_status(
        str(_submission(old, in_review).reference), "in_review", at=OLD, only_from=("received",)
    )
    asyncio.run(old.worker().run_once())  # the booking proof, the KK, the reminder
    asyncio.run(old.worker().run_once())  # the KK's email
    assert len(recorder.documents) == 2
    desk.record_checkin(
        booking_code=booking.code,
        service=booking.service,
        day=booking.day,
        temperature=36.6,
        admitted=True,
        staff_username="sari",
        at=OLD,
    )
    helped = Chat(old, "old-helped")
    helped.send("/mulai")
    old.dialog.handle(helped.key, Tap("hand:open"))
    old.dialog.handle(helped.key, TextIn("tolong bantu, nama saya Budi"))
    old.dialog.handle(helped.key, Tap("hand:close"))
    waiting = Chat(old, "old-waiting")
    waiting.send("/mulai")
    old.dialog.handle(waiting.key, Tap("hand:open"))
    old.dialog.handle(waiting.key, TextIn("masih menunggu"))
    with old.db.session() as session:  # the worker opened their topics in the staff group
        for chat, topic in ((helped, HELPED_TOPIC), (waiting, WAITING_TOPIC)):
            session.connection().execute(
                update(TICKETS).where(TICKETS.c.chat_ref == chat.key.ref).values(topic_id=topic)
            )
    drafting = Chat(old, "old-drafting")
    drafting.send("/mulai")
    drafting.tap("Penggantian KTP-el")
    drafting.tap("Hilang")
    drafting.upload(DRAFT_PHOTO, "laporan.png")
    _pin(old, since, OLD)
    mails = list((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(mails) == 2, "the booking proof and the KK were emailed"
    for mail in mails:
        os.utime(mail, (OLD.timestamp(), OLD.timestamp()))
    old.close()

    new = make_app(tmp_path, db_url, now=NOW)
    new.notifiers.register("test", Recorder())
    since = datetime.now(UTC)
    fresh = Chat(new, "new-booked")
    book_ktp(fresh)
    [fresh_booking] = new.booking.bookings_for_chat(fresh.key.ref)
    fresh.send("/status", update_id=9101)
    fresh_kk = submit_newborn_kk(Chat(new, "new-kk"))
    for chat in (booked, replaced, in_review, helped, waiting, drafting):
        chat.app = new
    booked.send("/status", update_id=9102)  # came back: the conversation is fresh again
    replace_lost_card(replaced, POLICE_REPORT)
    asyncio.run(new.worker().run_once())  # the fresh booking proof
    _pin(new, since, NOW)
    new.close()
    return World(
        booked=booked,
        old_code=booking.code,
        replaced=replaced,
        rejected=rejected,
        kk_reference=kk_reference,
        in_review=in_review,
        helped=helped,
        waiting=waiting,
        drafting=drafting,
        fresh=fresh,
        fresh_code=fresh_booking.code,
        fresh_kk=fresh_kk,
    )


EXPECTED = PurgeReport(
    submissions=3,  # the June booking's, the rejected replacement, the issued KK change
    documents=2,  # the June booking proof and the KK
    bookings=1,
    checkins=1,
    tickets=1,
    conversations=4,  # kk, in_review, helped, drafting (not booked, replaced, waiting)
    updates=1,
    jobs=0,  # checked separately: how many finished depends on the hand-off jobs
    sign_ins=0,
    files=2,  # the diploma and the draft's photo (the police report was sent again)
    emails=2,
)


def _without_jobs(report: PurgeReport) -> PurgeReport:
    return PurgeReport(
        **{f.name: getattr(report, f.name) for f in fields(report) if f.name != "jobs"}
    )


def _conversation(app: App, chat: Chat) -> Any:
    return next(
        iter(
            _rows(
                app,
                select(CONV.c.id).where(
                    CONV.c.channel == chat.key.channel, CONV.c.chat_id == chat.key.chat_id
                ),
            )
        ),
        None,
    )


def test_purge_removes_what_ended_before_the_cutoff_and_keeps_what_is_in_use(
    tmp_path: Path, db_url: str
) -> None:
    world = _build(tmp_path, db_url)
    app = make_app(tmp_path, db_url, now=NOW)
    uploads = tmp_path / "var" / "uploads"
    assert app.files.get(f"file:{_digest(POLICE_REPORT)}") == POLICE_REPORT
    old_day = _rows(app, select(BOOKING.c.day).where(BOOKING.c.code == world.old_code))[0].day
    booked_before = app.booking.day_availability("ktp_recording", old_day).booked
    jobs_before = _rows(app, select(JOBS.c.id, JOBS.c.status, JOBS.c.created_at))

    report = app.retention.purge()

    assert _without_jobs(report) == _without_jobs(EXPECTED)
    cutoff = app.retention.cutoff(NOW).at
    finished = [j for j in jobs_before if j.status in {"done", "failed"}]
    assert report.jobs == sum(1 for j in finished if _aware(j.created_at) < cutoff)
    assert report.jobs >= 4, "the reminder, two documents and the email were done in June"

    # Submissions that reached a final state in June: answers gone, the chat forgotten.
    old_booking_sub = _by_reference(app, world.old_code)
    replaced = _by_reference(app, world.rejected)
    kk = _by_reference(app, world.kk_reference)
    for sub in (old_booking_sub, replaced, kk):
        assert (sub.status, sub.answers, sub.chat_id) == ("purged", {"purged": True}, "")
    assert _rows(app, select(FAMILY_CARDS)) == []
    [decision] = _rows(app, select(REVIEWS.c.decision, REVIEWS.c.reason))
    assert (decision.decision, decision.reason) == ("rejected", None)
    # Still in use: in review since June; received in December.
    in_review = _submission(app, world.in_review)
    assert in_review.status == "in_review"
    assert in_review.answers["nik"] == "3371011203850002"
    assert _by_reference(app, world.fresh_kk).answers["applicant_nik"] == "3371011203850002"
    again = _submission(app, world.replaced)  # the June one no longer names the chat
    assert (again.status, again.answers["police_report"]["ref"]) == (
        "received",
        f"file:{_digest(POLICE_REPORT)}",
    )

    # Documents: the June ones revoked and emptied; December's booking proof untouched.
    docs = {d.reference: d for d in _rows(app, select(DOCS))}
    for reference in (world.old_code, world.kk_reference):
        doc = docs[reference]
        assert doc.status == "revoked"
        assert bytes(doc.pdf) == b""
        assert (doc.holder_name, doc.email, doc.filename, doc.chat_ref) == (
            "(dihapus)",
            None,
            "dihapus.pdf",
            "",
        )
    fresh_doc = docs[world.fresh_code]
    assert fresh_doc.status == "valid"
    assert bytes(fresh_doc.pdf).startswith(b"%PDF")

    # Bookings: June's loses NIK, name and chat; the day's counters are unchanged.
    old_booking = app.booking.get(world.old_code)
    assert (old_booking.nik, old_booking.holder_name, old_booking.chat_ref) == ("", "(dihapus)", "")
    assert old_booking.status.value == "expired"
    assert app.booking.day_availability("ktp_recording", old_day).booked == booked_before == 1
    fresh_booking = app.booking.get(world.fresh_code)
    assert fresh_booking.is_active
    assert fresh_booking.nik == "3371011708000001"
    assert _rows(app, select(CHECKINS)) == []

    # Tickets: the closed one emptied; the open one untouched.
    tickets = {t.status: t for t in _rows(app, select(TICKETS))}
    assert (tickets["closed"].context, tickets["closed"].chat_ref) == ({"purged": True}, "")
    assert tickets["open"].chat_ref == world.waiting.key.ref
    [message] = _rows(app, select(MESSAGES.c.ticket_id, MESSAGES.c.text))
    assert (message.ticket_id, message.text) == (tickets["open"].id, "masih menunggu")
    assert (tickets["closed"].topic_id, tickets["open"].topic_id) == (None, WAITING_TOPIC)
    forget = _rows(app, select(JOBS.c.payload).where(JOBS.c.kind == "handoff.forget_topic"))
    assert [job.payload for job in forget] == [{"topic": HELPED_TOPIC}], "the staff copy goes too"

    # Conversations idle since June are gone, unless the chat waits for staff or came back.
    for chat in (world.in_review, world.helped, world.drafting):
        assert _conversation(app, chat) is None
    for chat in (world.waiting, world.booked, world.replaced, world.fresh):
        assert _conversation(app, chat) is not None
    assert [
        r.update_id for r in _rows(app, select(UPDATES.c.update_id).order_by(UPDATES.c.update_id))
    ] == [9101, 9102]
    for job in _rows(app, select(JOBS.c.status, JOBS.c.created_at)):
        assert job.status == "pending" or _aware(job.created_at) >= cutoff

    # Files: June's photos deleted from disk, except the one a December submission sent again.
    on_disk = {p.name for p in uploads.rglob("*") if p.is_file()}
    assert on_disk == {_digest(PNG_1PX), _digest(POLICE_REPORT)}
    assert list((tmp_path / "var" / "outbox").glob("*.eml")) == []

    # The audit log keeps the counts, and nothing personal.
    [entry] = _rows(app, select(AUDIT).where(AUDIT.c.action == "purge"))
    assert (entry.staff_username, entry.record_type, entry.record) == (
        "system",
        "retention",
        "before 2026-09-04",
    )
    assert entry.detail == report.detail()
    assert "submissions=3" in entry.detail

    # A second run finds nothing, and leaves no second audit row.
    assert app.retention.purge() == PurgeReport()
    assert len(_rows(app, select(AUDIT).where(AUDIT.c.action == "purge"))) == 1
    app.close()


def test_two_purges_at_once_remove_each_thing_once(tmp_path: Path, db_url: str) -> None:
    _build(tmp_path, db_url)
    first = make_app(tmp_path, db_url, now=NOW)
    second = make_app(tmp_path, db_url, now=NOW)
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda a: a.retention.purge(), [first, second]))
    summed = PurgeReport(
        **{f.name: sum(getattr(r, f.name) for r in reports) for f in fields(PurgeReport)}
    )
    assert _without_jobs(summed) == _without_jobs(EXPECTED)
    assert first.retention.purge() == PurgeReport()
    first.close()
    second.close()


def test_a_booking_form_lives_as_long_as_the_booking_it_was_moved_to(
    tmp_path: Path, db_url: str
) -> None:
    old = make_app(tmp_path, db_url, now=OLD)
    since = datetime.now(UTC)
    chat = Chat(old, "moved")
    _book_first_day(chat)
    [first] = old.booking.bookings_for_chat(chat.key.ref)
    later = [d.day for d in old.booking.availability("ktp_recording") if d.bookable][-1]
    moved = old.booking.reschedule(first.code, later)
    _pin(old, since, OLD)
    old.close()
    app = make_app(tmp_path, db_url, now=NOW)

    def purge_after(day: date) -> PurgeReport:
        """A purge whose cutoff day is the day after ``day``."""
        at = datetime.combine(day + timedelta(days=91), datetime.min.time(), JAKARTA)
        return app.retention.purge(at.replace(hour=8))

    report = purge_after(first.day)
    assert report.bookings == 1
    assert report.submissions == 0, "the booking it was moved to is not past the cutoff"
    assert _by_reference(app, first.code).answers["nik"] == "3371011708000001"
    assert app.booking.get(first.code).nik == ""
    assert app.booking.get(moved.code).nik == "3371011708000001"

    report = purge_after(later)
    assert (report.submissions, report.bookings) == (1, 1)
    assert _by_reference(app, first.code).status == "purged"
    assert app.booking.get(moved.code).nik == ""
    app.close()


async def test_the_worker_queues_the_purge_once_a_day_and_runs_it(
    tmp_path: Path, db_url: str
) -> None:
    app = make_app(tmp_path, db_url)
    key = "retention:2026-12-03"
    stop = asyncio.Event()
    ran: list[str] = []

    def schedule() -> None:
        app.retention.schedule()
        # due now by the real clock too (the claim compares with it)
        with app.db.session() as session:
            session.connection().execute(update(JOBS).values(run_at=JOBS.c.created_at))

    async def purge(payload: dict[str, Any]) -> None:
        await app.retention.job(payload)
        ran.append(str(payload["day"]))
        stop.set()

    worker = Worker(app.outbox, {KIND: purge}, schedules=(schedule,))
    # the handler stops the worker; the timeout only turns a regression into a failure, not a hang
    await asyncio.wait_for(worker.run_forever(stop=stop, idle=0.01), timeout=120)
    assert ran == ["2026-12-03"]
    job = app.outbox.find(key)
    assert job is not None
    assert job["status"] == "done"

    # The same day, this process again and another worker process: nothing new is queued.
    app.retention.schedule()
    other = make_app(tmp_path, db_url)
    other.retention.schedule()
    await other.worker().schedule()
    assert _count_retention_jobs(app) == 1
    # The next day: the next run, due at 01:00 office time.
    tomorrow = make_app(tmp_path, db_url, now=NOW + timedelta(days=1))
    await tomorrow.worker().schedule()
    await tomorrow.worker().schedule()
    queued = app.outbox.find("retention:2026-12-04")
    assert queued is not None
    assert queued["status"] == "pending"
    assert _aware(queued["run_at"]) == datetime(2026, 12, 4, 1, 0, tzinfo=JAKARTA)
    assert _count_retention_jobs(app) == 2
    for application in (app, other, tomorrow):
        application.close()


# -- helpers -----------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _count_retention_jobs(app: App) -> int:
    return int(_rows(app, select(func.count()).select_from(JOBS).where(JOBS.c.kind == KIND))[0][0])

"""Hand-off: a citizen who is stuck talks to a person at the office, in the same chat.

A ticket carries the form, the current question and the answers so far (NIK and KK numbers
masked). The worker opens a forum topic for it in the staff group and posts what the citizen
writes; what staff write in the topic reaches the citizen as "Petugas: ...". When staff close the
ticket, the form resumes at the same question. Outside office hours the citizen is told when
someone will answer.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from html import escape
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select, update

from booking.calendar import WorkingCalendar
from bot import texts as X
from bot.forms import FormCatalogue
from bot.notify import Notifier
from bot.office import Office
from bot.worker import PermanentError
from flows.definition import QType
from flows.engine import question_at, summary_rows, value_at
from flows.protocol import Button, Reply
from flows.state import MORE, State
from flows.text import Lang
from flows.validators import format_date, mask_nik
from storage.db import Database
from storage.models import utcnow
from storage.outbox import Outbox
from storage.tables import MESSAGES, TICKETS

log = logging.getLogger(__name__)

OPEN_KIND: Final = "handoff.open"
RELAY_KIND: Final = "handoff.relay"
PREFIX: Final = "hand:"
MASKED_TYPES: Final = frozenset({QType.NIK, QType.KK})


class StaffChannel(Protocol):
    """What hand-off needs from the staff side (a Telegram group with forum topics)."""

    async def open_topic(self, title: str, context: str, ticket_id: int) -> int:
        """Create the ticket's topic, post the context; returns the topic id."""
        ...

    async def post(self, topic_id: int, text: str) -> None:
        """Post into a topic."""
        ...

    async def delete_topic(self, topic_id: int) -> None:
        """Delete a topic with its messages (the ticket's data was erased or purged)."""
        ...


class HandoffService:
    """Tickets: opening, relaying both ways, closing."""

    def __init__(
        self,
        *,
        db: Database,
        outbox: Outbox,
        catalogue: FormCatalogue,
        office: Office,
        calendar: WorkingCalendar,
        notifier: Notifier,
        timezone: str,
    ) -> None:
        self._db = db
        self._outbox = outbox
        self._catalogue = catalogue
        self._office = office
        self._calendar = calendar
        self._notifier = notifier
        self._tz = ZoneInfo(timezone)
        self.staff: StaffChannel | None = None
        """The staff channel (set when a Telegram staff chat is configured)."""

    # --- the citizen's side (inside the dialog's unit of work) --------------------------------

    def offer_button(self, lang: Lang) -> Button:
        """The "talk to a person" button."""
        return Button(X.TALK_TO_STAFF.get(lang), f"{PREFIX}open")

    def open(
        self,
        conn: Connection,
        *,
        chat_ref: str,
        form_id: str | None,
        state: State | None,
        reason: str,
        lang: Lang,
        now: datetime,
    ) -> tuple[int, list[Reply]]:
        """Open a ticket; returns its id and what to tell the citizen."""
        context = self.context(form_id, state)
        question = context.get("question_id")
        result = conn.execute(
            insert(TICKETS)
            .values(
                chat_ref=chat_ref,
                form_id=form_id,
                question=question,
                reason=reason,
                status="open",
                context=context,
                opened_at=utcnow(),
            )
            .returning(TICKETS.c.id)
        )
        ticket_id = int(result.scalar_one())
        self._outbox.enqueue(conn, OPEN_KIND, {"ticket": ticket_id}, key=f"handoff:{ticket_id}")
        text = X.HANDOFF_OPENED.get(lang).format(ticket=ticket_id)
        later = self.next_answer_time(now)
        if later is not None:
            text += "\n\n" + X.HANDOFF_LATER.get(lang).format(when=later)
        buttons = ((Button(X.BACK_TO_FORM.get(lang), f"{PREFIX}close"),),)
        log.info("ticket %d opened (%s)", ticket_id, reason)
        return ticket_id, [Reply(text, buttons=buttons)]

    def relay_from_citizen(self, conn: Connection, ticket_id: int, text: str) -> None:
        """Keep what the citizen wrote and queue it for the staff topic."""
        result = conn.execute(
            insert(MESSAGES)
            .values(ticket_id=ticket_id, sender="citizen", text=text[:4000], created_at=utcnow())
            .returning(MESSAGES.c.id)
        )
        message_id = int(result.scalar_one())
        self._outbox.enqueue(
            conn,
            RELAY_KIND,
            {"ticket": ticket_id, "message": message_id},
            key=f"relay:{message_id}",
        )

    def is_open(self, conn: Connection, ticket_id: int) -> bool:
        """Whether the ticket is still open."""
        status = conn.execute(select(TICKETS.c.status).where(TICKETS.c.id == ticket_id)).scalar()
        return status == "open"

    def close(self, conn: Connection, ticket_id: int, *, by: str) -> None:
        """Close the ticket (by the citizen or by staff)."""
        conn.execute(
            update(TICKETS)
            .where(TICKETS.c.id == ticket_id, TICKETS.c.status == "open")
            .values(status="closed", closed_at=utcnow(), closed_by=by[:120])
        )

    # --- context ------------------------------------------------------------------------------

    def context(self, form_id: str | None, state: State | None) -> dict[str, Any]:
        """The form, the current question and the answers so far, for staff (numbers masked)."""
        form = self._catalogue.get(form_id)
        if form is None or state is None:
            return {"form": None, "question": None, "question_id": None, "answers": []}
        question_label = None
        question_id = None
        if state.path is not None:
            try:
                q = question_at(form, state.path)
                question_label = q.label.id
                question_id = ".".join(str(p) for p in state.path)
            except (KeyError, ValueError):
                question_label = None
        rows: list[list[str]] = []
        today = datetime.now(self._tz).date()
        for path, label, shown in summary_rows(form, state.with_(lang="id"), today=today):
            qtype = question_at(form, path).type if path[-1] != MORE else QType.GROUP
            present, value = value_at(state.answers, path)
            text = mask_nik(str(value)) if qtype in MASKED_TYPES and present and value else shown
            rows.append([label, text])
        return {
            "form": form.title.id,
            "question": question_label,
            "question_id": question_id,
            "answers": rows,
        }

    def next_answer_time(self, now: datetime) -> str | None:
        """When staff will answer, if not now (outside office hours): ``Senin, 7 Desember 2026
        pukul 08.00``; ``None`` during office hours."""
        local = now.astimezone(self._tz)
        hours = self._office.hours_on(local.weekday())
        if self._calendar.is_working_day(local.date()) and hours is not None:
            opens, closes = hours
            if opens <= local.time() < closes:
                return None
            if local.time() < opens:
                return f"{format_date(local.date(), 'id', weekday=True)} pukul {opens:%H.%M}"
        day = local.date() + timedelta(days=1)
        for _ in range(30):
            hours = self._office.hours_on(day.weekday())
            if self._calendar.is_working_day(day) and hours is not None:
                return f"{format_date(day, 'id', weekday=True)} pukul {hours[0]:%H.%M}"
            day += timedelta(days=1)
        return None

    # --- worker jobs --------------------------------------------------------------------------

    async def open_job(self, payload: dict[str, Any]) -> None:
        """Job ``handoff.open``: the ticket's topic in the staff group, with its context."""
        staff = self._staff()
        ticket = self._ticket(int(payload["ticket"]))
        if ticket["topic_id"] is not None:
            return
        ctx = ticket["context"]
        title = f"#{ticket['id']} {ctx.get('form') or 'Bantuan'}"[:120]
        lines = [
            f"<b>Tiket #{ticket['id']}</b> — {escape(ctx.get('form') or '-')}",
            f"Pertanyaan sekarang: {escape(ctx.get('question') or '-')}",
            "Alasan: "
            + ("gagal menjawab 3 kali" if ticket["reason"] == "failures" else "minta bantuan"),
            "",
        ]
        lines += [f"• {escape(label)}: {escape(value)}" for label, value in ctx.get("answers", [])]
        lines += ["", "Balas di topik ini; warga menerima pesan Anda. /selesai untuk menutup."]
        topic_id = await staff.open_topic(title, "\n".join(lines), int(ticket["id"]))
        with self._db.session() as session:
            session.connection().execute(
                update(TICKETS).where(TICKETS.c.id == ticket["id"]).values(topic_id=topic_id)
            )

    async def relay_job(self, payload: dict[str, Any]) -> None:
        """Job ``handoff.relay``: a citizen's message into the ticket's topic."""
        staff = self._staff()
        ticket = self._ticket(int(payload["ticket"]))
        if ticket["topic_id"] is None:
            raise RuntimeError("topic not opened yet")  # retried after the open job ran
        with self._db.session() as session:
            text = (
                session.connection()
                .execute(select(MESSAGES.c.text).where(MESSAGES.c.id == int(payload["message"])))
                .scalar_one()
            )
        await staff.post(int(ticket["topic_id"]), f"👤 Warga: {escape(text)}")

    async def forget_topic_job(self, payload: dict[str, Any]) -> None:
        """Job ``handoff.forget_topic``: delete the topic of a ticket whose data was erased
        (``/hapusdata``) or purged (retention), so the staff group keeps no copy either."""
        staff = self._staff()
        await staff.delete_topic(int(payload["topic"]))

    def _staff(self) -> StaffChannel:
        """The staff channel; a job that needs it fails (and is retried) in a process without."""
        if self.staff is None:
            raise RuntimeError("no staff chat configured in this process")
        return self.staff

    def _ticket(self, ticket_id: int) -> dict[str, Any]:
        with self._db.session() as session:
            row = (
                session.connection()
                .execute(select(TICKETS).where(TICKETS.c.id == ticket_id))
                .first()
            )
        if row is None:
            raise PermanentError("ticket not found")
        return dict(row._mapping)

    # --- the staff side -----------------------------------------------------------------------

    def ticket_of_topic(self, topic_id: int) -> dict[str, Any] | None:
        """The open ticket of a staff topic."""
        with self._db.session() as session:
            row = (
                session.connection()
                .execute(
                    select(TICKETS).where(
                        TICKETS.c.topic_id == topic_id, TICKETS.c.status == "open"
                    )
                )
                .first()
            )
        return dict(row._mapping) if row is not None else None

    async def from_staff(self, ticket: dict[str, Any], text: str, staff_name: str) -> None:
        """What staff wrote in the topic, to the citizen."""
        with self._db.session() as session:
            session.connection().execute(
                insert(MESSAGES).values(
                    ticket_id=ticket["id"],
                    sender="staff",
                    staff_name=staff_name[:120],
                    text=text[:4000],
                    created_at=utcnow(),
                )
            )
        await self._notifier.notify(
            ticket["chat_ref"], Reply(f"👩‍💼 <b>Petugas:</b> {escape(text)}")
        )

    def close_by_staff(self, ticket: dict[str, Any], staff_name: str) -> None:
        """Close a ticket from the staff side (the dialog then resumes the citizen's form)."""
        with self._db.session() as session:
            self.close(session.connection(), int(ticket["id"]), by=f"staff:{staff_name}")

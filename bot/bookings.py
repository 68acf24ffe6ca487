"""What happens around a booking after the form: the reminder the day before with a short health
self-screening, one-tap moving to another day, cancelling, and the notice when the office closes
a booked day. Button data starts with ``bk:`` and is handled here, not by the form engine."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from booking.errors import (
    AlreadyBooked,
    BookingError,
    BookingNotActive,
    BookingNotFound,
    DayFull,
    DayNotBookable,
)
from booking.models import Booking, BookingStatus
from booking.service import BookingService
from bot import texts as X
from bot.choices import day_label
from bot.notify import Notifier
from bot.office import Office
from bot.worker import PermanentError
from flows.protocol import Button, Reply
from flows.text import Lang, Text, parse_lang
from flows.validators import format_date
from storage.conversations import chat_lang
from storage.db import Database
from storage.outbox import Outbox

log = logging.getLogger(__name__)

PREFIX: Final = "bk:"
REMINDER_KIND: Final = "booking.reminder"
CLOSED_KIND: Final = "booking.closed"
REMINDER_AT: Final = time(15, 0)
"""Local time of the reminder on the day before the visit."""
MAX_DAY_BUTTONS: Final = 6


def _day(d: date, lang: Lang) -> str:
    return format_date(d, lang, weekday=True)


def visit_text(template: Text, booking: Booking, office: Office) -> Text:
    """``template`` (``REMINDER``, ``BOOKED_DETAILS``) filled in with the visit of ``booking`` in
    both languages: code, queue number, day, hours, address, the temperature limit."""
    hours = office.hours_on(booking.day.weekday())
    opens, closes = hours if hours is not None else (None, None)
    temp = f"{office.health.max_temperature:.1f}"
    params = {
        "code": booking.code,
        "queue": booking.queue_number,
        "opens": f"{opens:%H.%M}" if opens else "-",
        "closes": f"{closes:%H.%M}" if closes else "-",
        "address": office.address,
    }
    return Text(
        template.id.format(day=_day(booking.day, "id"), max_temp=temp.replace(".", ","), **params),
        template.en.format(day=_day(booking.day, "en"), max_temp=temp, **params),
    )


class BookingFollowUp:
    """Reminders, moves, cancellations and closure notices of bookings."""

    def __init__(
        self,
        *,
        booking: BookingService,
        office: Office,
        outbox: Outbox,
        notifier: Notifier | None,
        timezone: str,
        db: Database,
    ) -> None:
        self._booking = booking
        self._office = office
        self._outbox = outbox
        self._notifier = notifier
        self._tz = ZoneInfo(timezone)
        self._db = db

    # --- queueing -----------------------------------------------------------------------------

    def reminder_time(self, booking: Booking) -> datetime:
        """When the reminder of ``booking`` is due (UTC): the day before at 15:00 local."""
        local = datetime.combine(booking.day - timedelta(days=1), REMINDER_AT, self._tz)
        return local.astimezone(UTC)

    def queue_reminder(self, conn: Connection, booking: Booking) -> None:
        """Queue the reminder of a new booking (in the caller's transaction)."""
        self._outbox.enqueue(
            conn,
            REMINDER_KIND,
            {"code": booking.code},
            key=f"reminder:{booking.code}",
            run_at=self.reminder_time(booking),
        )

    def queue_closure_notices(self, closed: list[Booking], reason: str) -> None:
        """Tell every citizen whose booking fell on a day the office closed."""
        for booking in closed:
            self._outbox.add(
                CLOSED_KIND,
                {"code": booking.code, "reason": reason},
                key=f"closed:{booking.code}",
            )

    # --- worker jobs --------------------------------------------------------------------------

    async def send_reminder(self, payload: dict[str, object]) -> None:
        """Job ``booking.reminder``: remind, unless the booking was moved or cancelled since."""
        booking = self._booking.find(str(payload["code"]))
        if booking is None or not booking.is_active:
            return
        lang = self._lang_of(booking)
        reply = Reply(
            text=self.reminder_text(booking).get(lang),
            buttons=(
                (Button(X.WELL.get(lang), f"{PREFIX}well:{booking.code}"),),
                (Button(X.UNWELL.get(lang), f"{PREFIX}sick:{booking.code}"),),
            ),
        )
        await self._send(booking.chat_ref, reply)

    async def send_closure(self, payload: dict[str, object]) -> None:
        """Job ``booking.closed``: the office closed the day; offer other days."""
        booking = self._booking.find(str(payload["code"]))
        if booking is None:
            raise PermanentError("booking not found")
        lang = self._lang_of(booking)
        text = X.DAY_CLOSED_NOTICE.get(lang).format(
            day=_day(booking.day, lang), reason=payload.get("reason") or "-", code=booking.code
        )
        buttons = self.day_buttons(booking, lang, action="rb")
        if not buttons:
            text += "\n\n" + X.NO_FREE_DAYS.get(lang)
        await self._send(booking.chat_ref, Reply(text=text, buttons=buttons))

    async def _send(self, chat_ref: str, reply: Reply) -> None:
        if self._notifier is None:
            raise RuntimeError("no notifier configured")
        await self._notifier.notify(chat_ref, reply)

    def reminder_text(self, booking: Booking) -> Text:
        """The reminder in both languages."""
        return visit_text(X.REMINDER, booking, self._office)

    def _lang_of(self, booking: Booking) -> Lang:
        """The language the citizen last used in the chat that booked."""
        with self._db.connection(savepoint=False) as conn:  # a read
            return parse_lang(chat_lang(conn, booking.chat_ref))

    # --- buttons --------------------------------------------------------------------------------

    def day_buttons(
        self, booking: Booking, lang: Lang, *, action: str
    ) -> tuple[tuple[Button, ...], ...]:
        """Buttons of the next days with places (``bk:{action}:{code}:{day}``)."""
        rows = []
        for day in self._booking.availability(booking.service):
            if day.left <= 0 or day.closed or day.day == booking.day:
                continue
            label = day_label(day.day, day.left).get(lang)
            rows.append((Button(label, f"{PREFIX}{action}:{booking.code}:{day.day.isoformat()}"),))
            if len(rows) >= MAX_DAY_BUTTONS:
                break
        return tuple(rows)

    def tap(self, conn: Connection, chat_ref: str, data: str, lang: Lang) -> list[Reply]:
        """A ``bk:`` button pressed in chat ``chat_ref``."""
        parts = data.removeprefix(PREFIX).split(":")
        action, code = parts[0], parts[1] if len(parts) > 1 else ""
        booking = self._booking.find(code)
        if booking is None or booking.chat_ref != chat_ref:
            return [Reply(X.BOOKING_NOT_ACTIVE.get(lang).format(code=code or "-"))]
        if action == "well":
            return [Reply(X.SEE_YOU.get(lang))]
        if action in {"sick", "move"}:
            if not booking.is_active:
                return [Reply(X.BOOKING_NOT_ACTIVE.get(lang).format(code=code))]
            head = X.GET_WELL if action == "sick" else X.CHOOSE_NEW_DAY
            buttons = self.day_buttons(booking, lang, action="mv")
            text = head.get(lang) if buttons else X.NO_FREE_DAYS.get(lang)
            return [Reply(text, buttons=buttons, kind="question")]
        if action == "cancel":
            try:
                self._booking.cancel(code)
            except BookingNotActive:
                return [Reply(X.BOOKING_NOT_ACTIVE.get(lang).format(code=code))]
            return [Reply(X.BOOKING_CANCELLED.get(lang).format(code=code))]
        if action in {"mv", "rb"} and len(parts) > 2:
            return self._move(
                conn, booking, date.fromisoformat(parts[2]), lang, rebook=action == "rb"
            )
        return [Reply(X.BOOKING_NOT_ACTIVE.get(lang).format(code=code))]

    def _move(
        self, conn: Connection, booking: Booking, day: date, lang: Lang, *, rebook: bool
    ) -> list[Reply]:
        try:
            if rebook or booking.status is BookingStatus.CLOSED_BY_OFFICE:
                new = self._booking.book(
                    service=booking.service,
                    day=day,
                    nik=booking.nik,
                    holder_name=booking.holder_name,
                    chat_ref=booking.chat_ref,
                )
            else:
                new = self._booking.reschedule(booking.code, day)
        except (DayFull, DayNotBookable):
            buttons = self.day_buttons(booking, lang, action="rb" if rebook else "mv")
            return [Reply(X.DAY_FULL.get(lang), buttons=buttons, kind="question")]
        except AlreadyBooked as exc:
            new = exc.existing
        except (BookingNotActive, BookingNotFound):
            return [Reply(X.BOOKING_NOT_ACTIVE.get(lang).format(code=booking.code))]
        except BookingError:
            log.exception("moving a booking failed")
            return [Reply(X.BOOKING_NOT_ACTIVE.get(lang).format(code=booking.code))]
        self.queue_reminder(conn, new)
        return [
            Reply(
                X.MOVED.get(lang).format(
                    code=new.code, queue=new.queue_number, day=_day(new.day, lang)
                )
            )
        ]

    def status(self, chat_ref: str, lang: Lang) -> tuple[list[str], tuple[tuple[Button, ...], ...]]:
        """``/status`` lines of the chat's bookings, and buttons to move or cancel active ones."""
        lines: list[str] = []
        rows: list[tuple[Button, ...]] = []
        for booking in self._booking.bookings_for_chat(chat_ref)[:10]:
            status = X.BOOKING_STATUS_NAMES.get(booking.status.value)
            lines.append(
                X.STATUS_BOOKING.get(lang).format(
                    code=booking.code,
                    day=_day(booking.day, lang),
                    queue=booking.queue_number,
                    status=status.get(lang) if status else booking.status.value,
                )
            )
            if booking.is_active:
                rows.append(
                    (
                        Button(
                            f"{X.MOVE_DAY.get(lang)} {booking.code}", f"{PREFIX}move:{booking.code}"
                        ),
                        Button(X.CANCEL_BOOKING.get(lang), f"{PREFIX}cancel:{booking.code}"),
                    )
                )
        return lines, tuple(rows)

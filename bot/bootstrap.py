"""The composition root: builds every part of the application from the settings, in one place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from booking.calendar import WorkingCalendar
from booking.service import BookingService
from bot.bookings import CLOSED_KIND, REMINDER_KIND, BookingFollowUp
from bot.choices import BookableDaysSource, KelurahanSource
from bot.dialog import DialogService
from bot.forms import FormCatalogue, load_catalogue
from bot.notify import Notifiers
from bot.office import WEEKDAYS, Office, load_office
from bot.settings import Settings
from bot.submissions import FormSubmitter
from bot.worker import Worker
from storage.booking import SqlBookingStore
from storage.db import Database
from storage.files import FileStore
from storage.migrate import upgrade
from storage.outbox import Outbox


@dataclass
class App:
    """Everything a command of ``adminduk-bot`` needs, wired together."""

    settings: Settings
    office: Office
    catalogue: FormCatalogue
    db: Database
    files: FileStore
    booking: BookingService
    dialog: DialogService
    outbox: Outbox
    followup: BookingFollowUp
    notifiers: Notifiers

    def worker(self) -> Worker:
        """The background worker with every job handler of the application."""
        return Worker(
            self.outbox,
            {
                REMINDER_KIND: self.followup.send_reminder,
                CLOSED_KIND: self.followup.send_closure,
            },
        )

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()


def office_hours_text(office: Office) -> str:
    """The office's hours as one short line (``Senin–Kamis 08.00–15.00, Jumat 08.00–11.00``)."""
    names = {"mon": "Sen", "tue": "Sel", "wed": "Rab", "thu": "Kam", "fri": "Jum", "sat": "Sab"}
    parts = []
    for key in WEEKDAYS:
        if key in office.hours:
            opens, closes = office.hours[key]
            parts.append(f"{names.get(key, key)} {opens:%H.%M}–{closes:%H.%M}")
    return ", ".join(parts)


def build_app(
    settings: Settings,
    *,
    migrate: bool = True,
    clock: Callable[[], datetime] | None = None,
) -> App:
    """Build the application; ``migrate`` brings the database schema up to date first."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    office = load_office(settings.office_config)
    catalogue = load_catalogue(settings.forms_dir)
    tz = ZoneInfo(settings.timezone)
    now: Callable[[], datetime] = clock or (lambda: datetime.now(tz))

    def today() -> date:
        return now().astimezone(tz).date()

    if migrate:
        upgrade(settings.db_url)
    db = Database(settings.db_url)
    policy = office.booking_policy(settings.timezone)
    booking = BookingService(SqlBookingStore(db), WorkingCalendar(policy), policy, clock=now)
    outbox = Outbox(db)
    notifiers = Notifiers({})
    followup = BookingFollowUp(
        booking=booking,
        office=office,
        outbox=outbox,
        notifier=notifiers,
        timezone=settings.timezone,
        db=db,
    )
    dialog = DialogService(
        db=db,
        catalogue=catalogue,
        choice_sources={
            "office.kelurahan": KelurahanSource(office),
            "booking.days": BookableDaysSource(booking),
        },
        submitter=FormSubmitter(booking=booking, office=office, followup=followup),
        today=today,
        office_name=office.short_name,
        office_phone=office.phone,
        office_hours=office_hours_text(office),
        bookings=followup,
    )
    return App(
        settings=settings,
        office=office,
        catalogue=catalogue,
        db=db,
        files=FileStore(settings.data_dir / "uploads"),
        booking=booking,
        dialog=dialog,
        outbox=outbox,
        followup=followup,
        notifiers=notifiers,
    )


def configure_logging(level: str) -> None:
    """Plain log lines to stderr; personal data is masked by the code that logs."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

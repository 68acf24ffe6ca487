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
from bot.delivery import EMAIL_KIND, ISSUE_KIND, DocumentService, Sealer
from bot.dialog import DialogService
from bot.erasure import Erasure
from bot.forms import FormCatalogue, load_catalogue
from bot.handoff import OPEN_KIND as HANDOFF_OPEN
from bot.handoff import RELAY_KIND as HANDOFF_RELAY
from bot.handoff import HandoffService
from bot.mail import FolderMailer, Mailer, SmtpMailer
from bot.notify import Notifiers
from bot.office import WEEKDAYS, Office, load_office
from bot.retention import KIND as RETENTION_KIND
from bot.retention import RetentionPurge
from bot.settings import Settings
from bot.submissions import FormSubmitter
from bot.worker import Worker
from signing.demo import DemoAuthority
from signing.pkcs12 import Pkcs12Signer
from signing.settings import SignatureSettings
from signing.signer import Signer
from storage.booking import SqlBookingStore
from storage.db import Database
from storage.documents import DocumentStore
from storage.files import FileStore
from storage.migrate import upgrade
from storage.outbox import Outbox
from storage.personal import FORGET_TOPIC_KIND


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
    docs: DocumentStore
    documents: DocumentService
    signing: SigningSetup
    handoff: HandoffService
    retention: RetentionPurge

    def worker(self) -> Worker:
        """The background worker with every job handler of the application, and the daily
        retention purge queued by its schedule."""
        return Worker(
            self.outbox,
            {
                REMINDER_KIND: self.followup.send_reminder,
                CLOSED_KIND: self.followup.send_closure,
                ISSUE_KIND: self.documents.issue,
                EMAIL_KIND: self.documents.email,
                HANDOFF_OPEN: self.handoff.open_job,
                HANDOFF_RELAY: self.handoff.relay_job,
                FORGET_TOPIC_KIND: self.handoff.forget_topic_job,
                RETENTION_KIND: self.retention.job,
            },
            schedules=(self.retention.schedule,),
        )

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()


class SigningSetup:
    """The office's signer, built once on first use (PKCS#12 file, or the demo authority), and
    the roots a signature must chain to."""

    def __init__(self, settings: Settings, office: Office) -> None:
        self._settings = settings
        self._office = office
        self._signer: Signer | None = None
        self._roots: tuple[bytes, ...] | None = None

    def signer(self) -> Signer:
        """The signer (the key is loaded once)."""
        if self._signer is None:
            s = self._settings
            options = SignatureSettings(timestamp_url=s.timestamp_url)
            if s.signer_pkcs12 is not None:
                passphrase = s.signer_passphrase.get_secret_value() if s.signer_passphrase else None
                self._signer = Pkcs12Signer.load(s.signer_pkcs12, passphrase, settings=options)
            else:
                self._signer = self._demo().signer(settings=options)
        return self._signer

    def trust_roots(self) -> tuple[bytes, ...]:
        """Roots for validating uploaded or issued documents."""
        if self._roots is None:
            if self._settings.trust_roots is not None:
                self._roots = (self._settings.trust_roots.read_bytes(),)
            else:
                self._roots = (self._demo().root_cert_pem,)
        return self._roots

    def _demo(self) -> DemoAuthority:
        return DemoAuthority.ensure(
            self._settings.data_dir / "signing",
            office_name=self._office.name.id,
            head_name=self._office.head.name,
        )


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
    calendar = WorkingCalendar(policy)
    calendar.warm(today().year, today().year + 1)  # the booking window reaches into next year
    booking = BookingService(SqlBookingStore(db), calendar, policy, clock=now)
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
    docs = DocumentStore(db)
    signing_setup = SigningSetup(settings, office)
    mailer: Mailer = (
        SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
        )
        if settings.smtp_host
        else FolderMailer(settings.data_dir / "outbox")
    )
    documents = DocumentService(
        docs=docs,
        outbox=outbox,
        booking=booking,
        catalogue=catalogue,
        office=office,
        db_session=db.session,
        signer=signing_setup.signer,
        notifier=notifiers,
        mailer=mailer,
        mail_from=settings.smtp_from,
        sealer=Sealer(settings.data_dir / "secret.key"),
        public_base_url=settings.public_base_url,
        link_days=settings.link_days,
        timezone=settings.timezone,
    )
    handoff = HandoffService(
        db=db,
        outbox=outbox,
        catalogue=catalogue,
        office=office,
        calendar=booking.calendar,
        notifier=notifiers,
        timezone=settings.timezone,
    )
    files = FileStore(settings.data_dir / "uploads")
    retention = RetentionPurge(
        db=db,
        files=files,
        outbox=outbox,
        retention_days=office.retention_days,
        timezone=settings.timezone,
        clock=now,
        mail_folder=None if settings.smtp_host else settings.data_dir / "outbox",
    )
    dialog = DialogService(
        db=db,
        catalogue=catalogue,
        choice_sources={
            "office.kelurahan": KelurahanSource(office),
            "booking.days": BookableDaysSource(booking),
        },
        submitter=FormSubmitter(
            booking=booking, office=office, followup=followup, documents=documents
        ),
        today=today,
        office_name=office.short_name,
        office_phone=office.phone,
        office_hours=office_hours_text(office),
        bookings=followup,
        documents=documents,
        handoff=handoff,
        erasure=Erasure(booking=booking, files=files),
        now=now,
    )
    return App(
        settings=settings,
        office=office,
        catalogue=catalogue,
        db=db,
        files=files,
        booking=booking,
        dialog=dialog,
        outbox=outbox,
        followup=followup,
        notifiers=notifiers,
        docs=docs,
        documents=documents,
        signing=signing_setup,
        handoff=handoff,
        retention=retention,
    )


def configure_logging(level: str) -> None:
    """Plain log lines to stderr; personal data is masked by the code that logs."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

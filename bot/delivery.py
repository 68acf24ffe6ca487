"""Issuing documents: render (``documents``), sign (``signing``), keep (``storage``), and deliver:
the PDF in the chat with a PIN and the print link, and an email with the same PIN and link.

Secrets: the link's token has 192 random bits; the 6-digit PIN comes from ``secrets`` and is kept
only as an Argon2 hash. The email job needs the PIN until the email is handed over, so the job
carries it sealed (Fernet, key under ``DATA_DIR``), never in clear. Neither the PIN nor the token
is ever written to a log.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Connection
from sqlmodel import Session, col, select

from booking.service import BookingService
from bot import texts as X
from bot.forms import FormCatalogue
from bot.mail import Mailer
from bot.notify import Notifier
from bot.office import Office
from bot.worker import PermanentError
from documents.application import render_application
from documents.booking_proof import render_booking_proof
from documents.models import ApplicationForm, BookingProof, Issue, OfficeInfo, Section, Signatory
from flows.protocol import Button, Reply
from flows.text import Lang, parse_lang
from flows.validators import mask_nik
from signing.signer import Signer
from storage.conversations import chat_lang
from storage.documents import DocumentInfo, DocumentStore
from storage.models import Submission
from storage.outbox import Outbox

log = logging.getLogger(__name__)

ISSUE_KIND: Final = "document.issue"
EMAIL_KIND: Final = "document.email"
BOOKING_PROOF: Final = "booking_proof"
APPLICATION: Final = "application"
FAMILY_CARD: Final = "family_card"
"""The new KK of an approved KK change, from the data staff completed (``bot.family_card``)."""
NUMBER_CODES: Final = {BOOKING_PROOF: "BP", APPLICATION: "FM", FAMILY_CARD: "KK"}
ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_pin() -> str:
    """A 6-digit PIN from a secure generator."""
    return f"{secrets.randbelow(1_000_000):06d}"


def new_token() -> str:
    """The secret part of a print link: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def new_verify_id() -> str:
    """The public id of a verification link: unguessable, so holders cannot be enumerated."""
    return secrets.token_urlsafe(12)


def _submission(session: Session, reference: str) -> Submission | None:
    """The submission ``reference``, if any."""
    return session.exec(select(Submission).where(col(Submission.reference) == reference)).first()


class PinHasher:
    """Argon2id hashes of PINs (``argon2-cffi``)."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()

    def hash(self, pin: str) -> str:
        """The stored form of ``pin``."""
        return self._hasher.hash(pin)

    def verify(self, stored: str, pin: str) -> bool:
        """Whether ``pin`` matches ``stored``."""
        try:
            return self._hasher.verify(stored, pin)
        except (VerificationError, InvalidHashError):
            return False


def _create_key(key_file: Path) -> None:
    """A new key at ``key_file``, unless another process made one first (several workers start
    at once on a new ``DATA_DIR``): written whole to a file of this process, then linked into
    place, which never replaces a key already there, so every process reads the same whole key.
    """
    key_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_name(f".{key_file.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, Fernet.generate_key())
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, key_file)
    except FileExistsError:
        pass  # another process's key is in place: use that one
    finally:
        tmp.unlink()


class Sealer:
    """Symmetric sealing of short secrets that must wait in the outbox (Fernet)."""

    def __init__(self, key_file: Path) -> None:
        if not key_file.exists():
            _create_key(key_file)
        self._fernet = Fernet(key_file.read_bytes().strip())

    def seal(self, secret: str) -> str:
        """``secret`` encrypted and authenticated."""
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """The secret back; a tampered or foreign value raises ``PermanentError``."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise PermanentError("sealed secret cannot be opened") from exc


@dataclass(frozen=True)
class Rendered:
    """A document ready to sign."""

    pdf: bytes
    holder_name: str
    holder_nik: str
    filename: str


class DocumentService:
    """Queues, issues and delivers documents; gives new PINs."""

    def __init__(
        self,
        *,
        docs: DocumentStore,
        outbox: Outbox,
        booking: BookingService,
        catalogue: FormCatalogue,
        office: Office,
        db_session: Callable[[], Any],
        signer: Callable[[], Signer],
        notifier: Notifier,
        mailer: Mailer,
        mail_from: str,
        sealer: Sealer,
        public_base_url: str,
        link_days: int = 30,
        timezone: str = "Asia/Jakarta",
    ) -> None:
        self._docs = docs
        self._outbox = outbox
        self._booking = booking
        self._catalogue = catalogue
        self._office = office
        self._session = db_session
        self._signer = signer
        self._notifier = notifier
        self._mailer = mailer
        self._from = mail_from
        self._sealer = sealer
        self._base = public_base_url.rstrip("/")
        self._link_days = link_days
        self._tz = ZoneInfo(timezone)
        self._pins = PinHasher()

    # --- links --------------------------------------------------------------------------------

    def print_url(self, doc: DocumentInfo) -> str:
        """The print page of a document (it asks for the PIN)."""
        return f"{self._base}/d/{doc.token}"

    def verify_url(self, verify_id: str) -> str:
        """The verification page the QR code opens."""
        return f"{self._base}/v/{verify_id}"

    def check_pin(self, doc: DocumentInfo, pin: str) -> bool:
        """Whether ``pin`` opens ``doc``."""
        return self._pins.verify(doc.pin_hash, pin.strip())

    # --- queueing -----------------------------------------------------------------------------

    def queue(
        self, conn: Connection, *, kind: str, reference: str, chat_ref: str, email: str | None
    ) -> None:
        """Issue a document in the background (in the caller's transaction)."""
        self._outbox.enqueue(
            conn,
            ISSUE_KIND,
            {"kind": kind, "reference": reference, "chat_ref": chat_ref, "email": email},
            key=f"issue:{kind}:{reference}",
        )

    def queue_for_reference(self, reference: str) -> str:
        """Issue the document of a submission or booking (``adminduk-bot issue``); its kind.

        A booking gets its booking proof; a KK change whose new KK staff have completed gets
        the KK; any other submission its filled application.
        """
        from bot.family_card import FAMILY_CARD_FORMS
        from storage.staff import load_family_card

        with self._session() as session:
            row = _submission(session, reference)
            if row is None:
                raise LookupError(f"no submission or booking {reference!r}")
            if row.status == "booked":
                kind = BOOKING_PROOF
            elif row.form_id in FAMILY_CARD_FORMS and load_family_card(
                session.connection(), reference
            ):
                kind = FAMILY_CARD
            else:
                kind = APPLICATION
            email = row.answers.get("email")
            self._outbox.add(
                ISSUE_KIND,
                {
                    "kind": kind,
                    "reference": reference,
                    "chat_ref": f"{row.channel}:{row.chat_id}",
                    "email": email,
                },
                key=f"issue:{kind}:{reference}:{secrets.token_hex(4)}",
            )
        return kind

    # --- the jobs ---------------------------------------------------------------------------

    async def issue(self, payload: dict[str, Any]) -> None:
        """Job ``document.issue``: render, sign, keep, send in the chat, queue the email."""
        kind, reference = str(payload["kind"]), str(payload["reference"])
        chat_ref = str(payload["chat_ref"])
        number = f"{NUMBER_CODES[kind]}/{datetime.now(self._tz).year}/" + "".join(
            secrets.choice(ALPHABET) for _ in range(6)
        )
        verify_id = new_verify_id()
        issue, lang = self._issue_info(number, verify_id), self._lang_of(chat_ref)
        rendered = await asyncio.to_thread(self._render, kind, reference, issue)
        signer = self._signer()
        signed = await signer.sign(
            rendered.pdf, reason=f"TTE {self._office.short_name.id}", location=self._office.city
        )
        pin = new_pin()
        doc = await asyncio.to_thread(
            self._docs.add,
            number=number,
            verify_id=verify_id,
            kind=kind,
            reference=reference,
            holder_name=rendered.holder_name,
            holder_nik_masked=mask_nik(rendered.holder_nik),
            chat_ref=chat_ref,
            email=payload.get("email"),
            lang=lang,
            filename=rendered.filename,
            pdf=signed,
            sha256=hashlib.sha256(signed).hexdigest(),
            token=new_token(),
            pin_hash=self._pins.hash(pin),
            expires_at=self._link_expiry(),
        )
        log.info("document %s (%s) issued for %s", doc.number, kind, reference)
        caption = X.DOC_READY.get(lang).format(
            number=doc.number, pin=pin, url=self.print_url(doc), days=self._link_days
        )
        await self._notifier.send_document(
            chat_ref, filename=doc.filename, data=signed, caption=caption
        )
        if doc.email:
            await asyncio.to_thread(
                self._outbox.add,
                EMAIL_KIND,
                {"doc": doc.id, "pin": self._sealer.seal(pin)},
                key=f"email:{doc.number}",
            )

    async def email(self, payload: dict[str, Any]) -> None:
        """Job ``document.email``: the PIN and the link to the citizen's email."""
        doc = await asyncio.to_thread(self._docs.by_id, int(payload["doc"]))
        if doc is None or doc.status != "valid" or not doc.email:
            raise PermanentError("document gone or without email")
        pin = self._sealer.open(str(payload["pin"]))
        await self._mailer.send(self.compose(doc, pin))

    def compose(self, doc: DocumentInfo, pin: str) -> EmailMessage:
        """The email: a short text and HTML message with the PIN and the link."""
        lang = parse_lang(doc.lang)
        url = self.print_url(doc)
        message = EmailMessage()
        message["Subject"] = X.MAIL_SUBJECT.get(lang).format(number=doc.number)
        message["From"] = self._from
        message["To"] = doc.email or ""
        message["Message-ID"] = make_msgid(idstring=doc.number.replace("/", "-"), domain="adminduk")
        params = {
            "name": doc.holder_name,
            "number": doc.number,
            "pin": pin,
            "url": url,
            "days": self._link_days,
            "office": self._office.short_name.get(lang),
        }
        message.set_content(X.MAIL_TEXT.get(lang).format(**params))
        message.add_alternative(X.MAIL_HTML.get(lang).format(**params), subtype="html")
        return message

    async def renew_pin(self, doc: DocumentInfo) -> str:
        """A new PIN for a document (the citizen asked; also unlocks and extends the link)."""
        return await asyncio.to_thread(self._give_new_pin, doc.id)

    def _give_new_pin(self, doc_id: int) -> str:
        """A fresh PIN for document ``doc_id``, kept hashed; its link unlocked and extended."""
        pin = new_pin()
        self._docs.new_pin(doc_id, pin_hash=self._pins.hash(pin), expires_at=self._link_expiry())
        return pin

    def _link_expiry(self) -> datetime:
        return datetime.now(UTC) + timedelta(days=self._link_days)

    # --- in the chat --------------------------------------------------------------------------

    def status(self, chat_ref: str, lang: Lang) -> tuple[list[str], tuple[tuple[Button, ...], ...]]:
        """``/status`` lines of the chat's documents, with a button to get a new PIN for each."""
        lines: list[str] = []
        rows: list[tuple[Button, ...]] = []
        for doc in self._docs.for_chat(chat_ref)[:5]:
            lines.append(X.STATUS_DOCUMENT.get(lang).format(number=doc.number, file=doc.filename))
            label = X.NEW_PIN_BUTTON.get(lang).format(number=doc.number)
            rows.append((Button(label, f"doc:pin:{doc.id}"),))
        return lines, tuple(rows)

    def tap(self, conn: Connection, chat_ref: str, data: str, lang: Lang) -> list[Reply]:
        """A ``doc:`` button: a new PIN (also unlocks and extends the link)."""
        del conn
        _, action, ident = [*data.split(":"), "", ""][:3]
        doc = self._docs.by_id(int(ident)) if ident.isdigit() else None
        if action != "pin" or doc is None or doc.chat_ref != chat_ref or doc.status != "valid":
            return [Reply(X.DOC_UNKNOWN.get(lang))]
        pin = self._give_new_pin(doc.id)
        log.info("new PIN given for document %s", doc.number)
        text = X.NEW_PIN.get(lang).format(number=doc.number, pin=pin, url=self.print_url(doc))
        return [Reply(text)]

    # --- content ------------------------------------------------------------------------------

    def _issue_info(self, number: str, verify_id: str) -> Issue:
        office = self._office
        signer = self._signer()
        return Issue(
            number=number,
            issued_on=datetime.now(self._tz).date(),
            office=OfficeInfo(
                name=office.name.id,
                address=office.address,
                city=office.city,
                head=Signatory(
                    name=office.head.name, nip=office.head.nip, title=office.head.title.id
                ),
                phone=office.phone,
                short_name=office.short_name.id,
            ),
            verify_url=self.verify_url(verify_id),
            demo=signer.is_demo,
        )

    def _lang_of(self, chat_ref: str) -> Lang:
        with self._session() as session:
            return parse_lang(chat_lang(session.connection(), chat_ref))

    def _render(self, kind: str, reference: str, issue: Issue) -> Rendered:
        if kind == BOOKING_PROOF:
            booking = self._booking.find(reference)
            if booking is None:
                raise PermanentError("booking not found")
            hours = self._office.hours_on(booking.day.weekday())
            proof = BookingProof(
                code=booking.code,
                queue_number=booking.queue_number,
                holder_name=booking.holder_name,
                nik=booking.nik,
                day=booking.day,
                arrive_from=hours[0] if hours else None,
                arrive_until=hours[1] if hours else None,
                max_temperature=self._office.health.max_temperature,
            )
            pdf = render_booking_proof(proof, issue)
            name = f"BuktiDaftar-{booking.code}-{booking.day.isoformat()}.pdf"
            return Rendered(pdf, booking.holder_name, booking.nik, name)
        if kind == FAMILY_CARD:
            return self._render_family_card(reference, issue)
        with self._session() as session:
            row = _submission(session, reference)
        if row is None:
            raise PermanentError("submission not found")
        form = self._catalogue.get(row.form_id)
        if form is None:
            raise PermanentError("form no longer exists")
        answers = row.answers
        rows = tuple((str(a), str(b)) for a, b in answers.get("_summary") or ())
        name = str(answers.get("applicant_name") or answers.get("full_name") or "")
        nik = str(answers.get("applicant_nik") or answers.get("nik") or "")
        application = ApplicationForm(
            form_code=form.document_code,
            form_name=form.title.id,
            reference=row.reference,
            submitted_on=row.created_at.date(),
            applicant_name=name,
            blocks=(Section(title="Data permohonan", rows=rows),),
        )
        pdf = render_application(application, issue)
        filename = f"Formulir-{row.reference}-{row.created_at.date().isoformat()}.pdf"
        return Rendered(pdf, name, nik, filename)

    def _render_family_card(self, reference: str, issue: Issue) -> Rendered:
        """The new KK from the data staff saved for a KK change (checked again here)."""
        from bot.family_card import Area, FamilyCardInvalid, parse_family_card
        from documents.family_card import render_family_card
        from storage.staff import load_family_card

        with self._session() as session:
            row = _submission(session, reference)
            saved = load_family_card(session.connection(), reference)
        if row is None or saved is None:
            raise PermanentError("submission or its KK data not found")
        # staff checked the dates when they saved; a worker whose clock is a little behind
        # theirs must not find a newborn "born in the future"
        today = max(issue.issued_on, saved.updated_at.astimezone(self._tz).date())
        try:
            card = parse_family_card(saved.data, area=Area.of(self._office), today=today)
        except FamilyCardInvalid as exc:
            raise PermanentError(f"saved KK data is not valid: {exc}") from exc
        answers = row.answers
        name = str(answers.get("applicant_name") or card.head_name)
        nik = str(answers.get("applicant_nik") or card.members[0].nik)
        pdf = render_family_card(card, issue)
        filename = f"KK-{card.kk_number}-{issue.issued_on.isoformat()}.pdf"
        return Rendered(pdf, name, nik, filename)

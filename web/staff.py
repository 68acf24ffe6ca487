"""The staff pages under ``/staff/``: who is coming and check-in at the door, submissions to
review (with the new KK's data for a KK change), hand-off tickets, day quotas and closures, a CSV
of a day, and the audit log (admins).

Sign-in, sessions, CSRF and throttling are in ``web.staff_auth``. Every view and change of
personal data writes an audit row in the same unit of work as the read or the change. Pages are
server-rendered HTML without JavaScript, in Indonesian (``?lang=en`` for English).
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final

from aiohttp import web
from multidict import MultiDictProxy

from booking.errors import BookingError, QuotaBelowBooked
from booking.models import Booking
from bot import texts as X
from bot.bootstrap import App
from bot.dialog import ChatKey, HandoffEnded
from bot.family_card import (
    CARD_FIELDS,
    CHOICES,
    FAMILY_CARD_FORMS,
    MEMBER_FIELDS,
    MEMBERS,
    OCCUPATION_SUGGESTIONS,
    SEX_NAMES,
    Area,
    Draft,
    FamilyCardInvalid,
    add_member,
    draft_from_form,
    draft_of,
    member_count,
    member_key,
    move_member_up,
    parse_family_card,
    prefill,
    remove_member,
)
from flows.protocol import Reply
from flows.text import Lang, Text, parse_lang
from flows.validators import TEMPERATURE_RANGE, format_date
from storage.conversations import chat_lang
from storage.errors import StorageError
from storage.personal import DATA_GONE, FILE_PREFIX
from storage.staff import (
    REVIEWABLE,
    AlreadyAdmitted,
    CheckInInfo,
    FamilyCardRecord,
    SignedIn,
    SubmissionInfo,
    TicketInfo,
)
from web.documents import SECURITY_HEADERS, request_lang
from web.staff_auth import Clock, StaffSite
from web.staff_texts import PAGE, TO_CITIZEN

log = logging.getLogger(__name__)

UPCOMING_DAYS: Final = 5
"""Working days after today listed on the bookings page."""
AUDIT_PAGE: Final = 100
LIST_LIMIT: Final = 200
"""Rows a review or ticket list shows (the oldest first); the page says when there are more."""
FILE_HEADERS: Final = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}
_MIME: Final = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")
_FILENAME: Final = re.compile(r"[^A-Za-z0-9._-]+")
_SHOWN_CONTEXT: Final = frozenset({"form", "question", "question_id", "answers"})
"""Keys of a ticket's context (``bot.handoff.HandoffService.context``) shown on their own."""
_NUMERIC_FIELDS: Final = frozenset({"kk_number", "nik", "rt", "rw", "postal_code"})
_OPTIONAL_FIELDS: Final = frozenset(
    {"marriage_date", "passport_number", "kitas_number", "father_name"}
)
_WIDE_FIELDS: Final = frozenset({"street", "name", "occupation", "father_name", "mother_name"})


def add_staff_routes(app: web.Application, application: App, *, clock: Clock | None = None) -> None:
    """Mount the staff pages of ``application`` on ``app`` (``clock``: for tests)."""
    StaffPages(application, clock=clock).add_routes(app)


def _temp(value: float, lang: Lang) -> str:
    """A temperature as people write it: ``37,5`` in Indonesian, ``37.5`` in English."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "id" else text


def parse_temperature(raw: object) -> float | None:
    """Degrees Celsius typed at the door (``36,5`` or ``36.5``), or ``None`` if unreadable."""
    text = str(raw or "").strip().replace(",", ".").removesuffix("°C").strip()
    if not re.fullmatch(r"\d{2}(\.\d{1,2})?", text):
        return None
    value = round(float(text), 1)
    low, high = TEMPERATURE_RANGE  # the same plausible range as a temperature a citizen types
    return value if low <= value <= high else None


def _csv_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file among a submission's answers."""

    path: str
    """Where it is in the answers (``police_report``, ``members.0.photo``)."""
    ref: str
    name: str
    mime: str
    size: int


def uploaded_files(answers: Mapping[str, Any]) -> list[UploadedFile]:
    """Every uploaded file in ``answers`` (dicts with a ``file:`` reference), in answer order."""

    def walk(value: Any, path: str) -> Iterator[UploadedFile]:
        if isinstance(value, Mapping):
            ref = value.get("ref")
            if isinstance(ref, str) and ref.startswith(FILE_PREFIX):
                yield UploadedFile(
                    path=path,
                    ref=ref,
                    name=str(value.get("name") or path),
                    mime=str(value.get("mime") or "application/octet-stream"),
                    size=int(value.get("size") or 0),
                )
                return
            for key, item in value.items():
                yield from walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                yield from walk(item, f"{path}.{n}")

    return list(walk({k: v for k, v in answers.items() if not str(k).startswith("_")}, ""))


def _holder(answers: Mapping[str, Any]) -> str:
    return str(answers.get("applicant_name") or answers.get("full_name") or "-")


class StaffPages(StaffSite):
    """The staff pages: bookings and check-in, reviews, hand-offs, days, the audit log."""

    def add_routes(self, app: web.Application) -> None:
        """Mount the pages."""
        self.add_auth_routes(app)
        r = app.router
        r.add_get("/staff/", self._page(self.home))
        r.add_get("/staff/bookings", self._page(self.bookings))
        r.add_get("/staff/bookings.csv", self._page(self.export_csv, flash=False))
        r.add_post("/staff/bookings/{code}/checkin", self._action(self.checkin))
        r.add_get("/staff/reviews", self._page(self.reviews))
        r.add_get("/staff/reviews/{reference}", self._page(self.review))
        r.add_get(
            "/staff/reviews/{reference}/files/{path}", self._page(self.review_file, flash=False)
        )
        r.add_get("/staff/reviews/{reference}/kk", self._page(self.family_card))
        r.add_post("/staff/reviews/{reference}/kk", self._action(self.family_card_save))
        r.add_post("/staff/reviews/{reference}/approve", self._action(self.approve))
        r.add_post("/staff/reviews/{reference}/reject", self._action(self.reject))
        r.add_get("/staff/tickets", self._page(self.tickets))
        r.add_get(r"/staff/tickets/{ticket_id:\d+}", self._page(self.ticket))
        r.add_post(r"/staff/tickets/{ticket_id:\d+}/reply", self._action(self.ticket_reply))
        r.add_post(r"/staff/tickets/{ticket_id:\d+}/close", self._action(self.ticket_close))
        r.add_get("/staff/days", self._page(self.days))
        r.add_post("/staff/days/{day}/quota", self._action(self.day_quota))
        r.add_post("/staff/days/{day}/close", self._action(self.day_close))
        r.add_post("/staff/days/{day}/reopen", self._action(self.day_reopen))
        r.add_get("/staff/audit", self._page(self.audit, admin=True))

    # -- helpers of the desk ---------------------------------------------------------------------

    def _citizen_lang(self, chat_ref: str) -> Lang:
        """The language the citizen last used in the chat."""
        with self._db.connection(savepoint=False) as conn:  # a read
            return parse_lang(chat_lang(conn, chat_ref))

    async def _tell(self, chat_ref: str, reply: Reply, what: str) -> bool:
        """Send a message to a citizen now; a failure is logged and reported to staff."""
        try:
            await self._app.notifiers.notify(chat_ref, reply)
        except Exception as exc:  # any failure of a channel: staff are told to follow up
            log.warning(
                "%s to a %s chat not sent: %s", what, chat_ref.partition(":")[0], type(exc).__name__
            )
            return False
        return True

    def _service(self, request: web.Request, form: Mapping[str, Any] | None = None) -> str:
        services = self._app.booking.policy.services
        asked = str((form or {}).get("service") or request.query.get("service") or "")
        return asked if asked in services else services[0]

    def _upcoming(self, today: date, n: int) -> list[date]:
        calendar = self._app.booking.calendar
        days = [today] if calendar.is_working_day(today) else []
        return days + calendar.next_working_days(today, n)

    @staticmethod
    def _parse_day(raw: str | None) -> date | None:
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    # -- home ----------------------------------------------------------------------------------

    async def home(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/``: today at a glance (counts only, no personal data)."""
        lang = request_lang(request)
        today = self._today()
        booking = self._app.booking

        def load() -> tuple[list[tuple[str, int, bool]], int, int, list[dict[str, Any]]]:
            per_service = []
            for service in booking.policy.services:
                avail = booking.day_availability(service, today)
                per_service.append((service, avail.booked, avail.closed))
            return (
                per_service,
                self._desk.pending_count(),
                self._desk.open_ticket_count(),
                self._app.outbox.failed(),
            )

        per_service, pending, tickets, failed = await asyncio.to_thread(load)
        return self._render(
            request,
            "staff_home.html",
            signed,
            title=self._text(request, "home_title"),
            today=format_date(today, lang, weekday=True),
            working=booking.calendar.is_working_day(today),
            per_service=per_service,
            pending=pending,
            tickets=tickets,
            failed=failed,
        )

    # -- bookings and check-in -------------------------------------------------------------------

    def _booking_rows(
        self, rows: list[Booking], checkins: Mapping[str, CheckInInfo], lang: Lang, today: date
    ) -> list[dict[str, Any]]:
        shown = []
        for b in rows:
            ci = checkins.get(b.code)
            status = X.BOOKING_STATUS_NAMES.get(b.status.value)
            arrival = ""
            if ci is not None:
                key = "admitted" if ci.admitted else "refused"
                arrival = (
                    PAGE[key]
                    .get(lang)
                    .format(
                        time=ci.at.astimezone(self._tz).strftime("%H:%M"),
                        temp=_temp(ci.temperature, lang),
                    )
                )
            shown.append(
                {
                    "queue": b.queue_number,
                    "code": b.code,
                    "name": b.holder_name,
                    "nik": b.masked_nik,
                    "session": b.session or "",
                    "status": status.get(lang) if status else b.status.value,
                    "active": b.is_active,
                    "arrival": arrival,
                    "admitted": ci is not None and ci.admitted,
                    "refused": ci is not None and not ci.admitted,
                    "can_checkin": b.is_active
                    and b.day == today
                    and not (ci is not None and ci.admitted),
                }
            )
        return shown

    async def bookings(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/bookings``: today's and the next working days' bookings, with check-in."""
        lang = request_lang(request)
        service = self._service(request)
        today = self._today()
        days = self._upcoming(today, UPCOMING_DAYS)
        chosen = self._parse_day(request.query.get("day")) or (days[0] if days else today)
        listed = sorted({*days, chosen})
        ip = self._ip(request)
        booking = self._app.booking

        def load() -> tuple[list[Any], list[Booking], dict[str, CheckInInfo]]:
            with self._db.session():
                avail = booking.days_availability(service, listed)
                rows = booking.list_day(service, chosen, include_inactive=True)
                checkins = self._desk.checkins([b.code for b in rows])
                self._write_audit(
                    ip,
                    signed.staff,
                    "view",
                    "day",
                    f"{service}/{chosen.isoformat()}",
                    detail=f"{len(rows)} bookings listed",
                )
            return avail, rows, checkins

        avail, rows, checkins = await asyncio.to_thread(load)
        return self._render(
            request,
            "staff_bookings.html",
            signed,
            title=self._text(request, "bookings_title"),
            services=booking.policy.services,
            service=service,
            day=chosen,
            day_text=format_date(chosen, lang, weekday=True),
            is_today=chosen == today,
            tabs=[
                {
                    "day": a.day.isoformat(),
                    "label": format_date(a.day, lang, weekday=True),
                    "booked": a.booked,
                    "quota": a.quota,
                    "closed": a.closed,
                    "today": a.day == today,
                }
                for a in avail
            ],
            rows=self._booking_rows(rows, checkins, lang, today),
            max_temp=_temp(self._max_temp, lang),
        )

    async def checkin(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/bookings/{code}/checkin``: the temperature at the door; above the limit
        the citizen is refused entry and offered another day in their chat."""
        lang = request_lang(request)
        code = request.match_info["code"]
        booking = await asyncio.to_thread(self._app.booking.find, code)
        if booking is None:
            return await self._done(
                request,
                signed,
                self._url(lang, "/staff/bookings"),
                self._text(request, "not_found"),
                ok=False,
            )
        back = self._url(
            lang, "/staff/bookings", service=booking.service, day=booking.day.isoformat()
        )
        if not booking.is_active:
            text = self._text(request, "booking_not_active", code=code)
            return await self._done(request, signed, back, text, ok=False)
        if booking.day != self._today():
            text = self._text(request, "checkin_only_today")
            return await self._done(request, signed, back, text, ok=False)
        temperature = parse_temperature(form.get("temperature"))
        if temperature is None:
            text = self._text(request, "bad_temperature")
            return await self._done(request, signed, back, text, ok=False)
        admitted = temperature <= self._max_temp
        ip = self._ip(request)

        def record() -> None:
            with self._db.session():
                self._desk.record_checkin(
                    booking_code=booking.code,
                    service=booking.service,
                    day=booking.day,
                    temperature=temperature,
                    admitted=admitted,
                    staff_username=signed.staff.username,
                    at=self._now(),
                )
                self._write_audit(
                    ip,
                    signed.staff,
                    "checkin",
                    "booking",
                    booking.code,
                    detail=f"{'admitted' if admitted else 'refused'} at {temperature:.1f} C",
                )

        try:
            await asyncio.to_thread(record)
        except AlreadyAdmitted:
            text = self._text(request, "already_in", code=code)
            return await self._done(request, signed, back, text, ok=False)
        params = {
            "queue": booking.queue_number,
            "code": booking.code,
            "temp": _temp(temperature, lang),
            "max": _temp(self._max_temp, lang),
        }
        if admitted:
            return await self._done(
                request, signed, back, self._text(request, "checkin_ok", **params)
            )
        log.info("booking %s refused entry at the door (temperature)", booking.code)
        sent = await self._offer_other_day(booking, temperature)
        key = "checkin_refused" if sent else "checkin_refused_unsent"
        return await self._done(request, signed, back, self._text(request, key, **params), ok=False)

    async def _offer_other_day(self, booking: Booking, temperature: float) -> bool:
        """Tell a citizen refused at the door why, with buttons to move the booking."""

        def compose() -> Reply:
            lang = self._citizen_lang(booking.chat_ref)
            buttons = self._app.followup.day_buttons(booking, lang, action="mv")
            text = (
                TO_CITIZEN["fever" if buttons else "fever_no_days"]
                .get(lang)
                .format(
                    temp=_temp(temperature, lang),
                    max=_temp(self._max_temp, lang),
                    code=booking.code,
                )
            )
            return Reply(text, buttons=buttons, kind="question" if buttons else "info")

        reply = await asyncio.to_thread(compose)
        return await self._tell(booking.chat_ref, reply, "door refusal notice")

    async def export_csv(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/bookings.csv?day=``: a day's bookings (masked NIK) with check-ins."""
        lang = request_lang(request)
        service = self._service(request)
        day = self._parse_day(request.query.get("day")) or self._today()
        ip = self._ip(request)
        booking = self._app.booking

        def load() -> tuple[list[Booking], dict[str, CheckInInfo]]:
            with self._db.session():
                rows = booking.list_day(service, day, include_inactive=True)
                checkins = self._desk.checkins([b.code for b in rows])
                self._write_audit(
                    ip,
                    signed.staff,
                    "export",
                    "day",
                    f"{service}/{day.isoformat()}",
                    detail=f"CSV of {len(rows)} bookings",
                )
            return rows, checkins

        rows, checkins = await asyncio.to_thread(load)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if lang == "en":
            writer.writerow(
                ["queue", "code", "name", "nik", "status", "checkin_time", "temperature"]
            )
        else:
            writer.writerow(["antrean", "kode", "nama", "nik", "status", "waktu_datang", "suhu"])
        for b in rows:
            ci = checkins.get(b.code)
            status = b.status.value
            if ci is not None:
                status = "checked_in" if ci.admitted else "refused_entry"
            writer.writerow(
                [
                    b.queue_number,
                    b.code,
                    _csv_cell(b.holder_name),
                    b.masked_nik,
                    status,
                    self._local(ci.at) if ci else "",
                    f"{ci.temperature:.1f}" if ci else "",
                ]
            )
        filename = f"antrean-{service}-{day.isoformat()}.csv"
        return web.Response(
            text=out.getvalue(),
            content_type="text/csv",
            charset="utf-8",
            headers={
                **SECURITY_HEADERS,
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )

    # -- reviews -------------------------------------------------------------------------------

    def _form_title(self, form_id: str, lang: Lang) -> str:
        form = self._app.catalogue.get(form_id)
        return form.title.get(lang) if form is not None else form_id

    def _status_text(self, status: str, lang: Lang) -> str:
        return _named(f"status_{status}", lang, default=status)

    def _more(self, request: web.Request, shown: int, total: int) -> str:
        """The note under a list that shows only the oldest ``shown`` of ``total``, or ``""``."""
        if total <= shown:
            return ""
        return self._text(request, "list_truncated").format(shown=shown, total=total)

    async def reviews(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/reviews``: submissions waiting for a decision, oldest first."""
        lang = request_lang(request)
        ip = self._ip(request)

        def load() -> tuple[list[SubmissionInfo], int]:
            with self._db.session():
                pending = self._desk.pending_submissions(limit=LIST_LIMIT)
                total = self._desk.pending_count() if len(pending) >= LIST_LIMIT else len(pending)
                self._write_audit(
                    ip,
                    signed.staff,
                    "view",
                    "submission",
                    "pending",
                    detail=f"{len(pending)} listed",
                )
            return pending, total

        pending, total = await asyncio.to_thread(load)
        return self._render(
            request,
            "staff_reviews.html",
            signed,
            title=self._text(request, "reviews_title"),
            more=self._more(request, len(pending), total),
            items=[
                {
                    "reference": s.reference,
                    "form": self._form_title(s.form_id, lang),
                    "name": _holder(s.answers),
                    "received": self._local(s.created_at),
                    "status": self._status_text(s.status, lang),
                }
                for s in pending
            ],
        )

    async def review(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/reviews/{reference}``: answers and files; opening it marks it in review."""
        lang = request_lang(request)
        reference = request.match_info["reference"]
        ip = self._ip(request)

        def load() -> tuple[SubmissionInfo | None, bool, FamilyCardRecord | None]:
            started = False
            with self._db.session():
                sub = self._desk.submission(reference)
                if sub is None:
                    return None, False, None
                if sub.status == "received" and self._desk.set_status(
                    reference, "in_review", at=self._now(), only_from=("received",)
                ):
                    sub = replace(sub, status="in_review")
                    started = True
                kk = self._desk.family_card(reference) if sub.form_id in FAMILY_CARD_FORMS else None
                self._write_audit(ip, signed.staff, "view", "submission", reference)
            return sub, started, kk

        sub, started, kk = await asyncio.to_thread(load)
        if sub is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        if started:
            citizen_lang = parse_lang(sub.lang)
            title = html.escape(self._form_title(sub.form_id, citizen_lang))
            notice = (
                TO_CITIZEN["in_review"].get(citizen_lang).format(reference=reference, form=title)
            )
            await self._tell(sub.chat_ref, Reply(notice), "in-review notice")
        summary = sub.answers.get("_summary")
        rows = (
            [(str(row[0]), str(row[1])) for row in summary if len(row) >= 2]
            if isinstance(summary, list)
            else [
                (k, str(v))
                for k, v in sub.answers.items()
                if not k.startswith("_") and not isinstance(v, dict | list)
            ]
        )
        return self._render(
            request,
            "staff_review.html",
            signed,
            title=f"{sub.reference} — {self._form_title(sub.form_id, lang)}",
            sub=sub,
            form_title=self._form_title(sub.form_id, lang),
            rows=rows,
            files=uploaded_files(sub.answers),
            received=self._local(sub.created_at),
            status_text=self._status_text(sub.status, lang),
            open_for_decision=sub.status in REVIEWABLE,
            kk_form=sub.form_id in FAMILY_CARD_FORMS,
            kk_done=(
                self._text(request, "kk_done", who=kk.staff_username, at=self._local(kk.updated_at))
                if kk is not None
                else None
            ),
        )

    async def review_file(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/reviews/{reference}/files/{path}``: an uploaded file, to staff only."""
        reference = request.match_info["reference"]
        path = request.match_info["path"]
        ip = self._ip(request)

        def load() -> tuple[UploadedFile, bytes] | None:
            with self._db.session():
                sub = self._desk.submission(reference)
                if sub is None:
                    return None
                found = next((f for f in uploaded_files(sub.answers) if f.path == path), None)
                if found is None:
                    return None
                try:
                    data = self._app.files.get(found.ref)
                except StorageError:
                    return None
                self._write_audit(
                    ip, signed.staff, "view", "file", f"{reference}/{path}", detail=found.mime
                )
            return found, data

        loaded = await asyncio.to_thread(load)
        if loaded is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        found, data = loaded
        mime = found.mime if _MIME.match(found.mime) else "application/octet-stream"
        inline = mime.startswith("image/") or mime == "application/pdf"
        filename = _FILENAME.sub("_", found.name)[:80] or "berkas"
        headers = dict(FILE_HEADERS if mime != "application/pdf" else SECURITY_HEADERS)
        headers["Content-Disposition"] = (
            f'{"inline" if inline else "attachment"}; filename="{filename}"'
        )
        return web.Response(body=data, content_type=mime, headers=headers)

    async def approve(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``.../approve``: approved, the document is queued for issuing (status
        ``issued``) in the same unit of work, and the citizen is told."""
        del form
        today = self._today()

        def kk_missing(sub: SubmissionInfo) -> str | None:
            """A KK change is approved only with its new KK's data complete."""
            if sub.form_id not in FAMILY_CARD_FORMS:
                return None
            saved = self._desk.family_card(sub.reference)
            if saved is None:
                return self._text(request, "kk_needed")
            try:
                parse_family_card(saved.data, area=self._area(), today=today)
            except FamilyCardInvalid:
                return self._text(request, "kk_invalid")
            return None

        def issue(reference: str, now: datetime) -> str:
            kind = self._app.documents.queue_for_reference(reference)
            self._desk.set_status(reference, "issued", at=now, only_from=("approved",))
            return f"{kind} queued"

        return await self._decide(
            request, signed, "approved", reason=None, then=issue, refuse=kk_missing
        )

    async def reject(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``.../reject``: rejected with a reason, which is kept and sent to the citizen."""
        reason = " ".join(str(form.get("reason") or "").split())
        if not 3 <= len(reason) <= 500:
            lang = request_lang(request)
            back = self._url(lang, f"/staff/reviews/{request.match_info['reference']}")
            return await self._done(
                request, signed, back, self._text(request, "reason_needed"), ok=False
            )
        return await self._decide(request, signed, "rejected", reason=reason, then=None)

    async def _decide(
        self,
        request: web.Request,
        signed: SignedIn,
        decision: str,
        *,
        reason: str | None,
        then: Callable[[str, datetime], str] | None,
        refuse: Callable[[SubmissionInfo], str | None] | None = None,
    ) -> web.StreamResponse:
        """Record staff's decision on a reviewable submission (with ``then`` in the same unit
        of work), audit it, and tell the citizen. ``refuse`` may stop it first (in the same
        unit of work) with the notice it returns: nothing changes and the citizen is not told."""
        lang = request_lang(request)
        reference = request.match_info["reference"]
        back = self._url(lang, f"/staff/reviews/{reference}")
        ip = self._ip(request)
        action = "approve" if decision == "approved" else "reject"
        refusal: str | None = None

        def decide() -> tuple[SubmissionInfo | None, bool]:
            nonlocal refusal
            with self._db.session():
                sub = self._desk.submission(reference)
                if sub is None:
                    return None, False
                if refuse is not None and sub.status in REVIEWABLE:
                    refusal = refuse(sub)
                    if refusal is not None:
                        return sub, False
                now = self._now()
                if not self._desk.set_status(reference, decision, at=now, only_from=REVIEWABLE):
                    return sub, False
                self._desk.record_decision(
                    reference,
                    decision=decision,
                    reason=reason,
                    staff_username=signed.staff.username,
                    at=now,
                )
                detail = then(reference, now) if then is not None else None
                self._write_audit(ip, signed.staff, action, "submission", reference, detail=detail)
            return sub, True

        sub, decided = await asyncio.to_thread(decide)
        if sub is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        if refusal is not None:
            return await self._done(request, signed, back, refusal, ok=False)
        if not decided:
            text = self._text(request, "decided", status=self._status_text(sub.status, lang))
            return await self._done(request, signed, back, text, ok=False)
        log.info("submission %s %s by %s", reference, decision, signed.staff.username)
        citizen_lang = parse_lang(sub.lang)
        message = (
            TO_CITIZEN[decision]
            .get(citizen_lang)
            .format(
                reference=reference,
                form=html.escape(self._form_title(sub.form_id, citizen_lang)),
                reason=html.escape(reason or ""),
            )
        )
        sent = await self._tell(sub.chat_ref, Reply(message), f"{decision} notice")
        text = self._text(request, f"{decision}_flash", reference=reference)
        if not sent:
            text += self._text(request, "citizen_unreached")
        return await self._done(request, signed, self._url(lang, "/staff/reviews"), text, ok=sent)

    # -- the new KK of a KK change -------------------------------------------------------------

    def _area(self) -> Area:
        """What the address part of a KK from this office may say."""
        return Area.of(self._app.office)

    def _kk_field(
        self,
        request: web.Request,
        key: str,
        name: str,
        *,
        draft: Draft,
        errors: Mapping[str, str],
        area: Area,
    ) -> dict[str, Any]:
        """One input of the KK form: its label, value, error and how it is entered."""
        field: dict[str, Any] = {
            "key": key,
            "id": "f-" + key.replace(".", "-"),
            "label": self._text(request, f"kk_f_{name}"),
            "value": draft.get(key, ""),
            "error": errors.get(key),
            "kind": "text",
            "numeric": name in _NUMERIC_FIELDS,
            "optional": name in _OPTIONAL_FIELDS,
            "wide": name in _WIDE_FIELDS,
            "list": "occupations" if name == "occupation" else None,
            "placeholder": "dd-mm-yyyy" if name.endswith("_date") else "",
        }
        if name in CHOICES:
            field["kind"] = "select"
            field["options"] = [(v, SEX_NAMES[v] if name == "sex" else v) for v in CHOICES[name]]
        elif name == "kecamatan":
            field["kind"] = "select"
            field["options"] = [(d.name, d.name) for d in area.districts]
        elif name == "kelurahan":
            field["kind"] = "grouped"
            field["groups"] = [(d.name, [(k, k) for k in d.kelurahan]) for d in area.districts]
        return field

    def _kk_page(
        self,
        request: web.Request,
        signed: SignedIn,
        sub: SubmissionInfo,
        draft: Draft,
        *,
        saved: FamilyCardRecord | None,
        errors: Mapping[str, Text] | None = None,
        unsaved: bool = False,
        status: int = 200,
    ) -> web.Response:
        """The KK form with ``draft`` in it and each error next to its field."""
        lang = request_lang(request)
        shown = {k: v.get(lang) for k, v in (errors or {}).items()}
        area = self._area()
        card = [
            self._kk_field(request, k, k, draft=draft, errors=shown, area=area) for k in CARD_FIELDS
        ]
        members: list[dict[str, Any]] = []
        for i in range(member_count(draft)):
            fields = [
                self._kk_field(request, member_key(i, n), n, draft=draft, errors=shown, area=area)
                for n in MEMBER_FIELDS
            ]
            members.append(
                {
                    "index": i,
                    "n": i + 1,
                    "name": draft.get(member_key(i, "name"), ""),
                    "fields": fields,
                }
            )
        summary = []
        for field in card:
            if field["error"]:
                summary.append((field["id"], field["label"], field["error"]))
        if shown.get(MEMBERS):
            summary.append(("members", self._text(request, "kk_members"), shown[MEMBERS]))
        for member in members:
            for field in member["fields"]:
                if field["error"]:
                    label = self._text(
                        request, "kk_member_field", n=member["n"], label=field["label"]
                    )
                    summary.append((field["id"], label, field["error"]))
        return self._render(
            request,
            "staff_family_card.html",
            signed,
            status=status,
            title=self._text(request, "kk_title", reference=sub.reference),
            sub=sub,
            form_title=self._form_title(sub.form_id, lang),
            editable=sub.status in REVIEWABLE,
            saved_by=(
                self._text(
                    request,
                    "kk_saved_by",
                    who=saved.staff_username,
                    at=self._local(saved.updated_at),
                )
                if saved is not None
                else None
            ),
            unsaved=unsaved,
            summary=summary,
            members_error=shown.get(MEMBERS),
            card=card,
            members=members,
            occupations=OCCUPATION_SUGGESTIONS,
        )

    def _kk_submission(self, reference: str) -> SubmissionInfo | None:
        """The submission if it is a KK change whose data has not been erased."""
        sub = self._desk.submission(reference)
        if sub is None or sub.form_id not in FAMILY_CARD_FORMS or sub.status in DATA_GONE:
            return None
        return sub

    async def family_card(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/reviews/{reference}/kk``: the new KK's data, as saved or prefilled from
        the citizen's answers, to complete from SIAK."""
        reference = request.match_info["reference"]
        ip = self._ip(request)

        def load() -> tuple[SubmissionInfo | None, FamilyCardRecord | None]:
            with self._db.session():
                sub = self._kk_submission(reference)
                if sub is None:
                    return None, None
                saved = self._desk.family_card(reference)
                detail = "saved data" if saved is not None else "prefilled from the answers"
                self._write_audit(ip, signed.staff, "view", "family_card", reference, detail=detail)
            return sub, saved

        sub, saved = await asyncio.to_thread(load)
        if sub is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        draft = (
            dict(saved.data)
            if saved is not None
            else prefill(sub.answers, area=self._area(), today=self._today())
        )
        return self._kk_page(request, signed, sub, draft, saved=saved)

    async def family_card_save(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/reviews/{reference}/kk``: save the KK data when it is valid, else show
        the form again with everything typed and each error next to its field. The buttons
        that add, remove or move a member row change the form only (nothing is saved)."""
        lang = request_lang(request)
        reference = request.match_info["reference"]
        back = self._url(lang, f"/staff/reviews/{reference}")
        ip = self._ip(request)
        draft = draft_from_form(form)
        action = str(form.get("action") or "save")
        verb, _, number = action.partition(":")
        index = int(number) if number.isdigit() else -1

        def load() -> tuple[SubmissionInfo | None, FamilyCardRecord | None]:
            with self._db.session():
                sub = self._kk_submission(reference)
                return sub, self._desk.family_card(reference) if sub is not None else None

        sub, saved = await asyncio.to_thread(load)
        if sub is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        if sub.status not in REVIEWABLE:
            return await self._done(
                request, signed, back, self._text(request, "kk_read_only"), ok=False
            )
        if verb in {"add", "remove", "up"}:
            if verb == "add":
                draft = add_member(draft)
            elif verb == "remove":
                draft = remove_member(draft, index)
            else:
                draft = move_member_up(draft, index)
            return self._kk_page(request, signed, sub, draft, saved=saved, unsaved=True)
        try:
            card = parse_family_card(draft, area=self._area(), today=self._today())
        except FamilyCardInvalid as exc:
            return self._kk_page(
                request, signed, sub, draft, saved=saved, errors=exc.errors, status=422
            )

        def store() -> bool:
            with self._db.session():
                current = self._desk.submission(reference)
                if current is None or current.status not in REVIEWABLE:
                    return False
                self._desk.save_family_card(
                    reference, draft_of(card), staff_username=signed.staff.username, at=self._now()
                )
                self._write_audit(
                    ip,
                    signed.staff,
                    "edit",
                    "family_card",
                    reference,
                    detail=f"{len(card.members)} members",
                )
            return True

        if not await asyncio.to_thread(store):
            return await self._done(
                request, signed, back, self._text(request, "kk_read_only"), ok=False
            )
        log.info("KK data of %s saved by %s", reference, signed.staff.username)
        text = self._text(request, "kk_saved_flash", reference=reference)
        return await self._done(request, signed, back, text)

    # -- hand-off tickets ----------------------------------------------------------------------

    def _ticket_reason(self, ticket: TicketInfo, lang: Lang) -> str:
        return _named(f"reason_{ticket.reason}", lang, default=ticket.reason)

    async def tickets(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/tickets``: open hand-offs, oldest first."""
        lang = request_lang(request)
        ip = self._ip(request)

        def load() -> tuple[list[TicketInfo], int]:
            with self._db.session():
                found = self._desk.open_tickets(limit=LIST_LIMIT)
                total = self._desk.open_ticket_count() if len(found) >= LIST_LIMIT else len(found)
                self._write_audit(
                    ip, signed.staff, "view", "ticket", "open", detail=f"{len(found)} listed"
                )
            return found, total

        found, total = await asyncio.to_thread(load)
        return self._render(
            request,
            "staff_tickets.html",
            signed,
            title=self._text(request, "tickets_title"),
            more=self._more(request, len(found), total),
            items=[
                {
                    "id": t.id,
                    "opened": self._local(t.opened_at),
                    "form": self._form_title(t.form_id, lang) if t.form_id else "-",
                    "question": _question_of(t),
                    "reason": self._ticket_reason(t, lang),
                    "messages": t.message_count,
                    "channel": t.chat_ref.partition(":")[0],
                }
                for t in found
            ],
        )

    async def ticket(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/tickets/{id}``: the conversation, where the citizen was, reply and close."""
        lang = request_lang(request)
        ticket_id = int(request.match_info["ticket_id"])
        ip = self._ip(request)

        def load() -> TicketInfo | None:
            with self._db.session():
                found = self._desk.ticket(ticket_id)
                if found is not None:
                    self._write_audit(ip, signed.staff, "view", "ticket", str(ticket_id))
            return found

        found = await asyncio.to_thread(load)
        if found is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        answers = found.context.get("answers")
        answer_rows = (
            [(str(r[0]), str(r[1])) for r in answers if isinstance(r, list | tuple) and len(r) >= 2]
            if isinstance(answers, list)
            else []
        )
        context = [
            (str(k), _plain(v))
            for k, v in found.context.items()
            if k not in _SHOWN_CONTEXT and v not in (None, "", [], {})
        ]
        return self._render(
            request,
            "staff_ticket.html",
            signed,
            title=f"{self._text(request, 'ticket')} {found.id}",
            ticket=found,
            form_title=self._form_title(found.form_id, lang) if found.form_id else "-",
            reason=self._ticket_reason(found, lang),
            opened=self._local(found.opened_at),
            question=_question_of(found),
            answer_rows=answer_rows,
            context=context,
            lines=[
                {
                    "staff": m.sender == "staff",
                    "who": m.staff_name if m.sender == "staff" and m.staff_name else None,
                    "text": m.text,
                    "at": self._local(m.created_at),
                }
                for m in found.messages
            ],
        )

    async def ticket_reply(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/tickets/{id}/reply``: kept in the ticket and sent as "Petugas: ..."."""
        lang = request_lang(request)
        ticket_id = int(request.match_info["ticket_id"])
        back = self._url(lang, f"/staff/tickets/{ticket_id}")
        text = str(form.get("text") or "").strip()
        if not 1 <= len(text) <= 2000:
            return await self._done(
                request, signed, back, self._text(request, "reply_needed"), ok=False
            )
        ip = self._ip(request)

        def store() -> TicketInfo | None:
            with self._db.session():
                found = self._desk.ticket(ticket_id)
                if found is None or found.status != "open":
                    return found
                self._desk.add_staff_message(
                    ticket_id, staff_name=signed.staff.full_name, text=text, at=self._now()
                )
                self._write_audit(
                    ip,
                    signed.staff,
                    "reply",
                    "ticket",
                    str(ticket_id),
                    detail=f"{len(text)} characters",
                )
            return found

        found = await asyncio.to_thread(store)
        if found is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        if found.status != "open":
            return await self._done(
                request, signed, back, self._text(request, "ticket_closed"), ok=False
            )
        citizen_lang = await asyncio.to_thread(self._citizen_lang, found.chat_ref)
        message = TO_CITIZEN["staff_says"].get(citizen_lang).format(text=html.escape(text))
        sent = await self._tell(found.chat_ref, Reply(message), "staff reply")
        await self._to_topic(found, f"🖥️ {signed.staff.full_name}: {html.escape(text)}")
        key = "reply_sent" if sent else "reply_unsent"
        return await self._done(request, signed, back, self._text(request, key), ok=sent)

    async def ticket_close(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/tickets/{id}/close``: the hand-off is over; like a close in the staff
        group, the citizen's chat goes back to the form at the question where it stopped."""
        del form
        lang = request_lang(request)
        ticket_id = int(request.match_info["ticket_id"])
        ip = self._ip(request)
        name = signed.staff.full_name

        def close() -> tuple[TicketInfo | None, bool]:
            with self._db.session():
                found = self._desk.ticket(ticket_id)
                if found is None:
                    return None, False
                closed = self._desk.close_ticket(
                    ticket_id, staff_name=f"staff:{name}", at=self._now()
                )
                if closed:
                    self._write_audit(ip, signed.staff, "close", "ticket", str(ticket_id))
            return found, closed

        found, closed = await asyncio.to_thread(close)
        if found is None:
            return self._error(request, signed, 404, self._text(request, "not_found"))
        if closed:
            await self._resume_citizen(found)
            await self._to_topic(found, f"Tiket #{ticket_id} ditutup oleh {html.escape(name)}.")
        text = self._text(request, "closed_flash", id=ticket_id)
        return await self._done(request, signed, self._url(lang, "/staff/tickets"), text)

    async def _resume_citizen(self, ticket: TicketInfo) -> None:
        """After a close: the dialog takes the citizen back to the form (or says it ended)."""
        channel, _, chat_id = ticket.chat_ref.partition(":")
        try:
            replies = await asyncio.to_thread(
                self._app.dialog.handle, ChatKey(channel, chat_id), HandoffEnded()
            )
        except Exception as exc:  # the close stands; the citizen's next message resumes the form
            log.warning("resuming the form after ticket %d failed: %s", ticket.id, exc)
            return
        for reply in replies:
            if not await self._tell(ticket.chat_ref, reply, "hand-off end"):
                return

    async def _to_topic(self, ticket: TicketInfo, text: str) -> None:
        """Mirror into the ticket's topic of the staff group, when there is one."""
        channel = self._app.handoff.staff
        if channel is None or ticket.topic_id is None:
            return
        try:
            await channel.post(ticket.topic_id, text)
        except Exception as exc:  # the staff group is a mirror; the web page is the record
            log.warning("ticket %d: staff topic not updated: %s", ticket.id, type(exc).__name__)

    # -- quotas and closed days ----------------------------------------------------------------

    async def days(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/days``: places of the coming working days; change, close, reopen."""
        lang = request_lang(request)
        service = self._service(request)
        today = self._today()
        listed = self._upcoming(today, self._app.booking.policy.window_working_days)
        extra = self._parse_day(request.query.get("day"))
        if extra is not None and extra not in listed:
            listed = sorted([*listed, extra])
        booking = self._app.booking
        avail = await asyncio.to_thread(booking.days_availability, service, listed)
        return self._render(
            request,
            "staff_days.html",
            signed,
            title=self._text(request, "days_title"),
            services=booking.policy.services,
            service=service,
            days=[
                {
                    "day": a.day.isoformat(),
                    "label": format_date(a.day, lang, weekday=True),
                    "quota": a.quota,
                    "booked": a.booked,
                    "left": a.left,
                    "closed": a.closed,
                    "reason": a.closed_reason or "",
                    "sessions": [(s.name, s.quota, s.booked) for s in a.sessions],
                }
                for a in avail
            ],
        )

    async def _day_change(
        self,
        request: web.Request,
        signed: SignedIn,
        form: MultiDictProxy[Any],
        change: Callable[[str, date, str], str],
    ) -> web.StreamResponse:
        """Run ``change(service, day, ip)`` (returns the notice); booking errors become notices."""
        lang = request_lang(request)
        service = self._service(request, form)
        day = self._parse_day(request.match_info["day"])
        back = self._url(lang, "/staff/days", service=service)
        if day is None:
            return await self._done(request, signed, back, self._text(request, "bad_day"), ok=False)
        back = self._url(lang, "/staff/days", service=service, day=day.isoformat())
        try:
            text = await asyncio.to_thread(change, service, day, self._ip(request))
        except QuotaBelowBooked as exc:
            text = self._text(request, "quota_below", booked=exc.booked)
            return await self._done(request, signed, back, text, ok=False)
        except (BookingError, ValueError) as exc:
            text = self._text(request, "booking_error", error=str(exc))
            return await self._done(request, signed, back, text, ok=False)
        return await self._done(request, signed, back, text)

    async def day_quota(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/days/{day}/quota``: the day's places (never below those booked)."""
        lang = request_lang(request)
        raw = str(form.get("quota") or "").strip()
        if not raw.isdigit() or int(raw) > 10_000:
            service = self._service(request, form)
            back = self._url(lang, "/staff/days", service=service)
            return await self._done(
                request, signed, back, self._text(request, "bad_quota"), ok=False
            )
        quota = int(raw)

        def change(service: str, day: date, ip: str) -> str:
            with self._db.session():
                avail = self._app.booking.set_quota(service, day, quota, now=self._now())
                self._write_audit(
                    ip,
                    signed.staff,
                    "quota",
                    "day",
                    f"{service}/{day.isoformat()}",
                    detail=f"{quota}",
                )
            return self._text(
                request,
                "quota_saved",
                day=format_date(day, lang, weekday=True),
                quota=avail.quota,
                booked=avail.booked,
            )

        return await self._day_change(request, signed, form, change)

    async def day_close(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/days/{day}/close``: no more bookings; booked citizens are told (through
        the outbox, in the same unit of work) and offered another day."""
        lang = request_lang(request)
        reason = " ".join(str(form.get("reason") or "").split())
        if not 3 <= len(reason) <= 200:
            service = self._service(request, form)
            back = self._url(lang, "/staff/days", service=service)
            text = self._text(request, "close_reason_needed")
            return await self._done(request, signed, back, text, ok=False)

        def change(service: str, day: date, ip: str) -> str:
            with self._db.session():
                closed = self._app.booking.close_day(service, day, reason, now=self._now())
                self._app.followup.queue_closure_notices(closed, reason)
                self._write_audit(
                    ip,
                    signed.staff,
                    "close",
                    "day",
                    f"{service}/{day.isoformat()}",
                    detail=f"{len(closed)} bookings closed: {reason}",
                )
            return self._text(
                request,
                "day_closed_flash",
                day=format_date(day, lang, weekday=True),
                count=len(closed),
            )

        return await self._day_change(request, signed, form, change)

    async def day_reopen(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/days/{day}/reopen``: bookable again (closed bookings stay closed)."""
        lang = request_lang(request)

        def change(service: str, day: date, ip: str) -> str:
            with self._db.session():
                self._app.booking.reopen_day(service, day, now=self._now())
                self._write_audit(ip, signed.staff, "reopen", "day", f"{service}/{day.isoformat()}")
            return self._text(request, "day_reopened", day=format_date(day, lang, weekday=True))

        return await self._day_change(request, signed, form, change)

    # -- audit log -----------------------------------------------------------------------------

    async def audit(self, request: web.Request, signed: SignedIn) -> web.StreamResponse:
        """GET ``/staff/audit`` (admins): who saw or changed what, newest first."""
        raw = request.query.get("before", "")
        before = int(raw) if raw.isdigit() else None
        ip = self._ip(request)

        def load() -> list[Any]:
            with self._db.session():
                rows = self._audit.entries(limit=AUDIT_PAGE, before=before)
                self._write_audit(ip, signed.staff, "view", "audit", "log")
            return rows

        rows = await asyncio.to_thread(load)
        return self._render(
            request,
            "staff_audit.html",
            signed,
            title=self._text(request, "audit_title"),
            rows=[{**_row_dict(r), "at": self._local(r.at)} for r in rows],
            older=rows[-1].id if len(rows) == AUDIT_PAGE else None,
        )


def _question_of(ticket: TicketInfo) -> str:
    """Where the citizen was: the question's label from the context, else its id."""
    label = ticket.context.get("question")
    return str(label or ticket.question or "-")


def _named(key: str, lang: Lang, *, default: str) -> str:
    """The page text ``key`` in ``lang``, or ``default`` when there is none."""
    text = PAGE.get(key)
    return text.get(lang) if text else default


def _row_dict(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__slots__}


def _plain(value: Any) -> str:
    """A context value (answers so far, lists) as one readable line."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)

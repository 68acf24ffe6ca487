"""What the staff pages keep and read: accounts and their sessions, sign-in throttling, the audit
trail, door check-ins, review decisions on submissions, the KK data staff complete for a KK
change, and hand-off tickets.

Every method is one unit of work, or joins the caller's (``Database.session`` nests), so a change
and its audit row commit together. Times are passed in (``at``, ``now``) so the web layer's clock
decides, and tests can move it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.errors import StorageError
from storage.models import as_utc, utcnow
from storage.tables import (
    ACCOUNTS,
    ATTEMPTS,
    AUDIT,
    CHECKINS,
    FAMILY_CARDS,
    MESSAGES,
    REVIEWS,
    SESSIONS,
    SUBMISSIONS,
    TICKETS,
)

MIN_PASSWORD_LENGTH: Final = 10
MAX_PASSWORD_LENGTH: Final = 1024
"""Longer input is refused before hashing (hashing megabytes is a cheap denial of service)."""
MAX_FAILURES: Final = 5
FAILURE_WINDOW: Final = timedelta(minutes=15)
LOCKOUT: Final = timedelta(minutes=15)
ATTEMPTS_KEPT: Final = timedelta(days=1)
REVIEWABLE: Final = ("received", "in_review")
"""Submission statuses that wait for a decision of staff."""


class StaffError(StorageError):
    """Root of the staff store's own errors."""


class UsernameTaken(StaffError, ValueError):  # noqa: N818 - reads as "UsernameTaken"
    """An account with that username exists already."""


class WeakPassword(StaffError, ValueError):  # noqa: N818 - reads as "WeakPassword"
    """The password is too short (or absurdly long)."""


class AlreadyAdmitted(StaffError):  # noqa: N818 - reads as "AlreadyAdmitted"
    """The booking was already let in at the door."""


def normalise_username(username: str) -> str:
    """Usernames are compared without case and surrounding spaces."""
    return username.strip().lower()


def hash_token(token: str) -> str:
    """The SHA-256 (hex) of a session cookie value: what the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


def lockout_until(
    attempts: Iterable[tuple[datetime, bool]],
    *,
    max_failures: int = MAX_FAILURES,
    window: timedelta = FAILURE_WINDOW,
    lockout: timedelta = LOCKOUT,
) -> datetime | None:
    """When sign-in opens again after ``max_failures`` failures within ``window`` (``None``:
    not locked). A success clears the failures before it. ``attempts`` are (time, ok) pairs."""
    failures: list[datetime] = []
    until: datetime | None = None
    for at, ok in sorted(attempts, key=lambda a: a[0]):
        if ok:
            failures.clear()
            until = None
            continue
        failures.append(at)
        if len(failures) >= max_failures and at - failures[-max_failures] <= window:
            until = at + lockout
    return until


@dataclass(frozen=True, slots=True)
class Staff:
    """A signed-in member of staff."""

    id: int
    username: str
    full_name: str
    is_admin: bool


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: whose it is, its CSRF token, and a notice left for this page."""

    session_id: int
    staff: Staff
    csrf_token: str
    expires_at: datetime
    flash: str | None


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One line of the audit trail."""

    id: int
    at: datetime
    staff_username: str
    action: str
    record_type: str
    record: str
    detail: str | None
    ip: str | None


@dataclass(frozen=True, slots=True)
class CheckInInfo:
    """The latest check-in of a booking."""

    booking_code: str
    temperature: float
    admitted: bool
    staff_username: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SubmissionInfo:
    """A submission as staff see it (its answers are personal data: audit every view)."""

    reference: str
    form_id: str
    chat_ref: str
    lang: str
    status: str
    answers: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    decision_reason: str | None = None


@dataclass(frozen=True, slots=True)
class FamilyCardRecord:
    """The KK data staff saved for a submission (personal data: audit every view)."""

    reference: str
    data: dict[str, str]
    """The draft of ``bot.family_card``: field key → text."""
    staff_username: str
    """Who saved it last."""
    updated_at: datetime


def load_family_card(conn: Connection, reference: str) -> FamilyCardRecord | None:
    """The KK data saved for ``reference``, read on ``conn`` (the caller's unit of work)."""
    row = conn.execute(select(FAMILY_CARDS).where(FAMILY_CARDS.c.reference == reference)).first()
    if row is None:
        return None
    return FamilyCardRecord(
        reference=row.reference,
        data={str(k): str(v) for k, v in dict(row.data).items()},
        staff_username=row.staff_username,
        updated_at=as_utc(row.updated_at),
    )


@dataclass(frozen=True, slots=True)
class TicketInfo:
    """A hand-off ticket and, when read alone, its messages."""

    id: int
    chat_ref: str
    form_id: str | None
    question: str | None
    reason: str
    status: str
    context: dict[str, Any]
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    topic_id: int | None = None
    """The ticket's forum topic in the staff group, if one was opened."""
    message_count: int = 0
    messages: tuple[TicketLine, ...] = ()


@dataclass(frozen=True, slots=True)
class TicketLine:
    """One message of a ticket."""

    sender: str
    staff_name: str | None
    text: str
    created_at: datetime


class Passwords:
    """Argon2id password hashing (argon2-cffi's defaults, RFC 9106's second recommendation)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    @staticmethod
    def check_policy(password: str) -> None:
        """Raise ``WeakPassword`` unless ``password`` has 10 to 1024 characters."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        if len(password) > MAX_PASSWORD_LENGTH:
            raise WeakPassword(f"a password has at most {MAX_PASSWORD_LENGTH} characters")

    def hash(self, password: str) -> str:
        """The encoded hash to store."""
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches ``stored``."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with older parameters."""
        return self._hasher.check_needs_rehash(stored)

    def waste_time(self, password: str) -> None:
        """Verify against a throw-away hash, so an unknown username takes as long as a known one."""
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
        self.verify(self._dummy, password)


def _staff(row: Any) -> Staff:
    return Staff(
        id=row.id, username=row.username, full_name=row.full_name, is_admin=bool(row.is_admin)
    )


class StaffAccounts:
    """Accounts, sessions and sign-in throttling on one database."""

    def __init__(self, db: Database, passwords: Passwords | None = None) -> None:
        self._db = db
        self._passwords = passwords or Passwords()

    # -- accounts ------------------------------------------------------------------------------

    def add(self, username: str, full_name: str, password: str, *, admin: bool = False) -> Staff:
        """Create an account; raises ``UsernameTaken``, ``WeakPassword`` or ``ValueError``."""
        name = normalise_username(username)
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise ValueError("a username has 1 to 64 characters and no spaces")
        full = " ".join(full_name.split())
        if not full or len(full) > 120:
            raise ValueError("a full name has 1 to 120 characters")
        self._passwords.check_policy(password)
        hashed = self._passwords.hash(password)
        try:
            with self._db.session() as session:
                conn = session.connection()
                if conn.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.username == name)).first():
                    raise UsernameTaken(f"username {name!r} is taken")
                with conn.begin_nested():
                    new_id = conn.execute(
                        insert(ACCOUNTS)
                        .values(
                            username=name,
                            full_name=full,
                            password_hash=hashed,
                            is_admin=admin,
                            active=True,
                            created_at=utcnow(),
                        )
                        .returning(ACCOUNTS.c.id)
                    ).scalar_one()
        except StorageError as exc:
            if isinstance(exc, UsernameTaken) or isinstance(exc.__cause__, IntegrityError):
                raise UsernameTaken(f"username {name!r} is taken") from exc
            raise
        return Staff(id=int(new_id), username=name, full_name=full, is_admin=admin)

    def accounts(self) -> list[tuple[Staff, bool]]:
        """Every account with whether it is active, by username."""
        with self._db.session() as session:
            rows = session.connection().execute(select(ACCOUNTS).order_by(ACCOUNTS.c.username))
            return [(_staff(row), bool(row.active)) for row in rows]

    def set_password(self, username: str, password: str) -> Staff:
        """A new password (checked against the policy); the account's sessions end. Raises
        ``LookupError`` for an unknown username, ``WeakPassword`` for a weak password."""
        self._passwords.check_policy(password)
        hashed = self._passwords.hash(password)
        return self._change(username, password_hash=hashed)

    def set_active(self, username: str, *, active: bool) -> Staff:
        """Enable or disable an account; disabling ends its sessions at once (the account stays
        for the audit log). Raises ``LookupError`` for an unknown username."""
        return self._change(username, active=active)

    def _change(self, username: str, **values: Any) -> Staff:
        name = normalise_username(username)
        with self._db.session() as session:
            conn = session.connection()
            row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.username == name)).first()
            if row is None:
                raise LookupError(f"no staff account {name!r}")
            conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == row.id).values(**values))
            conn.execute(delete(SESSIONS).where(SESSIONS.c.staff_id == row.id))
        return _staff(row)

    def authenticate(self, username: str, password: str, *, at: datetime) -> Staff | None:
        """The active account ``username`` if ``password`` is its password, else ``None``.

        An unknown username costs a hash verification too (no timing hint).
        """
        name = normalise_username(username)
        with self._db.session() as session:
            row = (
                session.connection()
                .execute(
                    select(ACCOUNTS).where(ACCOUNTS.c.username == name, ACCOUNTS.c.active.is_(True))
                )
                .first()
            )
        if row is None:
            self._passwords.waste_time(password)
            return None
        if not self._passwords.verify(row.password_hash, password):
            return None
        values: dict[str, Any] = {"last_signin_at": at}
        if self._passwords.needs_rehash(row.password_hash):
            values["password_hash"] = self._passwords.hash(password)
        with self._db.session() as session:
            session.connection().execute(
                update(ACCOUNTS).where(ACCOUNTS.c.id == row.id).values(**values)
            )
        return _staff(row)

    # -- throttling ----------------------------------------------------------------------------

    def record_attempt(self, username: str, ip: str, *, ok: bool, at: datetime) -> None:
        """Note a sign-in attempt (attempts older than a day are dropped here too)."""
        with self._db.session() as session:
            conn = session.connection()
            conn.execute(delete(ATTEMPTS).where(ATTEMPTS.c.at < at - ATTEMPTS_KEPT))
            conn.execute(
                insert(ATTEMPTS).values(
                    username=normalise_username(username)[:64], ip=ip[:64], ok=ok, at=at
                )
            )

    def locked_until(self, username: str, ip: str, *, now: datetime) -> datetime | None:
        """Until when sign-ins for ``username`` or from ``ip`` are refused (``None``: allowed)."""
        since = now - FAILURE_WINDOW - LOCKOUT
        name = normalise_username(username)[:64]
        with self._db.session() as session:
            conn = session.connection()
            by_name = conn.execute(
                select(ATTEMPTS.c.at, ATTEMPTS.c.ok).where(
                    ATTEMPTS.c.username == name, ATTEMPTS.c.at >= since
                )
            ).all()
            by_ip = conn.execute(
                select(ATTEMPTS.c.at, ATTEMPTS.c.ok).where(
                    ATTEMPTS.c.ip == ip[:64], ATTEMPTS.c.at >= since
                )
            ).all()
        ends = [
            lockout_until((as_utc(r.at), bool(r.ok)) for r in rows) for rows in (by_name, by_ip)
        ]
        latest = max((e for e in ends if e is not None), default=None)
        return latest if latest is not None and latest > now else None

    # -- sessions ------------------------------------------------------------------------------

    def open_session(self, staff: Staff, *, now: datetime, lifetime: timedelta) -> str:
        """Start a session; returns the cookie value (256 random bits). Only its hash is kept."""
        token = secrets.token_urlsafe(32)
        with self._db.session() as session:
            conn = session.connection()
            conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now))
            conn.execute(
                insert(SESSIONS).values(
                    token_hash=hash_token(token),
                    staff_id=staff.id,
                    csrf_token=secrets.token_urlsafe(32),
                    flash=None,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return token

    def session(self, token: str, *, now: datetime, pop_flash: bool = False) -> SignedIn | None:
        """The live session of cookie value ``token`` (``None``: unknown, expired, or the account
        was disabled); with ``pop_flash`` its notice is handed over and cleared."""
        if not token or len(token) > 200:
            return None
        stmt = (
            select(SESSIONS, ACCOUNTS.c.username, ACCOUNTS.c.full_name, ACCOUNTS.c.is_admin)
            .join(ACCOUNTS, ACCOUNTS.c.id == SESSIONS.c.staff_id)
            .where(SESSIONS.c.token_hash == hash_token(token), ACCOUNTS.c.active.is_(True))
        )
        with self._db.session() as session:
            conn = session.connection()
            row = conn.execute(stmt).first()
            if row is None:
                return None
            if as_utc(row.expires_at) <= now:
                conn.execute(delete(SESSIONS).where(SESSIONS.c.id == row.id))
                return None
            if pop_flash and row.flash is not None:
                conn.execute(update(SESSIONS).where(SESSIONS.c.id == row.id).values(flash=None))
        return SignedIn(
            session_id=row.id,
            staff=Staff(
                id=row.staff_id,
                username=row.username,
                full_name=row.full_name,
                is_admin=bool(row.is_admin),
            ),
            csrf_token=row.csrf_token,
            expires_at=as_utc(row.expires_at),
            flash=row.flash if pop_flash else None,
        )

    def set_flash(self, session_id: int, flash: str | None) -> None:
        """Leave a notice for the next page of a session."""
        with self._db.session() as session:
            session.connection().execute(
                update(SESSIONS)
                .where(SESSIONS.c.id == session_id)
                .values(flash=flash[:1000] if flash else None)
            )

    def close_session(self, session_id: int) -> None:
        """Sign out: the session's cookie no longer works."""
        with self._db.session() as session:
            session.connection().execute(delete(SESSIONS).where(SESSIONS.c.id == session_id))


class AuditLog:
    """The audit trail: append and read."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write(
        self,
        *,
        staff: Staff | None,
        action: str,
        record_type: str,
        record: str,
        detail: str | None = None,
        ip: str | None = None,
        at: datetime,
        username: str | None = None,
    ) -> None:
        """Append one row (in the caller's unit of work when one is open)."""
        with self._db.session() as session:
            session.connection().execute(
                insert(AUDIT).values(
                    at=at,
                    staff_id=staff.id if staff else None,
                    staff_username=(staff.username if staff else username or "-")[:64],
                    action=action[:40],
                    record_type=record_type[:20],
                    record=record[:120],
                    detail=detail[:300] if detail else None,
                    ip=ip[:64] if ip else None,
                )
            )

    def entries(self, *, limit: int = 200, before: int | None = None) -> list[AuditRow]:
        """The newest rows first; ``before`` an id to page back."""
        stmt = select(AUDIT).order_by(AUDIT.c.id.desc()).limit(limit)
        if before is not None:
            stmt = stmt.where(AUDIT.c.id < before)
        with self._db.session() as session:
            rows = session.connection().execute(stmt).all()
        return [
            AuditRow(
                id=r.id,
                at=as_utc(r.at),
                staff_username=r.staff_username,
                action=r.action,
                record_type=r.record_type,
                record=r.record,
                detail=r.detail,
                ip=r.ip,
            )
            for r in rows
        ]


def _submission(row: Any, reason: str | None = None) -> SubmissionInfo:
    return SubmissionInfo(
        reference=row.reference,
        form_id=row.form_id,
        chat_ref=f"{row.channel}:{row.chat_id}",
        lang=row.lang,
        status=row.status,
        answers=dict(row.answers),
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        decision_reason=reason,
    )


def _ticket(row: Any, count: int = 0, messages: Sequence[TicketLine] = ()) -> TicketInfo:
    return TicketInfo(
        id=row.id,
        chat_ref=row.chat_ref,
        form_id=row.form_id,
        question=row.question,
        reason=row.reason,
        status=row.status,
        context=dict(row.context or {}),
        opened_at=as_utc(row.opened_at),
        closed_at=as_utc(row.closed_at) if row.closed_at is not None else None,
        closed_by=row.closed_by,
        topic_id=row.topic_id,
        message_count=count,
        messages=tuple(messages),
    )


class DeskStore:
    """The front desk's records: check-ins, submissions under review, hand-off tickets."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- check-in at the door ------------------------------------------------------------------

    def record_checkin(
        self,
        *,
        booking_code: str,
        service: str,
        day: date,
        temperature: float,
        admitted: bool,
        staff_username: str,
        at: datetime,
    ) -> CheckInInfo:
        """Record a check-in; ``AlreadyAdmitted`` if the booking was let in before."""
        values = {
            "booking_code": booking_code,
            "service": service,
            "day": day,
            "temperature": round(temperature, 1),
            "admitted": admitted,
            "staff_username": staff_username,
            "at": at,
        }
        with self._db.session() as session:
            conn = session.connection()
            before = conn.execute(
                select(CHECKINS.c.id).where(
                    CHECKINS.c.booking_code == booking_code, CHECKINS.c.admitted.is_(True)
                )
            ).first()
            if before is not None:
                raise AlreadyAdmitted(booking_code)
            try:
                with conn.begin_nested():
                    conn.execute(insert(CHECKINS).values(**values))
            except IntegrityError:  # a colleague let the same citizen in a moment ago
                raise AlreadyAdmitted(booking_code) from None
        return CheckInInfo(
            booking_code=booking_code,
            temperature=float(values["temperature"]),  # type: ignore[arg-type]
            admitted=admitted,
            staff_username=staff_username,
            at=at,
        )

    def checkins(self, codes: Collection[str]) -> dict[str, CheckInInfo]:
        """The latest check-in of each of ``codes`` that has one (an admission wins)."""
        if not codes:
            return {}
        with self._db.session() as session:
            rows = (
                session.connection()
                .execute(
                    select(CHECKINS)
                    .where(CHECKINS.c.booking_code.in_(list(codes)))
                    .order_by(CHECKINS.c.admitted, CHECKINS.c.at, CHECKINS.c.id)
                )
                .all()
            )
        latest: dict[str, CheckInInfo] = {}
        for r in rows:
            latest[r.booking_code] = CheckInInfo(
                booking_code=r.booking_code,
                temperature=float(r.temperature),
                admitted=bool(r.admitted),
                staff_username=r.staff_username,
                at=as_utc(r.at),
            )
        return latest

    # -- submissions ---------------------------------------------------------------------------

    def pending_submissions(self, *, limit: int = 200) -> list[SubmissionInfo]:
        """Submissions waiting for review, oldest first."""
        stmt = (
            select(SUBMISSIONS)
            .where(SUBMISSIONS.c.status.in_(REVIEWABLE))
            .order_by(SUBMISSIONS.c.created_at, SUBMISSIONS.c.id)
            .limit(limit)
        )
        with self._db.session() as session:
            return [_submission(r) for r in session.connection().execute(stmt).all()]

    def pending_count(self) -> int:
        """How many submissions wait for review (all of them, not only those listed)."""
        stmt = (
            select(func.count())
            .select_from(SUBMISSIONS)
            .where(SUBMISSIONS.c.status.in_(REVIEWABLE))
        )
        with self._db.session() as session:
            return int(session.connection().execute(stmt).scalar_one())

    def submission(self, reference: str) -> SubmissionInfo | None:
        """One submission by reference, with the reason of its latest decision if any."""
        with self._db.session() as session:
            conn = session.connection()
            row = conn.execute(
                select(SUBMISSIONS).where(SUBMISSIONS.c.reference == reference)
            ).first()
            if row is None:
                return None
            reason = conn.execute(
                select(REVIEWS.c.reason)
                .where(REVIEWS.c.reference == reference)
                .order_by(REVIEWS.c.id.desc())
                .limit(1)
            ).scalar()
        return _submission(row, reason)

    def set_status(
        self, reference: str, status: str, *, at: datetime, only_from: Collection[str]
    ) -> bool:
        """Move a submission to ``status`` if it is in one of ``only_from`` (races lose cleanly)."""
        with self._db.session() as session:
            done = session.connection().execute(
                update(SUBMISSIONS)
                .where(
                    SUBMISSIONS.c.reference == reference,
                    SUBMISSIONS.c.status.in_(list(only_from)),
                )
                .values(status=status, updated_at=at)
            )
        return bool(done.rowcount)

    def record_decision(
        self,
        reference: str,
        *,
        decision: str,
        reason: str | None,
        staff_username: str,
        at: datetime,
    ) -> None:
        """Keep a decision and its reason."""
        with self._db.session() as session:
            session.connection().execute(
                insert(REVIEWS).values(
                    reference=reference,
                    decision=decision,
                    reason=reason,
                    staff_username=staff_username,
                    at=at,
                )
            )

    # -- the new KK of a KK change -----------------------------------------------------------

    def family_card(self, reference: str) -> FamilyCardRecord | None:
        """The KK data saved for a submission, if staff saved it."""
        with self._db.session() as session:
            return load_family_card(session.connection(), reference)

    def save_family_card(
        self, reference: str, data: dict[str, str], *, staff_username: str, at: datetime
    ) -> None:
        """Keep the KK data of a submission, replacing what was saved before."""
        values = {"data": dict(data), "staff_username": staff_username[:64], "updated_at": at}
        where = FAMILY_CARDS.c.reference == reference
        with self._db.session() as session:
            conn = session.connection()
            if conn.execute(update(FAMILY_CARDS).where(where).values(**values)).rowcount:
                return
            try:
                with conn.begin_nested():
                    conn.execute(insert(FAMILY_CARDS).values(reference=reference, **values))
            except IntegrityError:  # a colleague saved it a moment ago: the later save wins
                conn.execute(update(FAMILY_CARDS).where(where).values(**values))

    # -- hand-off tickets ----------------------------------------------------------------------

    def open_tickets(self, *, limit: int = 200) -> list[TicketInfo]:
        """Open tickets, oldest first, with how many messages each has."""
        counts = (
            select(MESSAGES.c.ticket_id, func.count().label("n"))
            .group_by(MESSAGES.c.ticket_id)
            .subquery()
        )
        stmt = (
            select(TICKETS, counts.c.n)
            .outerjoin(counts, counts.c.ticket_id == TICKETS.c.id)
            .where(TICKETS.c.status == "open")
            .order_by(TICKETS.c.opened_at, TICKETS.c.id)
            .limit(limit)
        )
        with self._db.session() as session:
            rows = session.connection().execute(stmt).all()
        return [_ticket(r, int(r.n or 0)) for r in rows]

    def open_ticket_count(self) -> int:
        """How many tickets are open (all of them, not only those listed)."""
        stmt = select(func.count()).select_from(TICKETS).where(TICKETS.c.status == "open")
        with self._db.session() as session:
            return int(session.connection().execute(stmt).scalar_one())

    def ticket(self, ticket_id: int) -> TicketInfo | None:
        """One ticket with its conversation."""
        with self._db.session() as session:
            conn = session.connection()
            row = conn.execute(select(TICKETS).where(TICKETS.c.id == ticket_id)).first()
            if row is None:
                return None
            lines = [
                TicketLine(
                    sender=m.sender,
                    staff_name=m.staff_name,
                    text=m.text,
                    created_at=as_utc(m.created_at),
                )
                for m in conn.execute(
                    select(MESSAGES)
                    .where(MESSAGES.c.ticket_id == ticket_id)
                    .order_by(MESSAGES.c.created_at, MESSAGES.c.id)
                ).all()
            ]
        return _ticket(row, len(lines), lines)

    def add_staff_message(
        self, ticket_id: int, *, staff_name: str, text: str, at: datetime
    ) -> None:
        """Keep a reply of staff in the ticket's conversation."""
        with self._db.session() as session:
            session.connection().execute(
                insert(MESSAGES).values(
                    ticket_id=ticket_id,
                    sender="staff",
                    staff_name=staff_name[:120],
                    text=text[:4096],
                    created_at=at,
                )
            )

    def close_ticket(self, ticket_id: int, *, staff_name: str, at: datetime) -> bool:
        """Close an open ticket; ``False`` if it was not open."""
        with self._db.session() as session:
            done = session.connection().execute(
                update(TICKETS)
                .where(TICKETS.c.id == ticket_id, TICKETS.c.status == "open")
                .values(status="closed", closed_at=at, closed_by=staff_name[:120])
            )
        return bool(done.rowcount)

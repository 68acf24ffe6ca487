"""The retention purge (UU 27/2022, PDP): personal data is kept only as long as the office
configured (``retention_days``), then deleted, the same way ``/hapusdata`` deletes it
(``storage.personal``).

Run daily by the worker as an outbox job keyed by the office-local day (``retention:2026-12-03``,
due at 01:00), so with several worker processes it runs once a day; its statements are
idempotent, so a second run, or two at once, remove nothing twice. It works in batches
(``storage.retention``) and counts what it removed in the audit log, without personal data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from storage.db import Database
from storage.files import FileStore
from storage.outbox import Outbox
from storage.retention import BATCH_SIZE, Batch, Cutoff, RetentionStore
from storage.staff import AuditLog

log = logging.getLogger(__name__)

KIND: Final = "retention.purge"
RUN_AT: Final = time(1, 0)
"""Office-local time of the daily run: a quiet hour."""
ACTOR: Final = "system"
"""Who the audit log names for a purge run."""


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What one purge run removed (counts only: safe for logs and the audit trail)."""

    submissions: int = 0
    """Submissions whose answers were removed (or, erased before, whose chat was forgotten)."""
    documents: int = 0
    """Issued documents revoked and emptied."""
    bookings: int = 0
    """Bookings whose NIK and name were blanked."""
    checkins: int = 0
    """Door check-ins deleted."""
    tickets: int = 0
    """Closed hand-off tickets emptied (their messages deleted)."""
    conversations: int = 0
    """Idle conversations deleted with their drafts."""
    updates: int = 0
    """Records of applied updates deleted."""
    jobs: int = 0
    """Finished outbox jobs deleted."""
    sign_ins: int = 0
    """Old staff sign-in attempts and expired sessions deleted."""
    files: int = 0
    """Uploaded files deleted from disk."""
    emails: int = 0
    """Emails written as ``.eml`` files (the embedded default) deleted."""

    @property
    def total(self) -> int:
        """Everything removed."""
        return sum(asdict(self).values())

    def detail(self) -> str:
        """``submissions=3 documents=2 ...``: the counts in one line."""
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


class RetentionPurge:
    """Removes personal data past the office's retention period; queues itself daily."""

    def __init__(
        self,
        *,
        db: Database,
        files: FileStore,
        outbox: Outbox,
        retention_days: int,
        timezone: str,
        clock: Callable[[], datetime],
        mail_folder: Path | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self._store = RetentionStore(db, batch_size=batch_size)
        self._audit = AuditLog(db)
        self._files = files
        self._outbox = outbox
        self._days = retention_days
        self._tz = ZoneInfo(timezone)
        self._clock = clock
        self._mail = mail_folder
        self._queued: date | None = None

    def cutoff(self, now: datetime) -> Cutoff:
        """Where retention ends for a run at ``now``."""
        return Cutoff(
            at=now - timedelta(days=self._days),
            day=now.astimezone(self._tz).date() - timedelta(days=self._days),
        )

    def purge(self, now: datetime | None = None) -> PurgeReport:
        """Remove everything whose life ended more than ``retention_days`` before ``now``
        (default: the clock). Blocking: the worker runs it in a thread."""
        # UTC: SQLite keeps timestamps without their zone, and they were written in UTC.
        now = (now or self._clock()).astimezone(UTC)
        cutoff = self.cutoff(now)
        store = self._store
        files: set[str] = set()

        def drain(batch: Callable[[int], Batch]) -> int:
            count, after = 0, 0
            while True:
                done = batch(after)
                count += done.count
                files.update(done.files)
                if done.after is None:
                    return count
                after = done.after

        counts: dict[str, int] = {
            "submissions": drain(lambda a: store.submissions(cutoff, after=a, now=now)),
            "documents": drain(lambda a: store.documents(cutoff, after=a)),
            "bookings": drain(lambda a: store.bookings(cutoff, after=a, now=now)),
            "checkins": drain(lambda a: store.checkins(cutoff, after=a)),
            "tickets": drain(lambda a: store.tickets(cutoff, after=a, now=now)),
            "conversations": drain(lambda a: store.conversations(cutoff, after=a)),
            "updates": drain(lambda a: store.updates(cutoff, after=a)),
            "jobs": drain(lambda a: store.jobs(cutoff, after=a)),
            "sign_ins": store.staff_sign_ins(now),
        }
        # Files go after the rows that named them are committed, and only if nothing kept (a
        # newer submission with the same photo, another chat's draft) names them.
        removable = store.unreferenced(files) if files else set()
        counts["files"] = sum(1 for ref in sorted(removable) if self._files.delete(ref))
        counts["emails"] = self._purge_mail(cutoff)
        report = PurgeReport(**counts)
        log.info("retention purge (before %s): %s", cutoff.day.isoformat(), report.detail())
        if report.total:
            self._audit.write(
                staff=None,
                username=ACTOR,
                action="purge",
                record_type="retention",
                record=f"before {cutoff.day.isoformat()}",
                detail=report.detail(),
                at=now,
            )
        return report

    def _purge_mail(self, cutoff: Cutoff) -> int:
        """Delete ``.eml`` files written before the cutoff (no SMTP: the embedded default)."""
        if self._mail is None or not self._mail.is_dir():
            return 0
        removed = 0
        limit = cutoff.at.timestamp()
        for path in sorted(self._mail.glob("*.eml")):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # another worker's purge took it a moment ago
                continue
        return removed

    # --- the daily job --------------------------------------------------------------------------

    def schedule(self) -> None:
        """Queue today's run unless this process already did (the outbox key makes it once per
        day across processes). Cheap to call often: the worker calls it on every round."""
        today = self._clock().astimezone(self._tz).date()
        if self._queued == today:
            return
        self._outbox.add(
            KIND,
            {"day": today.isoformat()},
            key=f"retention:{today.isoformat()}",
            run_at=datetime.combine(today, RUN_AT, self._tz).astimezone(UTC),
        )
        self._queued = today

    async def job(self, payload: dict[str, Any]) -> None:
        """Job ``retention.purge``: one purge run at the time it is done."""
        await asyncio.to_thread(self.purge)

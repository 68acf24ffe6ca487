"""The slot-opening burst: many citizens press "Kirim" for the same day at once, through the
webhook of several ``adminduk-bot serve`` processes sharing one PostgreSQL database.

How, per run (every run on a fresh database, with fresh worker processes):

- a throw-away PostgreSQL database is created next to ``BENCH_POSTGRES_URL`` (default the local
  test server) and migrated (``storage.migrate.upgrade``); it is dropped at the end;
- a fake Telegram Bot API (``tests/fakes/telegram_api.py``) runs in this process, ``sendMessage``
  taking 30–70 ms like the real one (every other method answered at once);
- ``--workers`` real ``python -m bot.cli serve --port P`` processes (default 2) run against it
  with ``DATABASE_URL``, ``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE``, ``WEBHOOK_SECRET``, the
  real clock and the bundled office (KTP-el recording quota 30 a day). ``TELEGRAM_RATE_GLOBAL``
  and ``TELEGRAM_RATE_CHAT_BURST`` are 1000 by default (``--rate-global`` changes the first), so
  that the pacing of Telegram's own limits is not what is measured;
- preparation (not measured): ``--citizens`` chats (default 300) each answer the KTP-el recording
  form through the webhook up to its summary, one update after the other's 200 in a chat,
  alternating workers, many chats at once; every citizen chooses the first bookable day (the
  first enabled day button), so they all hold the same day with 30 places;
- the burst (measured): every citizen's tap on "📨 Kirim" is POSTed to a worker's webhook (round
  robin), all at once (``--spread 0``, the default) or their starts spread evenly over
  ``--spread`` seconds. Per citizen: the time from starting the POST to the webhook's 200 (the
  worker answers after applying, saving and sending the replies), and to the arrival at the fake
  server of the bot's first ``sendMessage`` to that chat. The burst lasts from the first POST to
  the last answer;
- checks: the ``booking`` rows active for that day (must be exactly 30), ``slot_day.booked``,
  the submissions, ``processed_update`` rows against the updates delivered (nothing lost, nothing
  applied twice), the queue numbers (1..30) and the outbox jobs (two per booking), every
  citizen's answer ("diterima" with a booking code that is in the database, or "baru saja penuh"
  and the day question again with other days), HTTP statuses, and WARNING/ERROR/Traceback lines
  in the workers' output. The workers' CPU time over the burst comes from ``/proc/<pid>/stat``, the
  driver's (this process: the fake Telegram and the citizens) from ``time.process_time``.

Each figure is the median of ``--runs`` runs (default 3); the load average is printed with it,
since other work on this 2-core machine shares the cores.
Usage: ``python -m bench burst [--citizens 300] [--workers 2] [--runs 3] [--spread 0]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import admin_url, create_database, drop_database, free_port
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser, SentMessage
from web.webhook import WEBHOOK_PATH

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-burst-webhook-secret-0123456789"  # noqa: S105 - a throw-away test secret
LATENCY = (0.03, 0.07)
QUOTA = 30
"""KTP-el recording places a day in the bundled office (``quotas: {ktp_recording: 30}``)."""
SERVICE = "ktp_recording"
FIRST_CHAT = 5_000_000
FULL_TEXT = "baru saja penuh"
DONE_TEXT = "diterima"
DAY_QUESTION = "Pilih hari datang"
HZ = os.sysconf("SC_CLK_TCK")
CODE_RE = re.compile(r"Nomor pendaftaran: (\S+?)\.?(?:\s|$)")
LEFT_RE = re.compile(r"sisa (\d+)")

# The KTP-el recording form up to its summary: (kind, value). "text" types, "tap" presses the
# button whose label contains the value, "day" presses the first enabled day button.
FORM_SCRIPT: tuple[tuple[str, str], ...] = (
    ("text", "/start"),
    ("tap", "perekaman KTP-el"),
    ("text", "17-08-2000"),
    ("tap", "Laki-laki"),
    ("text", "{nik}"),
    ("text", "Budi Santoso"),
    ("text", "3371012001150003"),
    ("text", "Magelang"),
    ("tap", "Magersari"),
    ("text", "0812-3456-7890"),
    ("text", "warga{n}@contoh.com"),
    ("day", ""),
    ("tap", "Saya setuju"),
)


def _nik(n: int) -> str:
    """A valid NIK for a man born 17-08-2000 in Kota Magelang, serial ``n`` (1..9999)."""
    return f"337101170800{n:04d}"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def _pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class Worker:
    """One ``adminduk-bot serve`` process, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env={**env, "WEB_HOST": "127.0.0.1"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    async def ready(self, timeout: float = 120) -> None:  # noqa: ASYNC109 - start-up deadline
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return
        raise RuntimeError("worker did not start in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass
class Run:
    """What one run measured and checked."""

    citizens: int
    day: str = ""
    booked_db: int = -1
    slot_booked: int = -1
    submissions: int = -1
    told_done: int = 0
    told_full: int = 0
    offered_days: int = 0
    told_other: list[str] = field(default_factory=list)
    codes_not_in_db: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    duration: float = 0.0
    answer_ms: list[float] = field(default_factory=list)
    reply_ms: list[float] = field(default_factory=list)
    no_reply: int = 0
    delivered: int = 0
    processed: int = -1
    versions: int = -1
    worker_cpu: float = 0.0
    driver_cpu: float = 0.0
    errors: list[str] = field(default_factory=list)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    prep_seconds: float = 0.0
    fill_seconds: float = 0.0
    """From the first POST to the 200 of the last citizen who got a place."""
    done_ms: list[float] = field(default_factory=list)
    """POST to 200 of the citizens who got a place."""

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != "200")


def _button(message: SentMessage, fragment: str) -> str | None:
    for row in message.buttons:
        for button in row:
            if fragment.lower() in button["text"].lower():
                return button["callback_data"]
    return None


def _first_day(message: SentMessage) -> tuple[str, str] | None:
    """The first enabled day button (``<seq>:c:<i>``) as (callback data, label)."""
    for row in message.buttons:
        for button in row:
            if re.fullmatch(r"\d+:c:\d+", button["callback_data"]):
                return button["callback_data"], button["text"]
    return None


class Citizens:
    """The scripted citizens and the workers they post to."""

    def __init__(self, server: FakeTelegramServer, workers: list[Worker], run: Run) -> None:
        self.server = server
        self.workers = workers
        self.run = run

    def latest_with_buttons(self, chat_id: int) -> SentMessage:
        for message in reversed(self.server.sent_messages(chat_id)):
            if message.buttons:
                return message
        raise RuntimeError(f"chat {chat_id}: no bot message with buttons")

    async def post(self, update: dict[str, Any], worker: Worker) -> int | None:
        delivery = await self.server.deliver_via_webhook(update, url=worker.url, secret=SECRET)
        self.run.delivered += 1
        return delivery.status

    async def prepare(self, user: FakeUser, n: int, gate: asyncio.Semaphore) -> tuple[int, str]:
        """Answer the form up to its summary; returns the summary's message id and the day."""
        day = ""
        async with gate:
            for i, (kind, value) in enumerate(FORM_SCRIPT):
                chat = user.chat_id
                if kind == "text":
                    update = user.send_text(value.format(nik=_nik(n), n=n))
                else:
                    message = self.latest_with_buttons(chat)
                    if kind == "day":
                        found = _first_day(message)
                        if found is None:
                            raise RuntimeError(f"chat {chat}: no bookable day in {message.text!r}")
                        data, day = found
                    else:
                        data = _button(message, value) or ""
                        if not data:
                            raise RuntimeError(f"chat {chat}: no button {value!r}")
                    update = user.tap(data, message_id=message.message_id)
                status = await self.post(update, self.workers[(n + i) % len(self.workers)])
                if status != 200:
                    raise RuntimeError(f"chat {chat}: preparation step {i} answered {status}")
            summary = self.latest_with_buttons(user.chat_id)
            if "Periksa kembali" not in (summary.text or "") or not _button(summary, "Kirim"):
                raise RuntimeError(f"chat {user.chat_id}: not at the summary: {summary.text!r}")
            return summary.message_id, day


async def _burst(
    citizens: Citizens, users: list[FakeUser], summaries: list[int], spread: float
) -> list[tuple[float, float, float, int | None]]:
    """Every citizen taps Kirim; per citizen (wall start, perf start, perf end, status)."""
    server = citizens.server
    taps = []
    for user, summary_id in zip(users, summaries, strict=True):
        message = next(m for m in server.sent_messages(user.chat_id) if m.message_id == summary_id)
        taps.append(user.tap(_button(message, "Kirim") or "", message_id=summary_id))
    count = len(users)
    start_at = time.perf_counter() + 0.2

    async def press(k: int) -> tuple[float, float, float, int | None]:
        await asyncio.sleep(max(0.0, start_at + spread * k / count - time.perf_counter()))
        wall, began = time.time(), time.perf_counter()
        status = await citizens.post(taps[k], citizens.workers[k % len(citizens.workers)])
        return wall, began, time.perf_counter(), status

    return await asyncio.gather(*(press(k) for k in range(count)))


def _classify(
    run: Run, server: FakeTelegramServer, users: list[FakeUser], summaries: list[int]
) -> tuple[list[str], list[str]]:
    """Read every citizen's answer to Kirim: the outcome per citizen (``done``, ``full`` or
    ``other``) and the booking codes the chats were told."""
    codes: list[str] = []
    outcomes: list[str] = []
    for user, summary_id in zip(users, summaries, strict=True):
        after = [m for m in server.sent_messages(user.chat_id) if m.message_id > summary_id]
        text = "\n".join(m.text or "" for m in after)
        if DONE_TEXT in text and FULL_TEXT not in text:
            outcomes.append("done")
            run.told_done += 1
            match = CODE_RE.search(text)
            if match:
                codes.append(match.group(1))
        elif FULL_TEXT in text:
            outcomes.append("full")
            run.told_full += 1
            asked = [m for m in after if DAY_QUESTION in (m.text or "") and m.buttons]
            offered = _first_day(asked[-1]) if asked else None
            # another day first: the full one is no longer offered (by its date, not its label)
            if offered is not None and offered[1].split(" — ")[0] != run.day.split(" — ")[0]:
                run.offered_days += 1
        else:
            outcomes.append("other")
            run.told_other.append(f"chat {user.chat_id}: {text[:160]!r}")
    return outcomes, codes


def _check_db(run: Run, url: str, codes: list[str], users: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT day, count(*) FROM booking WHERE service = %s AND status = 'active' "
            "GROUP BY day ORDER BY day",
            (SERVICE,),
        ).fetchall()
        run.booked_db = sum(int(n) for _, n in rows)
        days = {str(d) for d, _ in rows}
        if len(days) > 1:
            run.errors.append(f"bookings on several days: {rows}")
        slot = conn.execute(
            "SELECT coalesce(sum(booked), 0) FROM slot_day WHERE service = %s", (SERVICE,)
        ).fetchone()
        run.slot_booked = int(slot[0]) if slot else -1
        sub = conn.execute("SELECT count(*) FROM submission").fetchone()
        run.submissions = int(sub[0]) if sub else -1
        found = conn.execute(
            "SELECT count(*) FROM booking WHERE code = ANY(%s)", (codes,)
        ).fetchone()
        run.codes_not_in_db = len(codes) - (int(found[0]) if found else 0)
        processed = conn.execute("SELECT count(*) FROM processed_update").fetchone()
        run.processed = int(processed[0]) if processed else -1
        versions = conn.execute(
            "SELECT coalesce(sum(version), 0), count(*) FROM conversation"
        ).fetchone()
        run.versions = int(versions[0]) if versions else -1
        if versions and int(versions[1]) != users:
            run.errors.append(f"{versions[1]} conversation rows for {users} chats")
        queues = conn.execute(
            "SELECT coalesce(array_agg(queue_number ORDER BY queue_number), '{}') FROM booking "
            "WHERE service = %s AND status = 'active'",
            (SERVICE,),
        ).fetchone()
        if queues is not None and list(queues[0]) != list(range(1, run.booked_db + 1)):
            run.errors.append(f"queue numbers are not 1..{run.booked_db}: {queues[0]}")
        jobs = conn.execute("SELECT kind, count(*) FROM outbox_job GROUP BY kind").fetchall()
        if any(int(n) != run.booked_db for _, n in jobs) or len(jobs) != 2:
            run.errors.append(f"outbox jobs {dict(jobs)} for {run.booked_db} bookings")


def _scan_logs(run: Run, logs: list[Path]) -> None:
    for log in logs:
        lines = log.read_text(errors="replace").splitlines()
        for i, line in enumerate(lines):
            if any(f" {level} " in line for level in ("WARNING", "ERROR", "CRITICAL")) or (
                line.startswith("Traceback")
            ):
                tail = " | ".join(lines[i : i + 3])[:300]
                run.errors.append(f"{log.name}: {tail}")


async def _one_run(args: argparse.Namespace, number: int, work: Path) -> Run:
    from storage.migrate import upgrade

    run = Run(citizens=args.citizens)
    url = create_database(admin_url(), "adminduk_burst_")
    server = FakeTelegramServer(latency=LATENCY, seed=number)
    workers: list[Worker] = []
    try:
        await asyncio.to_thread(upgrade, url)
        await server.start()
        server.webhook_timeout = 120.0  # a slow answer is measured, not cut off
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATA_DIR": str(work / f"var-{number}"),
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": server.token,
            "TELEGRAM_API_BASE": server.base_url,
            "WEBHOOK_SECRET": SECRET,
            "TELEGRAM_RATE_GLOBAL": str(args.rate_global),
            "TELEGRAM_RATE_CHAT_BURST": "1000",
        }
        workers = [Worker(env, work / f"run{number}-worker{w}.log") for w in range(args.workers)]
        await asyncio.gather(*(w.ready() for w in workers))
        citizens = Citizens(server, workers, run)
        users = [
            server.user(chat_id=FIRST_CHAT + n, first_name=f"Warga {n}")
            for n in range(1, args.citizens + 1)
        ]
        gate = asyncio.Semaphore(args.prep_concurrency)
        began = time.perf_counter()
        prepared = await asyncio.gather(
            *(citizens.prepare(u, n, gate) for n, u in enumerate(users, start=1))
        )
        run.prep_seconds = time.perf_counter() - began
        summaries = [message_id for message_id, _ in prepared]
        chosen = {day for _, day in prepared}
        if len(chosen) != 1:
            raise RuntimeError(f"citizens chose different days: {sorted(chosen)}")
        run.day = chosen.pop()
        left = LEFT_RE.search(run.day)
        if left is None or left.group(1) != str(QUOTA):
            raise RuntimeError(f"the chosen day does not show {QUOTA} places: {run.day!r}")
        calls_before = len(server.calls)

        cpu0 = [_cpu_seconds(w.proc.pid) for w in workers]
        driver0 = time.process_time()
        results = await _burst(citizens, users, summaries, args.spread)
        run.driver_cpu = time.process_time() - driver0
        run.worker_cpu = sum(
            _cpu_seconds(w.proc.pid) - c for w, c in zip(workers, cpu0, strict=True)
        )
        run.load = os.getloadavg()

        first = min(r[1] for r in results)
        run.duration = max(r[2] for r in results) - first
        for _, start, end, status in results:
            run.answer_ms.append((end - start) * 1000)
            run.statuses[str(status)] = run.statuses.get(str(status), 0) + 1
        sends: dict[int, float] = {}
        for call in server.calls[calls_before:]:
            if call.method.lower() == "sendmessage" and call.status == 200:
                chat = int(call.params.get("chat_id", 0))
                sends.setdefault(chat, call.at)
        for user, (wall, *_rest) in zip(users, results, strict=True):
            at = sends.get(user.chat_id)
            if at is None:
                run.no_reply += 1
            else:
                run.reply_ms.append((at - wall) * 1000)
        outcomes, codes = _classify(run, server, users, summaries)
        done_ends = [r[2] for r, o in zip(results, outcomes, strict=True) if o == "done"]
        run.fill_seconds = (max(done_ends) - first) if done_ends else 0.0
        run.done_ms = [ms for ms, o in zip(run.answer_ms, outcomes, strict=True) if o == "done"]
        await asyncio.to_thread(_check_db, run, url, codes, len(users))
    finally:
        for w in workers:
            await asyncio.to_thread(w.stop)
        await server.stop()
        drop_database(admin_url(), url)
    _scan_logs(run, [w.log for w in workers])
    return run


def _ms(values: list[float]) -> str:
    return f"p50 {_pct(values, 0.5):.0f} / p99 {_pct(values, 0.99):.0f} ms" if values else "-"


def _show_run(number: int, run: Run) -> None:
    print(
        f"  run {number}: {run.booked_db} active bookings for {run.day.split(' — ')[0]} "
        f"(slot_day.booked {run.slot_booked}, submissions {run.submissions}); chats told "
        f"{run.told_done} booked, {run.told_full} full ({run.offered_days} offered other days), "
        f"{len(run.told_other)} other; HTTP {run.statuses}\n"
        f"         burst {run.duration:.2f} s (day full after {run.fill_seconds:.2f} s): "
        f"{run.booked_db / run.duration:.1f} bookings/s, "
        f"{run.citizens / run.duration:.0f} confirmations/s; POST to 200 {_ms(run.answer_ms)} "
        f"(booked ones {_ms(run.done_ms)}); POST to first sendMessage {_ms(run.reply_ms)}\n"
        f"         CPU in the burst: workers {run.worker_cpu:.1f} s "
        f"({run.worker_cpu / run.citizens * 1000:.0f} ms a confirmation), driver "
        f"{run.driver_cpu:.1f} s; updates {run.delivered} delivered / {run.processed} applied "
        f"(sum of conversation versions {run.versions}); preparation {run.prep_seconds:.0f} s; "
        f"load {' '.join(f'{x:.2f}' for x in run.load)}",
        flush=True,
    )


def _show(runs: list[Run]) -> int:
    def med(values: Sequence[float]) -> float:
        return statistics.median(values)

    def med_pct(pick: str) -> str:
        lists = [getattr(r, pick) for r in runs if getattr(r, pick)]
        if not lists:
            return "-"
        return (
            f"p50 {med([_pct(v, 0.5) for v in lists]):.0f} ms, "
            f"p99 {med([_pct(v, 0.99) for v in lists]):.0f} ms"
        )

    booked = [r.booked_db for r in runs]
    print(f"median of {len(runs)} runs:")
    print(
        f"  confirmed bookings for the day : {med(booked):.0f} (each run: {booked}; "
        f"quota {QUOTA}: {'exact' if all(b == QUOTA for b in booked) else 'WRONG'})"
    )
    print(
        f"  told 'baru saja penuh'         : {med([r.told_full for r in runs]):.0f} "
        f"(and offered other days {med([r.offered_days for r in runs]):.0f}; "
        f"expected {runs[0].citizens - QUOTA})"
    )
    failed = sum(r.failed for r in runs)
    print(
        f"  failed updates (non-200)       : {failed} in all runs"
        + ("" if failed == 0 else f" ({[r.statuses for r in runs]})")
    )
    print(
        f"  bookings per second            : {med([r.booked_db / r.duration for r in runs]):.1f}"
        f"  (confirmed / burst duration; bursts {', '.join(f'{r.duration:.2f}' for r in runs)} s;"
        f" the day was full after {med([r.fill_seconds for r in runs]):.2f} s)"
    )
    print(
        f"  confirmations per second       : {med([r.citizens / r.duration for r in runs]):.0f}"
        "  (citizens / burst duration)"
    )
    print(
        f"  POST to 200 (applied+saved)    : {med_pct('answer_ms')} "
        f"(citizens who got a place: {med_pct('done_ms')})"
    )
    print(
        f"  POST to first sendMessage      : {med_pct('reply_ms')}"
        f" (chats without a reply: {sum(r.no_reply for r in runs)})"
    )
    print(
        f"  CPU over the burst             : workers {med([r.worker_cpu for r in runs]):.1f} s "
        f"(all serve processes together), driver {med([r.driver_cpu for r in runs]):.1f} s"
    )
    print(f"  load average now               : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    problems = [
        *(f"run {i}: {e}" for i, r in enumerate(runs, 1) for e in r.errors),
        *(f"run {i}: unexpected answer {o}" for i, r in enumerate(runs, 1) for o in r.told_other),
        *(
            f"run {i}: {r.codes_not_in_db} booking code(s) told to a chat are not in the database"
            for i, r in enumerate(runs, 1)
            if r.codes_not_in_db
        ),
        *(
            f"run {i}: {r.delivered} updates delivered but {r.processed} recorded as applied"
            for i, r in enumerate(runs, 1)
            if r.processed != r.delivered or r.versions != r.delivered
        ),
        *(
            f"run {i}: slot_day.booked {r.slot_booked} != active bookings {r.booked_db}"
            for i, r in enumerate(runs, 1)
            if r.slot_booked != r.booked_db
        ),
    ]
    print(f"  problems seen                  : {len(problems) or 'none'}")
    for line in problems[:20]:
        print(f"    {line}")
    return len(problems)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench burst", description=__doc__)
    parser.add_argument("--citizens", type=int, default=300, help="citizens in the burst")
    parser.add_argument("--workers", type=int, default=2, help="serve processes")
    parser.add_argument("--runs", type=int, default=3, help="runs (the median is shown)")
    parser.add_argument(
        "--spread", type=float, default=0.0, help="seconds over which the taps start (0: at once)"
    )
    parser.add_argument(
        "--rate-global", type=float, default=1000.0, help="TELEGRAM_RATE_GLOBAL of the workers"
    )
    parser.add_argument(
        "--prep-concurrency", type=int, default=100, help="chats answering the form at once"
    )
    args, _names = parser.parse_known_args(argv)
    if not QUOTA < args.citizens <= 9999:
        parser.error(f"--citizens must be between {QUOTA + 1} and 9999")
    return args


def main(argv: list[str] | None = None) -> None:
    """Print every figure of this benchmark."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    print(
        f"slot-opening burst: {args.citizens} citizens press Kirim for the same day (quota "
        f"{QUOTA}) {'at once' if args.spread == 0 else f'spread over {args.spread:g} s'}, "
        f"webhook of {args.workers} serve processes, PostgreSQL, sendMessage "
        f"{LATENCY[0] * 1000:.0f}–{LATENCY[1] * 1000:.0f} ms, TELEGRAM_RATE_GLOBAL "
        f"{args.rate_global:g}; {args.runs} runs, fresh database and workers each"
    )
    print(f"  load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    runs: list[Run] = []
    try:
        for number in range(1, args.runs + 1):
            run = asyncio.run(_one_run(args, number, work))
            _show_run(number, run)
            runs.append(run)
    except Exception as exc:
        print(f"  burst benchmark failed: {type(exc).__name__}: {exc}")
        print(f"  worker logs kept in {work}")
        raise
    if _show(runs):
        print(f"  worker logs kept in {work}")
    else:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)


if __name__ == "__main__":
    main()

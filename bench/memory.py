"""Resident memory of one ``adminduk-bot serve`` worker with 10,000 conversations stored.

How, on SQLite and then on PostgreSQL (when the server of ``BENCH_POSTGRES_URL`` answers): a
throw-away database is filled with 10,000 Telegram conversations. The first
``TEMPLATES`` are real: chats driven through the dialog service (``app.dialog.handle``) for 0 to
13 events of the KTP-el recording form, so their state JSON is what the engine writes at every
step; the other rows copy those rows (all columns, another ``chat_id``), and every conversation
gets as many ``processed_update`` rows as its version, like after real traffic. Then the real
worker command is started in a fresh process, ``python -m bot.cli serve`` (webhook mode, as in
production) pointed at a fake Telegram Bot API in this process. Its VmRSS (``/proc/<pid>/status``)
is read once it serves and is idle, then after it has handled ``UPDATES`` webhook updates of random
stored chats (texts a citizen would type, and ``/status``; ``CONCURRENCY`` in flight, each answered
200 after the update is applied and saved), and the peak (VmHWM). For scale, a process that only
imports what the worker imports is measured too. Three workers in turn on the same database; the
median is reported with the load average.

Usage: ``python -m bench memory``.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bench.common import drop_database, free_port, pg_database
from bot.bootstrap import App, build_app
from bot.dialog import ChatKey
from bot.settings import Settings
from flows.protocol import Reply, Tap, TextIn
from storage.models import Conversation, ProcessedUpdate
from tests.fakes.telegram_api import FakeTelegramServer
from web.webhook import WEBHOOK_PATH

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
CONVERSATIONS = 10_000
TEMPLATES = 280
UPDATES = 300
MORE_UPDATES = 700
CONCURRENCY = 8
RUNS = 3
TARGET_MB = 200
SECRET = "bench-memory-secret-0123456789"  # noqa: S105 - a throw-away webhook secret
CHANNEL = "telegram"
FIRST_UPDATE_ID = 100_000_000

# The KTP-el form, as events: a text, or "tap:" + a fragment of the button's label.
FORM_EVENTS = (
    "/start",
    "tap:perekaman ktp-el",
    "17-08-2000",
    "tap:laki-laki",
    "{nik}",
    "Budi Santoso",
    "3371012001150003",
    "Magelang",
    "tap:magersari",
    "0812-3456-7890",
    "budi@contoh.com",
    "tap:#1",
    "tap:saya setuju",
    "tap:kirim",
)
TYPED = ("/start", "Budi Santoso", "17-08-2000", "3371012001150003", "Magelang", "/status")

# What the worker imports, in an order that charges shared dependencies to the first importer;
# the last step is everything ``bot.cli serve`` imports.
IMPORT_STEPS = (
    "pydantic",
    "aiohttp.web",
    "sqlalchemy",
    "sqlmodel",
    "bot.telegram, aiogram",
    "alembic",
    "reportlab.pdfgen.canvas",
    "pyhanko.sign",
    "bot.bootstrap",
    "bot.telegram.setup, web.app, web.webhook, bot.cli",
)
IMPORTS_ONLY = (
    "import importlib\n"
    "from pathlib import Path\n"
    "def rss():\n"
    "    status = Path('/proc/self/status').read_text()\n"
    "    return next(int(l.split()[1]) for l in status.splitlines() if l.startswith('VmRSS:'))\n"
    "print('python', rss())\n"
    "for step in STEPS:\n"
    "    for name in step.split(', '):\n"
    "        importlib.import_module(name)\n"
    "    print(step, rss())\n"
)


def _tap(replies: list[Reply], what: str) -> Tap:
    question = next(r for r in reversed(replies) if r.buttons)
    buttons = question.button_list()
    if what == "#1":
        return Tap(buttons[1].data)
    return Tap(next(b.data for b in buttons if what in b.label.lower()))


def _templates(app: App) -> int:
    """Chats 1..TEMPLATES through 0..13 events of the form (a few complete it); update count."""
    update_id = FIRST_UPDATE_ID
    for n in range(1, TEMPLATES + 1):
        chat = ChatKey(CHANNEL, str(n))
        replies: list[Reply] = []
        nik = f"337101170800{n:04d}"
        for event in FORM_EVENTS[: 1 + n % len(FORM_EVENTS)]:
            update_id += 1
            incoming = _tap(replies, event[4:]) if event.startswith("tap:") else TextIn(event)
            if isinstance(incoming, TextIn):
                incoming = TextIn(incoming.text.format(nik=nik))
            replies = app.dialog.handle(chat, incoming, update_id=update_id)
    return update_id - FIRST_UPDATE_ID


def _clone(app: App) -> None:
    """Rows TEMPLATES+1..CONVERSATIONS copied from the templates; processed updates for all."""
    table: Any = Conversation.__table__  # type: ignore[attr-defined]
    updates: Any = ProcessedUpdate.__table__  # type: ignore[attr-defined]
    with app.db.engine.begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]
        copies = []
        for n in range(TEMPLATES + 1, CONVERSATIONS + 1):
            row = {k: v for k, v in rows[n % len(rows)].items() if k != "id"}
            row["chat_id"] = str(n)
            copies.append(row)
        conn.execute(insert(table), copies)
        seen = conn.execute(select(func.count()).select_from(updates)).scalar_one()
        stamp = datetime.now(ZoneInfo("UTC"))
        next_id = FIRST_UPDATE_ID + seen + 1
        done = []
        for row in copies:
            for _ in range(int(row.get("version") or 0)):
                done.append({"channel": CHANNEL, "update_id": next_id, "processed_at": stamp})
                next_id += 1
        conn.execute(insert(updates), done)


def _processed(db_url: str) -> int:
    from storage.db import Database

    db = Database(db_url)
    updates: Any = ProcessedUpdate.__table__  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        count = int(conn.execute(select(func.count()).select_from(updates)).scalar_one())
    db.dispose()
    return count


def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _mb(kb: float) -> str:
    return f"{kb / 1024:6.1f} MB"


def _start_worker(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``adminduk-bot serve`` in a fresh process (what a deployment runs per worker)."""
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**env, "WEB_PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def _worker_run(server: FakeTelegramServer, env: dict[str, str], seed: int) -> dict[str, Any]:
    port = free_port()
    log = Path(env["DATA_DIR"]) / f"worker-{seed}.log"
    proc = _start_worker(env, port, log)
    try:
        deadline = time.monotonic() + 120
        while "serving on" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text()[-3000:]}")
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        idle = _rss_kb(proc.pid)
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        rng = random.Random(seed)
        failures = 0

        async def deliver(chat_id: int) -> None:
            nonlocal failures
            update = server.user(chat_id=chat_id).send_text(rng.choice(TYPED))
            delivery = await server.deliver_via_webhook(update, url=url, secret=SECRET)
            failures += not delivery.ok

        async def burst(count: int) -> float:
            chats = rng.sample(range(1, CONVERSATIONS + 1), count)
            started = time.perf_counter()
            for i in range(0, count, CONCURRENCY):
                await asyncio.gather(*(deliver(c) for c in chats[i : i + CONCURRENCY]))
            return count / (time.perf_counter() - started)

        rate = await burst(UPDATES)
        after = _rss_kb(proc.pid)
        await burst(MORE_UPDATES)
        after_more = _rss_kb(proc.pid)
        return {
            "idle": idle,
            "after": after,
            "after_more": after_more,
            "peak": _rss_kb(proc.pid, "VmHWM"),
            "rate": rate,
            "failures": failures,
            "load": os.getloadavg()[0],
        }
    finally:
        proc.terminate()
        try:
            await asyncio.to_thread(proc.wait, 10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def _measure(data: Path, db_url: str) -> list[dict[str, Any]]:
    server = FakeTelegramServer(latency=(0.03, 0.07))
    await server.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(data),
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE": server.base_url,
        "WEBHOOK_SECRET": SECRET,
        "WEB_HOST": "127.0.0.1",
        "TELEGRAM_RATE_GLOBAL": "1000",
        "TELEGRAM_RATE_CHAT_BURST": "1000",
        "LOG_LEVEL": "WARNING",
    }
    try:
        return [await _worker_run(server, env, seed) for seed in range(RUNS)]
    finally:
        await server.stop()


def _imports() -> tuple[int, list[list[str]]]:
    """RSS (KB) of a process that only imports what the worker imports, and its steps."""
    imports = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", f"STEPS = {IMPORT_STEPS!r}\n{IMPORTS_ONLY}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    steps_kb = [line.rsplit(" ", 1) for line in imports.stdout.strip().splitlines()]
    return int(steps_kb[-1][1]), steps_kb


def _database(label: str, db_url: str, data: Path) -> None:
    """Fill the database of ``db_url`` (migrated, empty), measure workers on it, print."""
    started = time.perf_counter()
    app = build_app(Settings(data_dir=data, database_url=db_url, _env_file=None), clock=lambda: NOW)
    steps = _templates(app)
    _clone(app)
    table: Any = Conversation.__table__  # type: ignore[attr-defined]
    with app.db.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(table)).scalar_one()
    app.close()
    processed_before = _processed(db_url)
    on_disk = sum(p.stat().st_size for p in data.glob("bench.sqlite3*"))
    size = f", {on_disk / 2**20:.1f} MB on disk" if on_disk else ""
    print(
        f"  {label}: {stored:,} conversations ({TEMPLATES} driven through the dialog service, "
        f"{steps} steps; the rest copies){size}, built in {time.perf_counter() - started:.1f} s"
    )
    runs = asyncio.run(_measure(data, db_url))
    applied = _processed(db_url) - processed_before

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    def row(label: str, kb: float, note: str = "") -> None:
        print(f"    {label:<44}: {_mb(kb)}{note}")

    each = ", ".join(_mb(r["after"]).strip() for r in runs)
    row("worker serving, idle (before any update)", med("idle"))
    row(
        f"after {UPDATES} updates of random stored chats",
        med("after"),
        f"  (runs {each}; {med('rate'):.0f} updates/s, {CONCURRENCY} in flight)",
    )
    row(f"after {UPDATES + MORE_UPDATES} updates", med("after_more"))
    row("peak (VmHWM)", med("peak"))
    print(
        f"    updates applied by the workers (new processed_update rows): {applied} of "
        f"{RUNS * (UPDATES + MORE_UPDATES)} delivered"
    )
    failures = sum(r["failures"] for r in runs)
    if failures:
        print(f"    WARNING: {failures} webhook deliveries were not answered 200")
    verdict = "meets" if med("peak") < TARGET_MB * 1024 else "ABOVE"
    loads = " / ".join(f"{r['load']:.1f}" for r in runs)
    print(f"    target RSS < {TARGET_MB} MB: {verdict} (peak); load {loads}")


def main() -> None:
    """Print every figure of this benchmark: SQLite, then PostgreSQL when it is there."""
    print(
        f"memory of one `adminduk-bot serve` worker (webhook) with {CONVERSATIONS:,} "
        f"conversations stored; VmRSS from /proc/<pid>/status, median of {RUNS} fresh workers"
    )
    print(f"  load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    imports_kb, steps_kb = _imports()
    print(f"  python + the worker's imports only: {_mb(imports_kb).strip()}")
    previous = 0
    parts = []
    for name, kb in steps_kb:
        parts.append(f"{name.split(',')[0]} +{(int(kb) - previous) / 1024:.0f}")
        previous = int(kb)
    print(f"    of which (MB, cumulative imports): {'; '.join(parts)}")
    data = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        _database("SQLite", f"sqlite:///{data / 'bench.sqlite3'}", data)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    pg = pg_database()
    if pg is None:
        return
    data = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        _database("PostgreSQL", pg[1], data)
    finally:
        shutil.rmtree(data, ignore_errors=True)
        drop_database(*pg)


if __name__ == "__main__":
    main()

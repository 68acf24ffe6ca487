"""Steps per second of the pure engine, and of the dialog service with saving (SQLite, PostgreSQL).

How: one scripted citizen completes the KTP-el recording form (13 events from the menu to the
submission, including the day question's live availability and the booking at confirmation).
The engine figure replays the form's events on ``engine.step`` alone. The dialog figure runs the
same conversation through ``DialogService.handle`` for many distinct chats, one after another in
one thread (one core), so every step is a real transaction: lock the conversation row, step,
save the state, and at the end book a place and insert the submission. Days get a large quota so
that the run measures steps, not "day full" answers.
Usage: ``python -m bench engine_dialog`` (PostgreSQL from ``BENCH_POSTGRES_URL``, default the
local test server; skipped with a note when it does not answer).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import drop_database, office_with_big_quota, pg_database
from bot.bootstrap import App, build_app
from bot.dialog import ChatKey
from bot.settings import Settings
from flows import engine
from flows.protocol import ChoicesLoaded, DynamicChoice, LoadChoices, Submit, Submitted, Tap, TextIn
from flows.text import Text

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
TYPED = [
    "17-08-2000",
    None,
    "",
    "Budi Santoso",
    "3371012001150003",
    "Magelang",
    None,
    "0812-3456-7890",
    "budi@contoh.com",
    None,
    None,
    None,
]


def _nik(n: int) -> str:
    return f"337101170800{n % 10000:04d}" if n % 10000 else "3371011708009999"


def engine_rate(seconds: float = 2.0) -> float:
    """Engine steps per second replaying one conversation."""
    app_forms = build_app(
        Settings(data_dir=Path(tempfile.mkdtemp()), _env_file=None), clock=lambda: NOW
    )
    form = app_forms.catalogue["ktp_rekam"]
    app_forms.close()
    today = NOW.date()
    kel = (DynamicChoice("magersari", Text("Magersari", "Magersari")),)
    days = (DynamicChoice("2026-12-07", Text("Senin", "Monday")),)
    steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        out = engine.start(form, lang="id", today=today)
        state = out.state
        steps += 1
        for typed in [*TYPED[:2], "3371011708000001", *TYPED[3:]]:
            reply = out.replies[-1]
            event = TextIn(typed) if typed else Tap(reply.button_list()[0].data)
            out = engine.step(form, state, event, today=today)
            state = out.state
            steps += 1
            for eff in out.effects:
                if isinstance(eff, LoadChoices):
                    feed = ChoicesLoaded(eff.path, kel if eff.path == ("kelurahan",) else days)
                elif isinstance(eff, Submit):
                    feed = Submitted("KTP-7K4M9Q")
                else:
                    continue
                out = engine.step(form, state, feed, today=today)
                state = out.state
                steps += 1
    return steps / (time.perf_counter() - start)


def converse(app: App, chat: ChatKey, nik: str) -> int:
    """One complete conversation through the dialog service; returns the number of steps."""
    handle = app.dialog.handle
    replies = handle(chat, TextIn("/mulai"))
    steps = 1
    replies = handle(chat, Tap(replies[-1].button_list()[0].data))
    steps += 1
    for typed in [TYPED[0], None, nik, *TYPED[3:]]:
        last = next(r for r in reversed(replies) if r.buttons)
        event = TextIn(typed) if typed else Tap(last.button_list()[0].data)
        replies = handle(chat, event)
        steps += 1
    assert "KTP-" in replies[-1].text, replies[-1].text
    return steps


def dialog_rate(url: str, label: str, conversations: int) -> None:
    """Print the dialog service's steps per second on ``url``."""
    data = Path(tempfile.mkdtemp())
    office = office_with_big_quota(data)
    settings = Settings(data_dir=data, database_url=url, office_config=office, _env_file=None)
    app = build_app(settings, clock=lambda: NOW)
    run = uuid.uuid4().hex[:6]
    converse(app, ChatKey("bench", f"warm-{run}"), _nik(0))
    per_conv: list[float] = []
    steps = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    for n in range(1, conversations + 1):
        t0 = time.perf_counter()
        steps += converse(app, ChatKey("bench", f"{run}-{n}"), _nik(n))
        per_conv.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    app.close()
    per_step_ms = statistics.median(per_conv) / 13 * 1000
    print(
        f"  dialog service, {label:<10}: {steps / elapsed:8.0f} steps/s wall, "
        f"{steps / cpu:6.0f} steps per CPU-second of this process "
        f"({steps} steps, {conversations} conversations, median {per_step_ms:.2f} ms/step)"
    )


def main() -> None:
    """Print every figure of this benchmark."""
    print("engine and dialog service (one thread, one core; KTP-el form, 13 steps per citizen)")
    print(f"  load average before: {os.getloadavg()[0]:.2f} (2 vCPU, shared)")
    print(f"  engine alone           : {engine_rate():8.0f} steps/s")
    dialog_rate(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}", "SQLite", 300)
    pg = pg_database()
    if pg is not None:
        dialog_rate(pg[1], "PostgreSQL", 300)
        drop_database(*pg)


if __name__ == "__main__":
    main()

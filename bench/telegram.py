"""Updates per second, end to end over HTTP: the full form bot against a bare aiogram echo bot.

How: a fake Telegram Bot API (``tests/fakes/telegram_api.py``, ``sendMessage`` taking 30–70 ms
like the real one, every other method answered at once) runs in this process together with the
scripted citizens. The bot under test runs in a separate process (as in production, where
Telegram is another machine) and long polls the fake:

- the form bot is the real application (``build_app`` on SQLite or on a throw-away PostgreSQL
  database, clock fixed at 2026-12-03 08:00 WIB, day quotas raised to 10^6 so that no day fills
  up) with its Telegram frontend (``build_telegram`` + ``run_polling``), paced by
  ``Pacer(per_chat_burst=10**6, global_rate=10**6, global_burst=10**6)`` so that the pacing of
  Telegram's own limits is not what is measured;
- the echo bot is a bare aiogram ``Dispatcher`` with one handler ``message.answer(message.text)``.

``CHATS`` citizens talk at once, each in a loop "send an update, wait for the bot's answer, send
the next": for the form bot the 14 updates of the KTP-el recording form (``/start``, tap the
form, date of birth, tap the sex, NIK, name, KK number, place of birth, tap the kelurahan, phone,
email, tap a day, tap consent, tap send; then ``/start`` again with a fresh NIK), for the echo bot
a text and its echo. An update counts when the answer it waits for arrives. After ``WARMUP``
seconds the updates answered during the next ``WINDOW`` seconds are counted. The bot's CPU time
over the window (``/proc/<pid>/stat``, and ``/proc/<pid>/task/<pid>/stat`` for its main thread,
the event loop; the rest is the worker threads that run the dialog service, which on SQLite
runs on the event loop itself while the write lock is free) gives the CPU cost
of one update; the driver's own CPU use is shown too (near 100 % of a core the figures would be
capped by the driver, not the bot). Each figure is the median of ``RUNS`` runs; the load average
is printed with it, since other work on this 2-core machine shares the cores.

Usage: ``python -m bench telegram`` (PostgreSQL from ``BENCH_POSTGRES_URL``, default the local
test server; skipped with a note when it does not answer). ``BENCH_TELEGRAM_RUNS``,
``BENCH_TELEGRAM_WINDOW``, ``BENCH_TELEGRAM_CHATS`` and ``BENCH_TELEGRAM_DATABASES``
(``sqlite,postgresql``) change the defaults;
``BENCH_TELEGRAM_PROFILE=<dir>`` (with py-spy on PATH or at ``BENCH_PYSPY``) also samples the
bot over each window into ``<dir>/<bot>-<database>-run<n>.txt`` (collapsed stacks; with
``BENCH_TELEGRAM_PROFILE_GIL=1`` only the thread holding the GIL).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import drop_database, office_with_big_quota, pg_database
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser, Params, Upload

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
LATENCY = (0.03, 0.07)
CHATS = int(os.environ.get("BENCH_TELEGRAM_CHATS", "200"))
RUNS = int(os.environ.get("BENCH_TELEGRAM_RUNS", "3"))
WARMUP = 3.0
WINDOW = float(os.environ.get("BENCH_TELEGRAM_WINDOW", "12"))
REPLY_TIMEOUT = 30.0
HZ = os.sysconf("SC_CLK_TCK")

# The KTP-el recording form: (what to do, the fragment of the answer to wait for). "tap:x" taps
# the button whose label contains x on the latest message with buttons; "tap#i" the i-th button.
FORM_SCRIPT: tuple[tuple[str, str], ...] = (
    ("/start", "Pilih layanan"),
    ("tap:perekaman ktp-el", "Tanggal lahir Anda"),
    ("{dob}", "Jenis kelamin"),
    ("tap:laki-laki", "NIK Anda"),
    ("{nik}", "Nama lengkap"),
    ("Budi Santoso", "Nomor Kartu Keluarga"),
    ("3371012001150003", "Tempat lahir"),
    ("Magelang", "Kelurahan tempat"),
    ("tap:magersari", "Nomor HP"),
    ("0812-3456-7890", "Alamat email"),
    ("budi@contoh.com", "Pilih hari datang"),
    ("tap#1", "Persetujuan"),
    ("tap:saya setuju", "Periksa kembali"),
    ("tap:kirim", "diterima"),
)


def _identity(n: int) -> tuple[str, str]:
    """Date of birth and a valid NIK (Kota Magelang, born that day, male) for conversation n."""
    day = 1 + (n // 9999) % 28
    serial = 1 + n % 9999
    return f"{day:02d}-08-2000", f"337101{day:02d}0800{serial:04d}"


# --------------------------------------------------------------------------------------------
# The bots (each in its own process: ``python -m bench.telegram bot form|echo ...``)
# --------------------------------------------------------------------------------------------


def _run_form_bot(api_base: str, db_url: str, data_dir: str) -> None:
    from bot.bootstrap import build_app
    from bot.settings import Settings
    from bot.telegram.limits import Pacer
    from bot.telegram.setup import build_telegram, run_polling

    data = Path(data_dir)
    settings = Settings(
        data_dir=data,
        database_url=db_url,
        office_config=data / "office.yaml",
        _env_file=None,
    )
    app = build_app(settings, clock=lambda: NOW)
    frontend = build_telegram(
        token=FakeTelegramServer().token,
        api_base=api_base,
        dialog=app.dialog,
        files=app.files,
        pacer=Pacer(per_chat_burst=10**6, global_rate=10**6, global_burst=10**6),
    )
    try:
        asyncio.run(run_polling(frontend))
    finally:
        app.close()


def _run_echo_bot(api_base: str) -> None:
    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    async def run() -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
        bot = Bot(FakeTelegramServer().token, session=session)
        dispatcher = Dispatcher()

        @dispatcher.message(F.text)
        async def echo(message: Message) -> None:
            await message.answer(message.text or "")

        await dispatcher.start_polling(bot, handle_signals=False)

    asyncio.run(run())


def _bot_process(kind: str, api_base: str, db_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "bench.telegram", "bot", kind, api_base, db_url, str(data_dir)]
    log = (data_dir / f"{kind}-bot.log").open("wb")
    return subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def _exit_with_parent() -> None:
    """In the bot process: exit when the benchmark process is gone (even if it was killed)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """User + system CPU time of a process: (all its threads, its main thread = the event loop)."""

    def ticks(stat: Path) -> int:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    return ticks(Path(f"/proc/{pid}/stat")) / HZ, ticks(Path(f"/proc/{pid}/task/{pid}/stat")) / HZ


# --------------------------------------------------------------------------------------------
# The fake Telegram and the citizens (this process)
# --------------------------------------------------------------------------------------------


@dataclass
class _Citizen:
    """One scripted chat: waits for a bot message containing ``expect``."""

    user: FakeUser
    buttons: tuple[int, list[list[dict[str, Any]]]] | None = None
    expect: str | None = None
    arrived: asyncio.Future[None] | None = None
    history: list[str] = field(default_factory=list)

    def seen(self, raw: dict[str, Any]) -> None:
        markup = raw.get("reply_markup")
        if markup and markup.get("inline_keyboard"):
            self.buttons = (raw["message_id"], markup["inline_keyboard"])
        text = raw.get("text") or ""
        self.history = [*self.history[-3:], text[:120]]
        if self.expect is not None and self.expect in text and self.arrived is not None:
            if not self.arrived.done():
                self.arrived.set_result(None)
            self.expect = None

    def tap(self, what: str) -> None:
        assert self.buttons is not None, "no message with buttons yet"
        message_id, rows = self.buttons
        flat = [b for row in rows for b in row if b.get("callback_data")]
        if what.startswith("tap#"):
            button = flat[int(what[4:])]
        else:
            fragment = what[4:]
            button = next(b for b in flat if fragment in b["text"].lower())
        self.user.tap(button["callback_data"], message_id=message_id)


class _BenchServer(FakeTelegramServer):
    """The fake Bot API that also tells the citizens when the bot writes in their chat."""

    def __init__(self, first_update_id: int) -> None:
        super().__init__(latency=LATENCY)
        self.citizens: dict[int, _Citizen] = {}
        # Every run talks to the same database, which remembers the update ids it applied (a
        # redelivery is skipped): each fake Telegram numbers its updates from its own range.
        self._s.last_update_id = first_update_id

    def _tell(self, raw: Any) -> None:
        if isinstance(raw, dict):
            citizen = self.citizens.get(raw["chat"]["id"])
            if citizen is not None:
                citizen.seen(raw)

    async def _send_message(self, params: Params, files: dict[str, Upload]) -> Any:
        raw = await super()._send_message(params, files)
        self._tell(raw)
        return raw

    async def _edit_message_text(self, params: Params, files: dict[str, Upload]) -> Any:
        raw = await super()._edit_message_text(params, files)
        self._tell(raw)
        return raw


@dataclass
class _Tally:
    """Answered updates with their time, and chats that got stuck."""

    done: list[tuple[float, float]] = field(default_factory=list)
    """(when answered, seconds from the update to its answer)"""
    stuck: list[str] = field(default_factory=list)


async def _step(citizen: _Citizen, action: str, expect: str, tally: _Tally) -> bool:
    loop = asyncio.get_running_loop()
    sent = time.perf_counter()
    citizen.expect = expect
    citizen.arrived = loop.create_future()
    if action.startswith("tap"):
        citizen.tap(action)
    else:
        citizen.user.send_text(action)
    try:
        async with asyncio.timeout(REPLY_TIMEOUT):  # not wait_for: 3.11's can swallow a cancel
            await citizen.arrived
    except TimeoutError:
        return False
    now = time.perf_counter()
    tally.done.append((now, now - sent))
    return True


async def _form_citizen(citizen: _Citizen, tally: _Tally, numbers: list[int]) -> None:
    while True:
        numbers[0] += 1
        dob, nik = _identity(numbers[0])
        for action, expect in FORM_SCRIPT:
            act = action.format(dob=dob, nik=nik)
            if not await _step(citizen, act, expect, tally):
                tally.stuck.append(f"{act!r} waiting for {expect!r}; last: {citizen.history}")
                return


async def _echo_citizen(citizen: _Citizen, tally: _Tally) -> None:
    n = 0
    while True:
        n += 1
        text = f"halo {citizen.user.chat_id} nomor {n}"
        if not await _step(citizen, text, text, tally):
            tally.stuck.append(f"echo of {text!r}; last: {citizen.history}")
            return


_RUNS_STARTED = [0]


@dataclass
class Measured:
    """One run of one bot."""

    rate: float
    cpu_ms: float
    """Bot CPU milliseconds per answered update."""
    loop_ms: float
    """Of which in the bot's main thread (the event loop; the rest is worker threads)."""
    bot_cpu: float
    """Bot CPU use over the window (1.0 = one core)."""
    driver_cpu: float
    """CPU use of this process (fake Telegram + citizens) over the window."""
    median_ms: float
    """Median time from an update to its answer."""
    stuck: int
    load: tuple[float, float, float]


async def _measure(
    kind: str, db_url: str, data_dir: Path, run: int, numbers: list[int]
) -> Measured:
    _RUNS_STARTED[0] += 1
    server = _BenchServer(first_update_id=_RUNS_STARTED[0] * 100_000_000)
    await server.start()
    proc = _bot_process(kind, server.base_url, db_url, data_dir)
    tasks: list[asyncio.Task[None]] = []
    tally = _Tally()
    try:
        deadline = time.monotonic() + 60
        while not server.calls_to("getUpdates"):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (data_dir / f"{kind}-bot.log").read_text(errors="replace")
                raise RuntimeError(f"the {kind} bot did not start polling:\n{log[-3000:]}")
            await asyncio.sleep(0.05)
        base = 1_000_000 * (run + 1)
        for i in range(CHATS):
            user = server.user(chat_id=base + i, first_name=f"Warga {i}")
            citizen = _Citizen(user)
            server.citizens[user.chat_id] = citizen
            coro = (
                _form_citizen(citizen, tally, numbers)
                if kind == "form"
                else _echo_citizen(citizen, tally)
            )
            tasks.append(asyncio.create_task(coro))
        await asyncio.sleep(WARMUP)
        first = len(tally.done)
        t0, cpu0, own0 = time.perf_counter(), _cpu_seconds(proc.pid), time.process_time()
        spy = _profile(kind, db_url, run, proc.pid)
        await asyncio.sleep(WINDOW)
        t1, cpu1, own1 = time.perf_counter(), _cpu_seconds(proc.pid), time.process_time()
        answered = [waited for at, waited in tally.done[first:] if at <= t1]
        load = os.getloadavg()
        if spy is not None:
            await asyncio.to_thread(spy.wait)
        rate = len(answered) / (t1 - t0)
        return Measured(
            rate=rate,
            cpu_ms=(cpu1[0] - cpu0[0]) * 1000 / max(len(answered), 1),
            loop_ms=(cpu1[1] - cpu0[1]) * 1000 / max(len(answered), 1),
            bot_cpu=(cpu1[0] - cpu0[0]) / (t1 - t0),
            driver_cpu=(own1 - own0) / (t1 - t0),
            median_ms=statistics.median(answered) * 1000 if answered else float("inf"),
            stuck=len(tally.stuck),
            load=load,
        )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        proc.terminate()
        try:
            await asyncio.to_thread(proc.wait, 10)
        except subprocess.TimeoutExpired:
            proc.kill()
        await server.stop()
        for line in tally.stuck[:3]:
            print(f"    stuck: {line}")


def _profile(kind: str, db_url: str, run: int, pid: int) -> subprocess.Popen[bytes] | None:
    """With ``BENCH_TELEGRAM_PROFILE=<dir>``: py-spy samples the bot over the window (raw
    collapsed stacks, all threads, idle ones included, so waits show as well as work; with
    ``BENCH_TELEGRAM_PROFILE_GIL=1`` only the thread holding the GIL, which shows the CPU work
    that competes for it)."""
    out = os.environ.get("BENCH_TELEGRAM_PROFILE")
    spy = shutil.which("py-spy") or os.environ.get("BENCH_PYSPY")
    if not out or not spy:
        return None
    db = "none" if not db_url else db_url.split(":", 1)[0]
    target = Path(out) / f"{kind}-{db}-run{run}.txt"
    args = [spy, "record", "-p", str(pid), "-d", str(int(WINDOW)), "-r", "100", "-f", "raw"]
    only_gil = os.environ.get("BENCH_TELEGRAM_PROFILE_GIL") == "1"
    args += ["--threads", "--gil" if only_gil else "--idle", "-o", str(target)]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _show(label: str, runs: list[Measured]) -> float:
    rate = statistics.median(m.rate for m in runs)
    print(
        f"  {label:<22}: {rate:7.0f} updates/s  (runs {', '.join(f'{m.rate:.0f}' for m in runs)}; "
        f"bot CPU {statistics.median(m.cpu_ms for m in runs):.2f} ms/update of which event loop "
        f"{statistics.median(m.loop_ms for m in runs):.2f}, "
        f"bot {statistics.median(m.bot_cpu for m in runs):.0%} of a core, "
        f"driver {statistics.median(m.driver_cpu for m in runs):.0%}; "
        f"update to answer {statistics.median(m.median_ms for m in runs):.0f} ms (median); "
        f"load {' / '.join(f'{m.load[0]:.1f}' for m in runs)}"
        + (f"; STUCK chats {sum(m.stuck for m in runs)}" if any(m.stuck for m in runs) else "")
        + ")"
    )
    return rate


async def _all() -> None:
    from storage.migrate import upgrade

    data = Path(tempfile.mkdtemp(prefix="bench-telegram-"))
    office_with_big_quota(data)
    sqlite_url = f"sqlite:///{data / 'bench.sqlite3'}"
    upgrade(sqlite_url)
    wanted = os.environ.get("BENCH_TELEGRAM_DATABASES", "sqlite,postgresql").lower().split(",")
    pg = pg_database() if "postgresql" in wanted else None
    if pg is not None:
        upgrade(pg[1])
    databases = [("SQLite", sqlite_url)] if "sqlite" in wanted else []
    databases += [("PostgreSQL", pg[1])] if pg else []
    results: dict[str, list[Measured]] = {"echo": []}
    numbers = {label: [0] for label, _ in databases}
    for label, _ in databases:
        results[label] = []
    try:
        for run in range(RUNS):
            plan = [("echo", "echo", ""), *(("form", label, url) for label, url in databases)]
            for kind, label, url in plan:
                started = time.perf_counter()
                measured = await _measure(kind, url, data, run, numbers.get(label, [0]))
                results[label].append(measured)
                print(
                    f"    run {run + 1}/{RUNS} {label:<10}: {measured.rate:6.0f} updates/s "
                    f"(load {measured.load[0]:.1f}, {time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
    finally:
        if pg is not None:
            drop_database(*pg)
        shutil.rmtree(data, ignore_errors=True)
    echo = _show("echo bot (no database)", results["echo"])
    for label, _ in databases:
        rate = _show(f"form bot, {label}", results[label])
        verdict = "meets" if rate >= echo / 2 else "BELOW"
        print(f"    form/echo ratio on {label}: {rate / echo:.2f} ({verdict} the target of 0.50)")


def main() -> None:
    """Print every figure of this benchmark."""
    print(
        f"Telegram end to end: {CHATS} chats at once, sendMessage {LATENCY[0] * 1000:.0f}–"
        f"{LATENCY[1] * 1000:.0f} ms, bot in its own process long polling a fake Bot API; "
        f"updates answered in {WINDOW:.0f} s after {WARMUP:.0f} s warm-up, median of {RUNS} runs"
    )
    print(
        "  form bot paced by Pacer(per_chat_burst=10**6, global_rate=10**6, global_burst=10**6): "
        "Telegram's limits are not the bottleneck here"
    )
    print(f"  load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    signal.signal(signal.SIGTERM, _interrupt)  # clean up (bots, database) when terminated
    asyncio.run(_all())


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _bot_main(argv: list[str]) -> None:
    kind, api_base, db_url, data_dir = argv
    _exit_with_parent()
    with contextlib.suppress(KeyboardInterrupt):
        if kind == "form":
            _run_form_bot(api_base, db_url, data_dir)
        else:
            _run_echo_bot(api_base)


if __name__ == "__main__":
    if sys.argv[1:2] == ["bot"]:
        _bot_main(sys.argv[2:])
    else:
        main()

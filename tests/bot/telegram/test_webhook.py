"""The webhook endpoint: secret check, 200 only after saving, redeliveries, several workers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.dialog import ChatKey
from bot.telegram.setup import build_telegram
from storage.db import Database
from tests.bot.conftest import make_app
from tests.bot.telegram.harness import bot_env, button_data, fast_pacer, free_port
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser
from web.app import build_web_app, start_site
from web.webhook import WEBHOOK_PATH

SECRET = "s3cret-webhook-token-for-tests"


@contextlib.asynccontextmanager
async def webhook_app(
    tmp_path: Path, db_url: str
) -> AsyncIterator[tuple[FakeTelegramServer, str, object]]:
    server = FakeTelegramServer()
    await server.start()
    app = make_app(tmp_path, db_url)
    frontend = build_telegram(
        token=server.token,
        api_base=server.base_url,
        dialog=app.dialog,
        files=app.files,
        pacer=fast_pacer(),
    )
    port = free_port()
    runner = await start_site(
        build_web_app(telegram=frontend, webhook_secret=SECRET), host="127.0.0.1", port=port
    )
    try:
        yield server, f"http://127.0.0.1:{port}{WEBHOOK_PATH}", app
    finally:
        await runner.cleanup()
        await frontend.bot.session.close()
        await server.stop()
        await app.db.aclose()
        app.close()


async def _open_recording_form(server: FakeTelegramServer, url: str, chat_id: int) -> FakeUser:
    """A citizen who sent ``/start`` and chose KTP-el recording, both through the webhook."""
    user = server.user(chat_id=chat_id)
    await server.deliver_via_webhook(user.send_text("/start"), url=url, secret=SECRET)
    menu = server.sent_messages(chat_id)[-1]
    tap = user.tap(button_data(menu, "perekaman"))
    await server.deliver_via_webhook(tap, url=url, secret=SECRET)
    return user


async def test_wrong_secret_is_refused_and_changes_nothing(tmp_path: Path, db_url: str) -> None:
    async with webhook_app(tmp_path, db_url) as (server, url, app):
        user = server.user(chat_id=2001)
        update = user.send_text("/start")
        for secret in ("wrong", None, SECRET[:-1]):
            delivery = await server.deliver_via_webhook(update, url=url, secret=secret)
            assert delivery.status == 403
        assert server.sent_messages(2001) == []
        assert app.dialog.current(ChatKey("telegram", "2001")) is None
        delivery = await server.deliver_via_webhook(update, url=url, secret=SECRET)
        assert delivery.status == 200
        assert "Pilih layanan" in server.sent_messages(2001)[-1].text


async def test_answers_after_saving_and_applies_a_redelivery_once(
    tmp_path: Path, db_url: str
) -> None:
    async with webhook_app(tmp_path, db_url) as (server, url, app):
        user = await _open_recording_form(server, url, chat_id=2002)
        answer = user.send_text("17-08-2000")
        for _ in range(3):
            delivery = await server.deliver_via_webhook(answer, url=url, secret=SECRET)
            assert delivery.status == 200
            # saved before the 200: the state already holds the answer
            state = app.dialog.current(ChatKey("telegram", "2002"))
            assert state is not None
            assert state.answers["birth_date"] == "2000-08-17"
        asked = [m for m in server.sent_messages(2002) if "Jenis kelamin" in m.text]
        assert len(asked) == 1


async def test_not_an_update_is_a_bad_request(tmp_path: Path, db_url: str) -> None:
    import aiohttp

    async with webhook_app(tmp_path, db_url) as (_server, url, _app):
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=b"not json", headers=headers) as resp,
        ):
            assert resp.status == 400


@pytest.mark.postgres
async def test_a_database_out_of_reach_answers_503_and_the_redelivery_is_applied(
    tmp_path: Path, pg_url: str
) -> None:
    """PostgreSQL stops answering mid-form (steps on the event loop): the webhook answers 503,
    the citizen gets nothing (no apology for an update that will come again) and nothing is
    saved; Telegram's redelivery, once the database is back, is applied once."""
    async with webhook_app(tmp_path, pg_url) as (server, url, app):
        user = await _open_recording_form(server, url, chat_id=2004)
        sent = len(server.sent_messages(2004))
        reachable = app.db.url
        await app.db.aclose()
        app.db.url = str(make_url(reachable).set(port=free_port()))  # nothing listens there
        answer = user.send_text("17-08-2000")
        delivery = await server.deliver_via_webhook(answer, url=url, secret=SECRET)
        assert delivery.status == 503
        assert len(server.sent_messages(2004)) == sent
        await app.db.aclose()
        app.db.url = reachable
        state = app.dialog.current(ChatKey("telegram", "2004"))
        assert state is not None
        assert "birth_date" not in state.answers
        for _ in range(2):
            delivery = await server.deliver_via_webhook(answer, url=url, secret=SECRET)
            assert delivery.status == 200
        state = app.dialog.current(ChatKey("telegram", "2004"))
        assert state is not None
        assert state.answers["birth_date"] == "2000-08-17"
        asked = [m for m in server.sent_messages(2004) if "Jenis kelamin" in m.text]
        assert len(asked) == 1


class Worker:
    """One ``adminduk-bot serve`` process."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            env={**env, "WEB_HOST": "127.0.0.1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                return
            if self.proc.poll() is not None:
                out = self.proc.stdout.read() if self.proc.stdout else ""
                raise AssertionError(f"worker exited: {out}")
            time.sleep(0.1)
        raise AssertionError("worker did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_workers_share_postgresql(tmp_path: Path, pg_url: str) -> None:
    server = FakeTelegramServer()
    await server.start()
    env = bot_env(
        server,
        tmp_path,
        pg_url,
        WEBHOOK_SECRET=SECRET,
        TELEGRAM_RATE_GLOBAL="1000",
        TELEGRAM_RATE_CHAT_BURST="1000",
    )
    workers = [Worker(env, free_port()), Worker(env, free_port())]
    try:
        for w in workers:
            await asyncio.to_thread(w.wait_ready)
        user = server.user(chat_id=3001)

        async def send(update: dict, worker: Worker) -> int:  # type: ignore[type-arg]
            delivery = await server.deliver_via_webhook(update, url=worker.url, secret=SECRET)
            return delivery.status

        # Telegram's way: a chat's next update after the previous answer, alternating workers.
        assert await send(user.send_text("/start"), workers[0]) == 200
        menu = server.sent_messages(3001)[-1]
        assert await send(user.tap(button_data(menu, "perekaman")), workers[1]) == 200
        answers = ["17-08-2000", "1", "3371011708000001", "Budi Santoso", "3371012001150003"]
        for i, answer in enumerate(answers):
            assert await send(user.send_text(answer), workers[i % 2]) == 200
        assert "Tempat lahir" in server.sent_messages(3001)[-1].text

        # A burst: twenty updates of one chat at once, to both workers.
        burst = [user.send_text("/status") for _ in range(20)]
        statuses = await asyncio.gather(
            *(send(update, workers[i % 2]) for i, update in enumerate(burst))
        )
        assert statuses == [200] * 20
        db = Database(pg_url)
        with db.engine.connect() as conn:
            applied = conn.execute(text("SELECT count(*) FROM processed_update")).scalar_one()
            version = conn.execute(
                text("SELECT version FROM conversation WHERE chat_id = '3001'")
            ).scalar_one()
        db.dispose()
        assert applied == 2 + len(answers) + 20
        assert version == applied, "every update applied exactly once, one at a time"
        # the same burst again (a redelivery): nothing applied twice
        again = await asyncio.gather(*(send(u, workers[(i + 1) % 2]) for i, u in enumerate(burst)))
        assert again == [200] * 20
        db = Database(pg_url)
        with db.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT count(*) FROM processed_update")).scalar_one() == applied
            )
        db.dispose()
    finally:
        for w in workers:
            w.stop()
        await server.stop()

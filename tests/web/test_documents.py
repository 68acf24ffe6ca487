"""Documents end to end: issued at booking, delivered in the chat and by email, printed with the
PIN, verified from the QR link and by upload; SMTP outages; no secret in the logs."""

from __future__ import annotations

import asyncio
import email
import logging
import re
from collections.abc import AsyncIterator
from email import policy

import aiohttp
import pytest
from aiosmtpd.controller import Controller

from bot.bootstrap import App
from bot.mail import SmtpMailer
from tests.bot.conftest import Chat, ktp_answers_until_day, submit_damaged_replacement
from tests.bot.test_bookings import Recorder
from tests.web.server import free_port, serving
from web.app import build_web_app, document_pages

PIN_RE = re.compile(r"PIN <b>(\d{6})</b>")
URL_RE = re.compile(r"(http://\S+/d/[A-Za-z0-9_-]+)")


async def issue_booking_proof(app: App, chat_id: str = "doc-1") -> tuple[Recorder, str, str, bytes]:
    """Book, run the worker; the chat's PDF, PIN and print link."""
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat = Chat(app, chat_id)
    ktp_answers_until_day(chat)
    chat.tap("Senin, 7 Desember")
    chat.tap("Saya setuju")
    chat.tap("Kirim")
    await app.worker().run_once()
    [(ref, filename, pdf, caption)] = recorder.documents
    assert ref == chat.key.ref
    assert filename.startswith("BuktiDaftar-KTP-")
    assert filename.endswith("-2026-12-07.pdf")
    pin = PIN_RE.search(caption)
    url = URL_RE.search(caption)
    assert pin, caption
    assert url, caption
    return recorder, pin.group(1), url.group(1), pdf


async def post_pin(http: aiohttp.ClientSession, url: str, pin: str) -> tuple[int, bytes, str]:
    async with http.post(url, data={"pin": pin}) as resp:
        return resp.status, await resp.read(), resp.headers.get("Content-Type", "")


async def serve(app: App) -> AsyncIterator[str]:
    async with serving(
        build_web_app(telegram=None, webhook_secret=None, pages=document_pages(app))
    ) as base:
        yield base


def local(url: str, base: str) -> str:
    return base + url[url.index("/d/") :]


async def test_pdf_in_chat_email_and_print_page(app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _rec, pin, url, pdf = await issue_booking_proof(app)
    assert pdf.startswith(b"%PDF")
    await app.worker().run_once()  # the email job
    [eml] = list((app.settings.data_dir / "outbox").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "budi@contoh.com"
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert pin in body
    assert url in body
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert pin in html
    async for base in serve(app):
        async with aiohttp.ClientSession() as http:
            async with http.get(local(url, base)) as resp:
                page = await resp.text()
                assert resp.status == 200
                assert "Masukkan PIN 6 angka" in page
                assert resp.headers["Referrer-Policy"] == "no-referrer"
            status, body_bytes, ctype = await post_pin(http, local(url, base), pin)
            assert status == 200
            assert ctype == "application/pdf"
            assert body_bytes == pdf, "the print page serves the very bytes sent in the chat"
    for record in caplog.records:
        line = record.getMessage()
        assert pin not in line
        assert url.rsplit("/", 1)[1] not in line


async def test_five_wrong_pins_lock_and_a_new_pin_unlocks(app: App) -> None:
    _rec, pin, url, _pdf = await issue_booking_proof(app, "doc-2")
    wrong = "000000" if pin != "000000" else "111111"
    async for base in serve(app):
        async with aiohttp.ClientSession() as http:
            for attempt in range(1, 5):
                status, page, _ = await post_pin(http, local(url, base), wrong)
                assert status == 401
                assert f"Sisa percobaan: {5 - attempt}" in page.decode()
            status, page, _ = await post_pin(http, local(url, base), wrong)
            assert status == 403
            assert "dikunci" in page.decode()
            status, page, _ = await post_pin(http, local(url, base), pin)
            assert status == 403, "even the right PIN is refused once locked"
            token = url.rsplit("/", 1)[1]
            doc = app.docs.by_token(token)
            assert doc is not None
            new_pin = await app.documents.renew_pin(doc)
            status, _pdf, ctype = await post_pin(http, local(url, base), new_pin)
            assert status == 200
            assert ctype == "application/pdf"


async def test_verification_page_and_upload(app: App) -> None:
    _rec, _pin, url, pdf = await issue_booking_proof(app, "doc-3")
    doc = app.docs.by_token(url.rsplit("/", 1)[1])
    assert doc is not None
    async for base in serve(app):
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/v/{doc.verify_id}") as resp:
                page = await resp.text()
            assert "Dokumen SAH" in page
            assert "BUDI SANTOSO" in page
            assert "3371xxxxxxxx0001" in page
            assert "3371011708000001" not in page
            async with http.get(f"{base}/v/not-a-real-id?lang=en") as resp:
                assert resp.status == 404
                assert "not issued by our office" in await resp.text()

            async def upload(data: bytes, base: str = base) -> str:
                form = aiohttp.FormData()
                form.add_field("pdf", data, filename="x.pdf", content_type="application/pdf")
                async with http.post(f"{base}/v", data=form) as resp:
                    return await resp.text()

            good = await upload(pdf)
            assert 'class="box ok"' in good
            assert doc.number in good
            middle = len(pdf) // 3
            flipped = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
            bad = await upload(flipped)
            assert 'class="box bad"' in bad
            assert "bukan PDF" in await upload(b"GIF89a not a pdf")


class Sink:
    """An SMTP server that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append(envelope.content)
        return "250 OK"


async def test_smtp_down_then_up_delivers_exactly_once(app: App) -> None:
    port = free_port()
    app.documents._mailer = SmtpMailer(host="127.0.0.1", port=port, starttls=False, timeout=5)
    _rec, pin, _url, _pdf = await issue_booking_proof(app, "doc-4")
    worker = app.worker()

    async def run_due() -> None:
        with app.db.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE outbox_job SET run_at = created_at WHERE kind = 'document.email'"
            )
        await worker.run_once()

    await run_due()  # server down: the attempt fails and is rescheduled
    [job] = [j for j in [app.outbox.find(k) for k in _email_keys(app)] if j]
    assert job["status"] == "pending"
    assert job["attempts"] == 1
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await run_due()
        await run_due()  # a done job is not sent again
        assert len(sink.messages) == 1
        assert pin.encode() in sink.messages[0]
        [job] = [j for j in [app.outbox.find(k) for k in _email_keys(app)] if j]
        assert job["status"] == "done"
    finally:
        controller.stop()


def _email_keys(app: App) -> list[str]:
    with app.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT key FROM outbox_job WHERE kind = 'document.email'")
        return [r[0] for r in rows]


async def test_issue_command_for_an_application(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat = Chat(app, "doc-5")
    submit_damaged_replacement(chat)
    from sqlmodel import select

    from storage.models import Submission

    with app.db.session() as s:
        [sub] = list(s.exec(select(Submission)))
    assert app.documents.queue_for_reference(sub.reference) == "application"
    await app.worker().run_once()
    [(_ref, filename, pdf, caption)] = recorder.documents
    assert filename.startswith(f"Formulir-{sub.reference}")
    assert pdf.startswith(b"%PDF")
    assert "PIN" in caption
    await asyncio.sleep(0)


async def test_status_lists_documents_and_gives_a_new_pin(app: App) -> None:
    from bot.dialog import StatusCmd
    from flows.protocol import Tap

    _rec, old_pin, url, pdf = await issue_booking_proof(app, "doc-6")
    chat = Chat(app, "doc-6")
    [status] = app.dialog.handle(chat.key, StatusCmd())
    assert "📄 Dokumen BP/2026/" in status.text
    button = next(b for b in status.button_list() if "PIN baru" in b.label)
    [reply] = app.dialog.handle(chat.key, Tap(button.data))
    match = re.search(r"<b>(\d{6})</b>", reply.text)
    assert match
    new_pin = match.group(1)
    intruder = Chat(app, "someone-else")
    [refused] = app.dialog.handle(intruder.key, Tap(button.data))
    assert "tidak ditemukan" in refused.text
    async for base in serve(app):
        async with aiohttp.ClientSession() as http:
            if new_pin != old_pin:
                status_code, _, _ = await post_pin(http, local(url, base), old_pin)
                assert status_code == 401, "the old PIN no longer works"
            status_code, body, _ = await post_pin(http, local(url, base), new_pin)
            assert status_code == 200
            assert body == pdf

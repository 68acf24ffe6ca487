"""The citizen's pages in a real headless Chromium on a phone-sized screen: the print page (PIN,
wrong PIN, lock, English) and the verification page (QR link, PDF upload, tampered PDF).

One browser for the module; each test gets its own application (SQLite), web server and browser
context. Screenshots of every page state go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from bot.bootstrap import App
from tests.web.browser import (
    PHONE,
    PostCapture,
    assert_fits_phone,
    chromium,
    lines_of,
    new_tab,
    screenshot,
)
from tests.web.server import serving
from tests.web.test_documents import issue_booking_proof, local
from web.app import build_web_app, document_pages

if TYPE_CHECKING:
    from playwright.async_api import Browser, FilePayload, Page

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

FULL_NIK = "3371011708000001"
MASKED_NIK = "3371xxxxxxxx0001"


@dataclass
class Issued:
    """A booking proof issued by the worker and the server that shows it."""

    app: App
    base: str
    pin: str
    print_url: str
    pdf: bytes
    filename: str

    @property
    def token(self) -> str:
        return self.print_url.rsplit("/", 1)[1]

    @property
    def wrong_pin(self) -> str:
        return "000000" if self.pin != "000000" else "111111"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the module (skipped, or failed under CI, when missing)."""
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="module")
async def issued(sqlite_app: App) -> AsyncIterator[Issued]:
    """A booking proof, and the real web application serving it on a free local port."""
    recorder, pin, url, pdf = await issue_booking_proof(sqlite_app, "browser-1")
    [(_ref, filename, _pdf, _caption)] = recorder.documents
    async with serving(
        build_web_app(telegram=None, webhook_secret=None, pages=document_pages(sqlite_app))
    ) as base:
        yield Issued(sqlite_app, base, pin, local(url, base), pdf, filename)


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh phone-sized tab whose browser prefers Indonesian."""
    async with new_tab(
        browser,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
    ) as tab:
        yield tab


async def submit_pin(page: Page, pin: str) -> None:
    await page.fill("#pin", pin)
    async with page.expect_navigation():
        await page.click("button[type=submit]")


async def test_print_page_wrong_pin_then_the_pdf(page: Page, issued: Issued) -> None:
    response = await page.goto(issued.print_url)
    assert response is not None
    assert response.status == 200
    assert await page.inner_text("h1") == "Cetak dokumen"
    body = await page.inner_text("body")
    assert "Masukkan PIN 6 angka yang dikirim lewat Telegram atau email." in body
    assert "Nomor dokumen" in body
    assert "kertas HVS A4" in body
    pin_field = page.locator("#pin")
    assert await pin_field.is_visible()
    assert await pin_field.get_attribute("type") == "password"
    assert await pin_field.get_attribute("inputmode") == "numeric"
    assert await page.evaluate("document.activeElement.id") == "pin", "the PIN field has focus"
    assert await page.inner_text("button[type=submit]") == "Buka PDF untuk dicetak"
    await assert_fits_phone(page)
    await screenshot(page, "print-pin")

    await submit_pin(page, issued.wrong_pin)
    alert = await page.inner_text("[role=alert]")
    assert "PIN salah. Sisa percobaan: 4." in alert
    assert await page.locator("#pin").input_value() == "", "the wrong PIN is not kept in the field"
    await assert_fits_phone(page)
    await screenshot(page, "print-wrong-pin")

    capture = PostCapture()
    await capture.attach(page, f"**/d/{issued.token}*")
    async with page.expect_response(
        lambda r: r.request.method == "POST" and f"/d/{issued.token}" in r.url
    ) as info:
        await page.fill("#pin", issued.pin)
        await page.click("button[type=submit]")
    pdf_response = await info.value
    assert pdf_response.status == 200
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert pdf_response.headers["content-disposition"] == f'inline; filename="{issued.filename}"'
    assert capture.post_data == [f"pin={issued.pin}"], "the browser posted the typed PIN"
    assert capture.bodies == [issued.pdf], "the browser received the very PDF sent in the chat"


async def test_print_page_in_english(page: Page, issued: Issued) -> None:
    await page.goto(issued.print_url)
    async with page.expect_navigation():
        await page.click("nav a")
    assert page.url.endswith("?lang=en")
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.inner_text("h1") == "Print your document"
    body = await page.inner_text("body")
    assert "Enter the 6-digit PIN sent to you on Telegram or by email." in body
    assert "Document number" in body
    assert await page.inner_text("button[type=submit]") == "Open the PDF to print"
    assert await page.inner_text("nav a") == "Bahasa Indonesia"
    await assert_fits_phone(page)
    await screenshot(page, "print-en")

    await submit_pin(page, issued.wrong_pin)
    assert "Wrong PIN. Attempts left: 4." in await page.inner_text("[role=alert]")
    assert page.url.endswith("?lang=en"), "the form keeps the language"


async def test_five_wrong_pins_lock_the_link(page: Page, issued: Issued) -> None:
    await page.goto(issued.print_url)
    for attempt in range(1, 5):
        await submit_pin(page, issued.wrong_pin)
        assert f"Sisa percobaan: {5 - attempt}." in await page.inner_text("[role=alert]")
    await submit_pin(page, issued.wrong_pin)
    locked = await page.inner_text("[role=alert]")
    assert "Tautan ini dikunci karena PIN salah 5 kali" in locked
    assert "/status" in locked
    assert await page.locator("#pin").count() == 0, "no PIN field on a locked link"
    await assert_fits_phone(page)
    await screenshot(page, "print-locked")

    response = await page.goto(issued.print_url)
    assert response is not None
    assert "dikunci" in await page.inner_text("[role=alert]"), "the lock outlives the page"


async def test_verification_page_and_upload(page: Page, issued: Issued) -> None:
    doc = issued.app.docs.by_token(issued.token)
    assert doc is not None
    response = await page.goto(f"{issued.base}/v/{doc.verify_id}")
    assert response is not None
    assert response.status == 200
    assert await page.inner_text("h1") == "Verifikasi dokumen"
    status_box = page.locator(".box").first
    assert "ok" in (await status_box.get_attribute("class") or "").split()
    box = await status_box.inner_text()
    assert "Dokumen SAH" in box
    assert "BUDI SANTOSO" in box
    assert MASKED_NIK in box
    assert doc.number in box
    assert FULL_NIK not in await page.content()
    assert await lines_of(page, MASKED_NIK) == 1, "the NIK is not broken across lines"
    await assert_fits_phone(page)
    await screenshot(page, "verify-valid")

    async def upload(data: bytes) -> tuple[list[str], str]:
        payload: FilePayload = {
            "name": issued.filename,
            "mimeType": "application/pdf",
            "buffer": data,
        }
        await page.set_input_files("#pdf", files=[payload])
        async with page.expect_navigation():
            await page.click("button[type=submit]")
        verdict = page.locator("#verdict")
        return (await verdict.get_attribute("class") or "").split(), await verdict.inner_text()

    classes, text = await upload(issued.pdf)
    assert "ok" in classes, text
    assert text.startswith("SAH: ditandatangani secara elektronik oleh")
    assert "tidak berubah sejak itu" in text
    assert doc.number in text
    assert MASKED_NIK in text
    assert await lines_of(page, MASKED_NIK) == 1, "the NIK is not broken across lines"
    await assert_fits_phone(page)
    await screenshot(page, "verify-upload-ok")

    middle = len(issued.pdf) // 3
    flipped = issued.pdf[:middle] + bytes([issued.pdf[middle] ^ 0x01]) + issued.pdf[middle + 1 :]
    classes, text = await upload(flipped)
    assert "bad" in classes, text
    assert "TIDAK SAH" in text
    assert doc.number not in text, "a changed file is not matched to the issued document"
    await assert_fits_phone(page)
    await screenshot(page, "verify-upload-bad")

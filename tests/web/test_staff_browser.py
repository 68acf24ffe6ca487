"""The staff pages in a real headless Chromium at a desk-PC screen (1280x900): sign-in with a
wrong then the right password, the day's list with check-in at the door (36,5 admitted, 38,2
refused), reviewing requests made through the dialog (approve, reject with a reason), completing
the new KK of a KK change and approving it, and the CSRF token, the session cookie and sign-out.

One browser for the module; each test gets its own application (SQLite), web server and browser
context. Screenshots of every page state go to ``test-artifacts/browser/staff-*.png``.

The server is the production wiring, ``build_web_app(..., staff=app)``, except for the day list:
check-in is only possible on the booking's own day, so there the staff pages get a clock stopped
on that Monday (``add_staff_routes(..., clock=...)``) instead of the wall clock; the KK page checks
birth dates against "today", so it gets the clock of the day the citizen applied.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest
import pytest_asyncio
from sqlmodel import select

from bot.bootstrap import App
from storage.models import OutboxJob
from storage.staff_models import CheckIn, SubmissionReview
from tests.bot.conftest import NOW, Chat, make_app, submit_newborn
from tests.bot.test_bookings import Recorder
from tests.web.browser import chromium, new_tab, screenshot
from tests.web.test_staff import (
    MONDAY,
    PASSWORD,
    Clock,
    add_staff,
    book,
    status_of,
    submit_replacement,
)
from tests.web.test_staff import serve as serve_staff
from web.staff_auth import COOKIE

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Response, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

DESK: Final[ViewportSize] = {"width": 1280, "height": 900}
"""A desk PC's browser window at the office."""
STAFF_NAME: Final = "Sari Wulandari"
CSRF_REFUSED: Final = "token keamanan salah"
LOGIN_TITLE: Final = "Masuk petugas"
HOME_TITLE: Final = "Beranda petugas"


def serve(app: App, clock: Clock | None = None) -> AbstractAsyncContextManager[str]:
    """The web application on a free local port: as in production, or with ``clock`` for the
    staff pages' "today"."""
    return serve_staff(app, clock, pages=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the module (skipped, or failed under CI, when missing)."""
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh desk-sized tab whose browser prefers Indonesian."""
    async with new_tab(browser, viewport=DESK, locale="id-ID") as tab:
        yield tab


async def navigate(page: Page, action: Callable[[], Awaitable[Any]]) -> Response:
    """Do ``action`` (a click) and wait for the page it leads to (after any redirect)."""
    async with page.expect_navigation() as info:
        await action()
    response = await info.value
    assert response is not None
    return response


async def sign_in(page: Page, base: str, password: str = PASSWORD) -> Response:
    """Open the sign-in page and sign in as ``sari``."""
    await page.goto(f"{base}/staff/login")
    await page.fill("#username", "sari")
    await page.fill("#password", password)
    return await navigate(page, lambda: page.click("main form button[type=submit]"))


async def notice(page: Page) -> str:
    """The page's notice (the flash after a POST, or an error)."""
    return await page.inner_text("main [role=alert]")


def issue_jobs(app: App, reference: str) -> list[dict[str, Any]]:
    """The ``document.issue`` jobs of ``reference`` in the outbox."""
    with app.db.session() as s:
        keys = [
            job.key
            for job in s.exec(select(OutboxJob).where(OutboxJob.kind == "document.issue")).all()
            if job.payload.get("reference") == reference
        ]
    jobs = [app.outbox.find(key) for key in keys]
    return [job for job in jobs if job is not None]


# -- (1) sign-in -------------------------------------------------------------------------------


async def test_sign_in_wrong_then_right_password(page: Page, sqlite_app: App) -> None:
    app = sqlite_app
    add_staff(app)
    async with serve(app) as base:
        response = await page.goto(f"{base}/staff/")
        assert response is not None
        assert response.status == 200
        assert "/staff/login" in page.url, "a staff page without a session goes to sign-in"
        assert await page.inner_text("h1") == LOGIN_TITLE
        assert await page.get_attribute("html", "lang") == "id"
        assert await page.evaluate("document.activeElement.id") == "username"
        assert await page.get_attribute("#password", "type") == "password"
        assert await page.locator("header nav").count() == 0, "no staff menu before sign-in"
        await screenshot(page, "staff-signin")

        response = await sign_in(page, base, "salah-sama-sekali")
        assert response.status == 401
        assert "Nama pengguna atau kata sandi salah." in await notice(page)
        assert await page.input_value("#username") == "sari", "the username is kept"
        assert await page.input_value("#password") == "", "the password is not"
        assert not [c for c in await page.context.cookies() if c["name"] == COOKIE]
        await screenshot(page, "staff-signin-wrong")

        response = await sign_in(page, base)
        assert response.status == 200
        assert page.url == f"{base}/staff/"
        assert await page.inner_text("h1") == HOME_TITLE
        assert STAFF_NAME in await page.inner_text("header")
        assert await page.locator("header nav a").count() == 5, "no audit link for non-admins"
        [cookie] = [c for c in await page.context.cookies() if c["name"] == COOKIE]
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/staff"
        await screenshot(page, "staff-home")


# -- (2) the day's list and check-in --------------------------------------------------------


async def test_day_list_and_check_in(page: Page, tmp_path: Path, sqlite_url: str) -> None:
    citizens = make_app(tmp_path, sqlite_url)  # Thursday: the citizens book in the chat
    well = book(citizens, "b-1", "3371011708000001", "Budi Santoso")
    fever = book(citizens, "b-2", "3371011708000002", "Siti Aminah")
    citizens.close()
    app = make_app(tmp_path, sqlite_url, now=MONDAY)  # Monday: they come to the office
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    add_staff(app)
    try:
        async with serve(app, Clock(MONDAY)) as base:
            await sign_in(page, base)
            await navigate(page, lambda: page.click("header nav a[href='/staff/bookings']"))
            assert await page.inner_text("h1") == "Antrean dan pemeriksaan di pintu"
            assert await page.inner_text("main h2") == "Senin, 7 Desember 2026"
            assert "2/30 terisi" in await page.inner_text("main .tabs strong")
            row = page.locator(f"#b-{well}")
            cells = await row.locator("td").all_inner_texts()
            assert cells[:4] == ["1", well, "BUDI SANTOSO", "3371xxxxxxxx0001"]
            assert "3371xxxxxxxx0002" in await page.inner_text(f"#b-{fever}")
            html = await page.content()
            assert "3371011708000001" not in html
            assert "3371011708000002" not in html
            assert "Batas suhu masuk: 37,5 °C" in await page.inner_text("main")
            await screenshot(page, "staff-bookings")

            await page.fill(f"#temp-{well}", "36,5")
            await navigate(page, lambda: row.locator("button[type=submit]").click())
            assert "Antrean 1" in await notice(page)
            assert f"({well}) boleh masuk. Suhu 36,5 °C." in await notice(page)
            assert "ok" in ((await page.get_attribute("main .notice", "class")) or "").split()
            assert "✔ Masuk 08:00, 36,5 °C" in await row.inner_text()
            assert await page.locator(f"#temp-{well}").count() == 0, "admitted: no second check-in"
            assert "3371011708000001" not in await page.content()
            await screenshot(page, "staff-checkin-ok")

            await page.fill(f"#temp-{fever}", "38,2")
            await navigate(page, lambda: page.locator(f"#b-{fever} button[type=submit]").click())
            refused = await notice(page)
            assert "suhu 38,2 °C di atas batas 37,5 °C" in refused
            assert f"Antrean 2 ({fever}) TIDAK boleh masuk hari ini" in refused
            assert "bad" in ((await page.get_attribute("main .notice", "class")) or "").split()
            assert "✖ Ditolak 08:00, 38,2 °C" in await page.inner_text(f"#b-{fever}")
            assert "✔ Masuk 08:00, 36,5 °C" in await row.inner_text()
            html = await page.content()
            assert "3371011708000001" not in html
            assert "3371011708000002" not in html
            await screenshot(page, "staff-checkin-refused")

        with app.db.session() as s:
            checkins = s.exec(select(CheckIn).order_by(CheckIn.id)).all()  # type: ignore[arg-type]
            assert [(c.booking_code, c.temperature, c.admitted) for c in checkins] == [
                (well, 36.5, True),
                (fever, 38.2, False),
            ]
        [(ref, told)] = recorder.sent
        assert ref == "test:b-2"
        assert "38,2 °C" in told.text
        assert "37,5 °C" in told.text
    finally:
        app.close()


# -- (3) reviews ----------------------------------------------------------------------------


async def test_review_approve_and_reject(page: Page, sqlite_app: App) -> None:
    app = sqlite_app
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    lost = submit_replacement(app, "g-1", "3371011203850002", "Budi Santoso")
    other = submit_replacement(app, "g-2", "3371015005900004", "Siti Aminah")
    add_staff(app)
    async with serve(app) as base:
        await sign_in(page, base)
        await navigate(page, lambda: page.click("header nav a[href='/staff/reviews']"))
        table = await page.inner_text("main table")
        for text in (lost, other, "Penggantian KTP-el", "BUDI SANTOSO", "SITI AMINAH"):
            assert text in table
        await screenshot(page, "staff-reviews")

        await navigate(page, lambda: page.click(f"main a[href='/staff/reviews/{lost}']"))
        assert lost in await page.inner_text("h1")
        answers = await page.inner_text("main table")
        for text in ("Alasan penggantian", "Hilang", "Nomor Kartu Keluarga", "BUDI SANTOSO"):
            assert text in answers
        assert "lapor.png" in await page.inner_text("main ul")
        assert status_of(app, lost) == "in_review", "opening it puts it in review"
        await screenshot(page, "staff-review")

        await navigate(page, lambda: page.click("form[action$='/approve'] button"))
        assert page.url == f"{base}/staff/reviews"
        assert f"Permohonan {lost} disetujui" in await notice(page)
        assert lost not in await page.inner_text("main table"), "decided: off the list"
        await screenshot(page, "staff-approved")
        assert status_of(app, lost) == "issued"
        [job] = issue_jobs(app, lost)
        assert job["kind"] == "document.issue"
        assert job["status"] == "pending"
        assert job["payload"]["kind"] == "application"

        await navigate(page, lambda: page.click(f"main a[href='/staff/reviews/{other}']"))
        reason = "Foto surat kehilangan <tidak terbaca>"
        await page.fill("#reason", reason)
        await navigate(page, lambda: page.click("form[action$='/reject'] button"))
        assert f"Permohonan {other} ditolak" in await notice(page)
        await navigate(page, lambda: page.goto(f"{base}/staff/reviews/{other}"))
        decided = await page.inner_text("main dl")
        assert reason in decided, "the reason is shown as text, not markup"
        assert "ditolak" in decided
        assert "Berkas ini sudah diputuskan: ditolak." in await page.inner_text("main")
        assert await page.locator("form[action$='/approve']").count() == 0
        await screenshot(page, "staff-rejected")

    assert status_of(app, other) == "rejected"
    assert issue_jobs(app, other) == []
    with app.db.session() as s:
        reviews = s.exec(select(SubmissionReview).order_by(SubmissionReview.id)).all()  # type: ignore[arg-type]
        assert [(r.reference, r.decision, r.reason) for r in reviews] == [
            (lost, "approved", None),
            (other, "rejected", reason),
        ]
    told = dict(recorder.sent)
    assert lost in told["test:g-1"].text
    assert "disetujui" in told["test:g-1"].text
    assert "Foto surat kehilangan &lt;tidak terbaca&gt;" in told["test:g-2"].text


# -- (4) the new KK of a KK change ------------------------------------------------------------


async def test_complete_the_kk_and_approve(page: Page, sqlite_app: App) -> None:
    app = sqlite_app
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    reference = submit_newborn(Chat(app, "kk-1"))
    add_staff(app)
    async with serve(app, Clock(NOW)) as base:
        await sign_in(page, base)
        await page.goto(f"{base}/staff/reviews/{reference}")
        assert "Belum dilengkapi" in await page.inner_text("main")
        await navigate(page, lambda: page.click("form[action$='/approve'] button"))
        assert "Belum dapat disetujui: lengkapi dulu data KK baru" in await notice(page)
        assert status_of(app, reference) == "in_review"
        assert issue_jobs(app, reference) == []

        await navigate(page, lambda: page.click("main a[href$='/kk']"))
        assert await page.inner_text("h1") == f"Data KK baru — {reference}"
        assert await page.input_value("#f-kk_number") == "3371012001150003"
        assert await page.input_value("#f-head_name") == "BUDI SANTOSO"
        assert await page.input_value("#f-members-1-name") == "AYU LESTARI SANTOSO"
        assert await page.input_value("#f-members-1-relationship") == "ANAK"
        assert await page.input_value("#f-kecamatan") == "MAGELANG SELATAN"

        await page.fill("#f-street", "Jl. Tidar No. 12")
        await page.fill("#f-rt", "1")
        await page.fill("#f-rw", "4")
        await page.select_option("#f-kelurahan", "MAGERSARI")
        await page.fill("#f-postal_code", "56126")
        head = {
            "birth_place": "Magelang",
            "occupation": "KARYAWAN SWASTA",
            "marriage_date": "30-06-2012",
            "father_name": "Slamet Riyadi",
            "mother_name": "Sri Wahyuni",
        }
        for name, value in head.items():
            await page.fill(f"#f-members-0-{name}", value)
        for name, value in (
            ("religion", "ISLAM"),
            ("education", "DIPLOMA IV/STRATA I"),
            ("blood_type", "O"),
            ("marital_status", "KAWIN TERCATAT"),
        ):
            await page.select_option(f"#f-members-0-{name}", value)
        await page.fill("#f-members-1-nik", "3371014111260000")
        await page.select_option("#f-members-1-religion", "ISLAM")

        await navigate(page, lambda: page.click("button[value=add]"))
        assert "Perubahan belum disimpan" in await page.inner_text("#kk-unsaved")
        assert await page.input_value("#f-street") == "Jl. Tidar No. 12", "nothing lost"
        assert await page.input_value("#f-members-2-citizenship") == "WNI"
        wife = {
            "name": "Siti Aminah",
            "nik": "3371015708900001",
            "birth_place": "Temanggung",
            "birth_date": "17-08-1990",
            "occupation": "MENGURUS RUMAH TANGGA",
            "marriage_date": "30-06-2012",
            "father_name": "Ahmad Fauzi",
            "mother_name": "Nur'aini",
        }
        for name, value in wife.items():
            await page.fill(f"#f-members-2-{name}", value)
        for name, value in (
            ("sex", "P"),
            ("religion", "ISLAM"),
            ("education", "SLTA/SEDERAJAT"),
            ("blood_type", "A"),
            ("relationship", "ISTRI"),
            ("marital_status", "KAWIN TERCATAT"),
        ):
            await page.select_option(f"#f-members-2-{name}", value)
        await screenshot(page, "staff-kk")

        response = await navigate(page, lambda: page.click("p.actions button[value=save]"))
        assert response.status == 422
        summary = await page.inner_text("#kk-errors")
        assert "Data KK belum disimpan: 1 isian perlu diperbaiki" in summary
        assert "Anggota 2 · NIK" in summary
        assert await page.get_attribute("#f-members-1-nik", "aria-invalid") == "true"
        assert "Nomor urut 0000" in await page.inner_text("#f-members-1-nik-error")
        assert await page.input_value("#f-members-1-nik") == "3371014111260000", "as typed"
        assert await page.input_value("#f-members-2-mother_name") == "Nur'aini"
        assert await page.input_value("#f-members-2-relationship") == "ISTRI"
        await screenshot(page, "staff-kk-errors")

        await page.fill("#f-members-1-nik", "3371014111260001")
        await navigate(page, lambda: page.press("#f-postal_code", "Enter"))  # the default: save
        assert page.url == f"{base}/staff/reviews/{reference}"
        assert f"Data KK baru {reference} disimpan" in await notice(page)
        assert "Sudah dilengkapi oleh sari pada 03-12-2026 08:00" in await page.inner_text("main")
        await screenshot(page, "staff-kk-saved")

        await navigate(page, lambda: page.click("form[action$='/approve'] button"))
        assert f"Permohonan {reference} disetujui" in await notice(page)
    assert status_of(app, reference) == "issued"
    [job] = issue_jobs(app, reference)
    assert job["payload"]["kind"] == "family_card"
    told = dict(recorder.sent)["test:kk-1"]
    assert "disetujui" in told.text


# -- (5) CSRF, session, sign-out --------------------------------------------------------------


async def test_csrf_session_and_sign_out(page: Page, sqlite_app: App) -> None:
    app = sqlite_app
    reference = submit_replacement(app, "g-5", "3371011203850002", "Budi Santoso")
    add_staff(app)
    async with serve(app) as base:
        await sign_in(page, base)
        review = f"{base}/staff/reviews/{reference}"
        await page.goto(review)
        assert status_of(app, reference) == "in_review"

        await page.evaluate(
            """() => {
                const field = document.querySelector("form[action$='/approve'] input[name=csrf]");
                field.value = "x".repeat(43);
            }"""
        )
        response = await navigate(page, lambda: page.click("form[action$='/approve'] button"))
        assert response.status == 403
        assert CSRF_REFUSED in await notice(page)
        assert "Tidak ada yang diubah." in await notice(page)
        await screenshot(page, "staff-csrf-refused")
        assert status_of(app, reference) == "in_review"
        assert issue_jobs(app, reference) == []

        await page.goto(review)
        await page.context.clear_cookies(name=COOKIE)
        await page.fill("#reason", "Data tidak lengkap")
        response = await navigate(page, lambda: page.click("form[action$='/reject'] button"))
        assert page.url == f"{base}/staff/login", "no session: back to sign-in, nothing done"
        assert response.status == 200
        assert await page.inner_text("h1") == LOGIN_TITLE
        await screenshot(page, "staff-no-session")
        assert status_of(app, reference) == "in_review"
        with app.db.session() as s:
            assert s.exec(select(SubmissionReview)).all() == []

        await sign_in(page, base)
        [cookie] = [c for c in await page.context.cookies() if c["name"] == COOKIE]
        await navigate(page, lambda: page.click("header form button[type=submit]"))
        assert page.url == f"{base}/staff/login?bye=1"
        assert "Anda sudah keluar." in await page.inner_text("main .notice")
        assert not [c for c in await page.context.cookies() if c["name"] == COOKIE]
        await screenshot(page, "staff-signed-out")

        await page.goto(review)
        assert page.url == f"{base}/staff/login?next=%2Fstaff%2Freviews%2F{reference}"
        assert await page.inner_text("h1") == LOGIN_TITLE
        assert await page.locator("header nav").count() == 0

        await page.context.add_cookies(  # the old cookie, kept by someone
            [{"name": COOKIE, "value": cookie["value"], "domain": "127.0.0.1", "path": "/staff"}]
        )
        await page.goto(f"{base}/staff/bookings")
        assert "/staff/login" in page.url
        assert "expired=1" in page.url
        assert "Sesi berakhir" in await page.inner_text("main .notice")
        await screenshot(page, "staff-signed-out-old-cookie")
    assert status_of(app, reference) == "in_review"

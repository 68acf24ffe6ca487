"""The staff pages end to end on a real server: accounts and sign-in, throttling, CSRF, session
cookies, the day list with check-in at the door, reviews, hand-offs, quotas and closed days, the
CSV export, and the audit trail."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import logging
import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from sqlmodel import select

import web.staff as staff_module
from bot.bootstrap import App
from bot.staff_cli import cmd_staff_add
from flows.protocol import Tap, TextIn
from storage.migrate import upgrade
from storage.models import OutboxJob, Submission, Ticket, TicketMessage
from storage.staff import StaffAccounts, WeakPassword, lockout_until
from storage.staff_models import AuditEntry, CheckIn, StaffSession, SubmissionReview
from tests.bot.conftest import JAKARTA, NOW, PNG_1PX, Chat, ktp_answers_until_day, make_app
from tests.bot.test_bookings import Recorder
from tests.web.server import serving
from web.app import build_web_app, document_pages
from web.staff import add_staff_routes, parse_temperature, uploaded_files
from web.staff_auth import COOKIE

PASSWORD = "kata-sandi-uji-1"
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=JAKARTA)
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def serve(
    app: App, clock: Clock | None, *, pages: bool = False
) -> AbstractAsyncContextManager[str]:
    """The staff pages (with the print and verification ``pages`` too) on a free local port,
    their "now" from ``clock``; without a clock, wired as in production (the wall clock)."""
    document = document_pages(app) if pages else None
    if clock is None:
        return serving(build_web_app(telegram=None, webhook_secret=None, pages=document, staff=app))
    web_app = build_web_app(telegram=None, webhook_secret=None, pages=document)
    add_staff_routes(web_app, app, clock=clock)
    return serving(web_app)


def client() -> aiohttp.ClientSession:
    """A browser: keeps cookies (also for an IP address host)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def csrf_of(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, page
    return match.group(1)


@asynccontextmanager
async def signed_in(
    app: App, now: datetime, *, pages: bool = False, username: str = "sari"
) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    """The staff pages served at ``now`` and a browser signed in there as ``username``."""
    async with serve(app, Clock(now), pages=pages) as base, client() as http:
        await sign_in(http, base, username)
        yield base, http


async def sign_in(
    http: aiohttp.ClientSession, base: str, username: str, password: str = PASSWORD
) -> tuple[int, str]:
    async with http.get(f"{base}/staff/login") as resp:
        token = csrf_of(await resp.text())
    form = {"csrf": token, "username": username, "password": password, "next": ""}
    async with http.post(f"{base}/staff/login", data=form) as resp:
        return resp.status, await resp.text()


async def page(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as resp:
        return resp.status, await resp.text()


async def post(
    http: aiohttp.ClientSession, base: str, path: str, data: dict[str, str], *, from_page: str
) -> tuple[int, str]:
    """Submit a form the way a browser does: with the CSRF token of ``from_page``."""
    _, html = await page(http, base + from_page)
    async with http.post(base + path, data={"csrf": csrf_of(html), **data}) as resp:
        return resp.status, await resp.text()


def add_staff(app: App, username: str = "sari", *, admin: bool = False) -> None:
    StaffAccounts(app.db).add(username, "Sari Wulandari", PASSWORD, admin=admin)


def audit_rows(app: App) -> list[tuple[str, str, str, str | None]]:
    with app.db.session() as s:
        rows = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        return [(r.action, r.record_type, r.record, r.detail) for r in rows]


def book(app: App, chat_id: str, nik: str, name: str, day: str = "Senin, 7 Desember") -> str:
    chat = Chat(app, chat_id)
    ktp_answers_until_day(chat, nik=nik, name=name)
    chat.tap(day)
    chat.tap("Saya setuju")
    chat.tap("Kirim")
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    return booking.code


def submit_replacement(
    app: App, chat_id: str = "g-1", nik: str = "3371011203850002", name: str = "Budi Santoso"
) -> str:
    """A KTP-el replacement request (lost card, with the police report photo) through the dialog;
    its reference."""
    chat = Chat(app, chat_id)
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    chat.tap("Hilang")
    chat.upload(PNG_1PX, "lapor.png")
    for text in (nik, name, "3371012001150003", "081234567890"):
        chat.send(text)
    chat.send("budi@contoh.com")
    chat.tap("Saya setuju")
    chat.tap("Kirim")
    with app.db.session() as s:
        [sub] = s.exec(
            select(Submission).where(
                Submission.form_id == "ktp_ganti", Submission.chat_id == chat_id
            )
        ).all()
        return sub.reference


def status_of(app: App, reference: str) -> str:
    with app.db.session() as s:
        row = s.exec(select(Submission).where(Submission.reference == reference)).one()
        return row.status


# -- pure helpers ----------------------------------------------------------------------------


def test_lockout_after_five_failures_within_the_window() -> None:
    t0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    four = [(t0 + n * minute, False) for n in range(4)]
    assert lockout_until(four) is None
    five = [*four, (t0 + 4 * minute, False)]
    assert lockout_until(five) == t0 + 4 * minute + timedelta(minutes=15)
    spread = [(t0 + n * 5 * minute, False) for n in range(5)]  # 20 minutes apart end to end
    assert lockout_until(spread) is None
    reset = [*four, (t0 + 4 * minute, True), (t0 + 5 * minute, False)]
    assert lockout_until(reset) is None


def test_temperature_parsing() -> None:
    assert parse_temperature("36,5") == 36.5
    assert parse_temperature(" 38.2 ") == 38.2
    assert parse_temperature("37") == 37.0
    assert parse_temperature("34") == 34.0  # the range is flows.validators.TEMPERATURE_RANGE
    assert parse_temperature("43,0") == 43.0
    for bad in ("", "abc", "3.65", "365", "-36", "25", "33,9", "43.1", "50", None):
        assert parse_temperature(bad) is None


def test_uploaded_files_are_found_at_any_depth() -> None:
    answers = {
        "police_report": {"ref": "file:" + "a" * 64, "mime": "image/png", "size": 5, "name": "a"},
        "members": [{"name": "X", "photo": {"ref": "file:" + "b" * 64, "mime": "image/jpeg"}}],
        "_summary": [["x", {"ref": "file:" + "c" * 64}]],
        "nik": "3371011203850002",
    }
    assert [f.path for f in uploaded_files(answers)] == ["police_report", "members.0.photo"]


# -- accounts, sign-in, sessions ------------------------------------------------------------


async def test_staff_add_then_sign_in(
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(username="Sari", name="Sari  Wulandari", admin=True)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cmd_staff_add(args) == 0
    assert "account sari (Sari Wulandari, admin) added" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cmd_staff_add(args) == 1, "a username is taken once"
    assert "taken" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    short = argparse.Namespace(username="joko", name="Joko", admin=False)
    assert cmd_staff_add(short) == 1
    assert "at least 10 characters" in capsys.readouterr().err

    app = make_app(tmp_path, db_url)
    try:
        async with serve(app, Clock(MONDAY)) as base, client() as http:
            status, html = await sign_in(http, base, "SARI ")
            assert status == 200
            assert "Sari Wulandari" in html
            assert "Beranda petugas" in html
            status, html = await page(http, f"{base}/staff/?lang=en")
            assert "Staff home" in html
        assert ("signin", "account", "sari", None) in audit_rows(app)
    finally:
        app.close()


async def test_wrong_password_is_refused(app: App) -> None:
    add_staff(app)
    async with serve(app, Clock(MONDAY)) as base, client() as http:
        status, html = await sign_in(http, base, "sari", "salah-sama-sekali")
        assert status == 401
        assert "Nama pengguna atau kata sandi salah." in html
        status, html = await sign_in(http, base, "tidak-ada", PASSWORD)
        assert status == 401
        assert not [c for c in http.cookie_jar if c.key == COOKIE]
        status, _ = await page(http, f"{base}/staff/bookings")
        assert "Masuk petugas" in _
    assert [r[0] for r in audit_rows(app)] == ["signin_failed", "signin_failed"]


async def test_sign_in_is_throttled_after_five_failures(sqlite_app: App) -> None:
    app = sqlite_app
    add_staff(app)
    add_staff(app, "joko")
    clock = Clock(MONDAY)
    async with serve(app, clock) as base, client() as http:
        for _ in range(4):
            status, _html = await sign_in(http, base, "sari", "salah-sama-sekali")
            assert status == 401
        status, html = await sign_in(http, base, "sari", "salah-sama-sekali")
        assert status == 429
        assert "Terlalu banyak percobaan masuk yang gagal" in html
        assert "15 menit" in html
        status, html = await sign_in(http, base, "sari", PASSWORD)
        assert status == 429, "even the right password is refused while locked"
        status, html = await sign_in(http, base, "joko", PASSWORD)
        assert status == 429, "the address is locked too"
        clock.now = MONDAY + timedelta(minutes=10)
        status, html = await sign_in(http, base, "sari", PASSWORD)
        assert status == 429
        assert "5 menit" in html
        clock.now = MONDAY + timedelta(minutes=16)
        status, html = await sign_in(http, base, "sari", PASSWORD)
        assert status == 200
        assert "Sari Wulandari" in html


async def test_session_cookie_flags_and_hashed_id(app: App) -> None:
    add_staff(app)
    async with serve(app, Clock(MONDAY)) as base, client() as http:
        async with http.get(f"{base}/staff/login") as resp:
            token = csrf_of(await resp.text())
        form = {"csrf": token, "username": "sari", "password": PASSWORD}
        async with http.post(f"{base}/staff/login", data=form, allow_redirects=False) as resp:
            assert resp.status == 303
            assert resp.headers["Location"] == "/staff/"
            [header] = [h for h in resp.headers.getall("Set-Cookie") if h.startswith(COOKIE + "=")]
    attrs = [part.strip().lower() for part in header.split(";")]
    assert "httponly" in attrs
    assert "samesite=strict" in attrs
    assert "path=/staff" in attrs
    assert "secure" not in attrs, "plain http (PUBLIC_BASE_URL is http)"
    value = header.split(";", 1)[0].split("=", 1)[1]
    assert len(value) >= 43, "256 random bits"
    with app.db.session() as s:
        [stored] = s.exec(select(StaffSession)).all()
        assert stored.token_hash == hashlib.sha256(value.encode()).hexdigest()
        assert value not in stored.token_hash

    app.settings = app.settings.model_copy(update={"public_base_url": "https://adminduk.example"})
    async with serve(app, Clock(MONDAY)) as base, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/staff/login") as resp:
            token = csrf_of(await resp.text())
            login_cookie = resp.headers["Set-Cookie"]
            assert "secure" in login_cookie.lower()
        # a browser sends Secure cookies over https only; this test server speaks http
        cookie = login_cookie.split(";", 1)[0]
        form = {"csrf": token, "username": "sari", "password": PASSWORD}
        async with http.post(
            f"{base}/staff/login", data=form, headers={"Cookie": cookie}, allow_redirects=False
        ) as resp:
            assert resp.status == 303
            [header] = [h for h in resp.headers.getall("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert "secure" in [part.strip().lower() for part in header.split(";")]


async def test_sign_out_ends_the_session(app: App) -> None:
    add_staff(app)
    async with signed_in(app, MONDAY) as (base, http):
        [cookie] = [c for c in http.cookie_jar if c.key == COOKIE]
        old = cookie.value
        status, html = await post(http, base, "/staff/logout", {}, from_page="/staff/")
        assert status == 200
        assert "Anda sudah keluar." in html
        with app.db.session() as s:
            assert s.exec(select(StaffSession)).all() == []
        async with aiohttp.ClientSession() as other:
            headers = {"Cookie": f"{COOKIE}={old}"}
            async with other.get(
                f"{base}/staff/bookings", headers=headers, allow_redirects=False
            ) as resp:
                assert resp.status == 303
                assert resp.headers["Location"].startswith("/staff/login")


async def test_session_expires(sqlite_app: App) -> None:
    app = sqlite_app
    add_staff(app)
    clock = Clock(MONDAY)
    async with serve(app, clock) as base, client() as http:
        await sign_in(http, base, "sari")
        assert (await page(http, f"{base}/staff/"))[0] == 200
        clock.now = MONDAY + timedelta(hours=8, minutes=1)
        _status, html = await page(http, f"{base}/staff/")
        assert "Sesi berakhir" in html
        assert '<p class="notice">Sesi berakhir' in html, "neutral, not the success colour"
        _status, html = await page(http, f"{base}/staff/login?bye=1")
        assert '<p class="notice ok">Anda sudah keluar' in html


async def test_posts_without_the_right_csrf_token_change_nothing(app: App) -> None:
    add_staff(app)
    day = date(2026, 12, 8)
    async with signed_in(app, MONDAY) as (base, http):
        url = f"{base}/staff/days/{day.isoformat()}/quota"
        for form in ({"quota": "5"}, {"quota": "5", "csrf": "x" * 43}, {"quota": "5", "csrf": ""}):
            async with http.post(url, data=form) as resp:
                assert resp.status == 403
                assert "token keamanan salah" in await resp.text()
        assert app.booking.day_availability("ktp_recording", day).quota == 30
        assert [r for r in audit_rows(app) if r[0] == "quota"] == []
        async with http.post(
            f"{base}/staff/login", data={"username": "sari", "password": PASSWORD}
        ) as resp:
            assert resp.status == 403, "the sign-in form needs its token too"
        status, _html = await post(
            http,
            base,
            f"/staff/days/{day.isoformat()}/quota",
            {"quota": "5"},
            from_page="/staff/days",
        )
        assert status == 200
        assert app.booking.day_availability("ktp_recording", day).quota == 5


async def test_audit_page_is_for_admins_only(app: App) -> None:
    add_staff(app)
    add_staff(app, "admin", admin=True)
    async with serve(app, Clock(MONDAY)) as base:
        async with client() as http:
            await sign_in(http, base, "sari")
            status, html = await page(http, f"{base}/staff/audit")
            assert status == 403
            assert "hanya untuk admin" in html
            assert 'href="/staff/audit"' not in (await page(http, f"{base}/staff/"))[1]
        async with client() as http:
            await sign_in(http, base, "admin")
            status, html = await page(http, f"{base}/staff/audit?lang=en")
            assert status == 200
            assert "Audit log" in html
            assert "denied" in html
            assert "sari" in html
    assert ("view", "audit", "log", None) in audit_rows(app)


# -- bookings, check-in, CSV ------------------------------------------------------------------


async def test_day_list_check_in_and_csv(
    tmp_path: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    booking_app = make_app(tmp_path, sqlite_url)  # Thursday: the citizens book
    well = book(booking_app, "b-1", "3371011708000001", "Budi Santoso")
    fever = book(booking_app, "b-2", "3371011708000002", "Siti Aminah")
    booking_app.close()
    app = make_app(tmp_path, sqlite_url, now=MONDAY)  # Monday: they come to the office
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    add_staff(app)
    try:
        async with signed_in(app, MONDAY) as (base, http):
            status, html = await page(http, f"{base}/staff/bookings")
            assert status == 200
            assert "Senin, 7 Desember 2026" in html
            assert "BUDI SANTOSO" in html
            assert "3371xxxxxxxx0001" in html
            assert "3371011708000001" not in html
            assert "2/30 terisi" in html
            assert "Selasa, 8 Desember 2026" in html, "the next working days are listed"
            assert '<option value="ktp_recording" selected>Pendaftaran perekaman KTP-el<' in html
            _status, home = await page(http, f"{base}/staff/")
            assert "Pendaftaran perekaman KTP-el: 2" in home, "services by name, not by key"

            path = f"/staff/bookings/{well}/checkin"
            status, html = await post(
                http, base, path, {"temperature": "36,5"}, from_page="/staff/bookings"
            )
            assert status == 200
            assert "boleh masuk. Suhu 36,5 °C" in html
            assert "✔ Masuk 08:00, 36,5 °C" in html
            status, html = await post(
                http, base, path, {"temperature": "36,6"}, from_page="/staff/bookings"
            )
            assert "sudah tercatat masuk" in html

            path = f"/staff/bookings/{fever}/checkin"
            status, html = await post(
                http, base, path, {"temperature": "38.2"}, from_page="/staff/bookings"
            )
            assert "suhu 38,2 °C di atas batas 37,5 °C" in html
            assert "TIDAK boleh masuk hari ini" in html
            assert "Warga sudah dikirimi pesan" in html
            assert "✖ Ditolak 08:00, 38,2 °C" in html
            status, html = await post(
                http, base, path, {"temperature": "panas"}, from_page="/staff/bookings"
            )
            assert "Suhu tidak terbaca" in html

            async with http.get(f"{base}/staff/bookings.csv?day=2026-12-07") as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"].startswith("text/csv")
                assert "attachment" in resp.headers["Content-Disposition"]
                text = await resp.text()
            rows = list(csv.reader(io.StringIO(text)))
            assert rows[0] == ["antrean", "kode", "nama", "nik", "status", "waktu_datang", "suhu"]
            assert rows[1] == [
                "1", well, "BUDI SANTOSO", "3371xxxxxxxx0001", "checked_in", "07-12-2026 08:00",
                "36.5",
            ]  # fmt: skip
            assert rows[2] == [
                "2", fever, "SITI AMINAH", "3371xxxxxxxx0002", "refused_entry",
                "07-12-2026 08:00", "38.2",
            ]  # fmt: skip
            assert "3371011708000001" not in text
            async with http.get(f"{base}/staff/bookings.csv?day=2026-12-07&lang=en") as resp:
                header = (await resp.text()).splitlines()[0]
            assert header == "queue,code,name,nik,status,checkin_time,temperature"

        with app.db.session() as s:
            checkins = s.exec(select(CheckIn).order_by(CheckIn.id)).all()  # type: ignore[arg-type]
            assert [(c.booking_code, c.temperature, c.admitted) for c in checkins] == [
                (well, 36.5, True),
                (fever, 38.2, False),
            ]
        [(ref, notice)] = recorder.sent
        assert ref == "test:b-2"
        assert "38,2 °C" in notice.text
        assert "37,5 °C" in notice.text
        assert fever in notice.text
        assert notice.buttons, "other days are offered"
        moved = app.dialog.handle(Chat(app, "b-2").key, Tap(notice.buttons[0][0].data))
        assert "Pendaftaran dipindah" in moved[0].text
        assert not app.booking.get(fever).is_active

        actions = audit_rows(app)
        assert ("view", "day", "ktp_recording/2026-12-07", "2 bookings listed") in actions
        assert ("checkin", "booking", well, "admitted at 36.5 C") in actions
        assert ("checkin", "booking", fever, "refused at 38.2 C") in actions
        assert [a for a in actions if a[0] == "export"] == [
            ("export", "day", "ktp_recording/2026-12-07", "CSV of 2 bookings"),
            ("export", "day", "ktp_recording/2026-12-07", "CSV of 2 bookings"),
        ]
        for record in caplog.records:
            assert "3371011708000001" not in record.getMessage()
            assert "3371011708000002" not in record.getMessage()
    finally:
        app.close()


async def test_check_in_only_on_the_day(app: App) -> None:
    code = book(app, "b-3", "3371011708000001", "Budi Santoso")
    add_staff(app)
    async with signed_in(app, NOW) as (base, http):  # Thursday, booked for Monday
        _status, html = await page(http, f"{base}/staff/bookings?day=2026-12-07")
        assert "BUDI SANTOSO" in html
        assert 'name="temperature"' not in html
        _status, html = await post(
            http,
            base,
            f"/staff/bookings/{code}/checkin",
            {"temperature": "36,5"},
            from_page="/staff/bookings",
        )
        assert "hanya dapat dicatat pada hari pendaftaran" in html
    with app.db.session() as s:
        assert s.exec(select(CheckIn)).all() == []


# -- reviews ---------------------------------------------------------------------------------


async def test_review_and_approve_issues_the_document(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    reference = submit_replacement(app)
    booked = book(app, "b-9", "3371011708000001", "Budi Santoso")
    add_staff(app)
    async with signed_in(app, NOW) as (base, http):
        status, html = await page(http, f"{base}/staff/reviews")
        assert reference in html
        assert "Penggantian KTP-el" in html
        assert "BUDI SANTOSO" in html
        assert booked not in html, "a booking is not for review"
        status, html = await page(http, f"{base}/staff/reviews/{reference}")
        assert status == 200
        assert "Alasan penggantian" in html
        assert "Hilang" in html
        assert "Nomor Kartu Keluarga" in html
        assert "lapor.png" in html
        assert status_of(app, reference) == "in_review"
        async with http.get(f"{base}/staff/reviews/{reference}/files/police_report") as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "image/png"
            assert "sandbox" in resp.headers["Content-Security-Policy"]
            assert await resp.read() == PNG_1PX
        status, _ = await page(http, f"{base}/staff/reviews/{reference}/files/nik")
        assert status == 404

        status, html = await post(
            http, base, f"/staff/reviews/{reference}/approve", {}, from_page="/staff/reviews"
        )
        assert status == 200
        assert f"Permohonan {reference} disetujui" in html
        assert status_of(app, reference) == "issued"
        status, html = await post(
            http, base, f"/staff/reviews/{reference}/approve", {}, from_page="/staff/reviews"
        )
        assert "sudah diputuskan" in html
    with app.db.session() as s:
        jobs = s.exec(select(OutboxJob).where(OutboxJob.kind == "document.issue")).all()
        payloads = [j.payload for j in jobs]
    assert [p for p in payloads if p["reference"] == reference and p["kind"] == "application"]
    [(_, in_review), (ref, told)] = recorder.sent
    assert "sedang diperiksa petugas" in in_review.text
    assert ref == "test:g-1"
    assert reference in told.text
    assert "disetujui" in told.text
    actions = audit_rows(app)
    assert ("view", "submission", reference, None) in actions
    assert ("view", "file", f"{reference}/police_report", "image/png") in actions
    assert ("approve", "submission", reference, "application queued") in actions
    assert [a for a in actions if a[0] == "view" and a[2] == "pending"]


async def test_long_lists_say_how_many_more_and_the_home_page_counts_all(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_module, "LIST_LIMIT", 2)
    references = [
        submit_replacement(app, f"g-{n}", f"33710112038500{n:02d}", f"Warga {name}")
        for n, name in ((1, "Satu"), (2, "Dua"), (3, "Tiga"))
    ]
    add_staff(app)
    async with signed_in(app, NOW) as (base, http):
        _status, html = await page(http, f"{base}/staff/reviews")
        assert [r in html for r in references] == [True, True, False]  # the oldest first
        assert "Menampilkan 2 yang terlama dari 3." in html
        _status, html = await page(http, f"{base}/staff/")
        assert re.search(r'href="/staff/reviews">3</a>', html)
        _status, html = await page(http, f"{base}/staff/reviews?lang=en")
        assert "Showing the 2 oldest of 3." in html


async def test_reject_with_a_reason(app: App) -> None:
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    reference = submit_replacement(app, "g-2")
    add_staff(app)
    async with signed_in(app, NOW) as (base, http):
        path = f"/staff/reviews/{reference}/reject"
        _status, html = await post(
            http, base, path, {"reason": " "}, from_page=f"/staff/reviews/{reference}"
        )
        assert "Tulis alasan penolakan" in html
        assert status_of(app, reference) == "in_review"
        reason = "Foto surat kehilangan <tidak terbaca>"
        _status, html = await post(
            http, base, path, {"reason": reason}, from_page=f"/staff/reviews/{reference}"
        )
        assert f"Permohonan {reference} ditolak" in html
        _status, html = await page(http, f"{base}/staff/reviews/{reference}")
        assert "Foto surat kehilangan &lt;tidak terbaca&gt;" in html
        assert "sudah diputuskan: ditolak" in html
    assert status_of(app, reference) == "rejected"
    with app.db.session() as s:
        [review] = s.exec(select(SubmissionReview)).all()
        assert (review.decision, review.reason, review.staff_username) == (
            "rejected",
            reason,
            "sari",
        )
    [(ref_review, in_review), (ref, told)] = recorder.sent
    assert ref_review == ref == "test:g-2"
    assert f"Permohonan {reference}" in in_review.text
    assert "sedang diperiksa petugas" in in_review.text
    assert "Foto surat kehilangan &lt;tidak terbaca&gt;" in told.text
    assert ("reject", "submission", reference, None) in audit_rows(app)
    from bot.dialog import ChatKey, StatusCmd

    [status] = app.dialog.handle(ChatKey("test", "g-2"), StatusCmd())
    assert f"{reference}" in status.text
    assert "ditolak — alasan: Foto surat kehilangan &lt;tidak terbaca&gt;" in status.text


async def test_a_failed_notice_is_reported_not_fatal(app: App) -> None:
    class Down:
        async def notify(self, chat_ref: str, reply: object) -> None:
            raise ConnectionError("telegram down")

    app.notifiers.register("test", Down())  # type: ignore[arg-type]
    reference = submit_replacement(app, "g-3")
    add_staff(app)
    async with signed_in(app, NOW) as (base, http):
        status, html = await post(
            http,
            base,
            f"/staff/reviews/{reference}/reject",
            {"reason": "Data tidak lengkap"},
            from_page="/staff/reviews",
        )
        assert status == 200
        assert "gagal terkirim" in html
    assert status_of(app, reference) == "rejected"


# -- hand-off tickets --------------------------------------------------------------------------


async def test_tickets_reply_and_close(sqlite_app: App) -> None:
    app = sqlite_app
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    chat = Chat(app, "h-1")
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    chat.tap("Rusak")
    chat.tap("Ya")
    chat.send("3371011203850002")
    [opened] = app.dialog.handle(chat.key, Tap("hand:open"))
    ticket_id = int(re.search(r"#(\d+)", opened.text).group(1))  # type: ignore[union-attr]
    app.dialog.handle(chat.key, TextIn("NIK saya ditolak terus"))
    add_staff(app)
    async with signed_in(app, NOW) as (base, http):
        _status, html = await page(http, f"{base}/staff/tickets")
        assert f'href="/staff/tickets/{ticket_id}"' in html
        assert "warga meminta petugas" in html
        assert "Nama lengkap" in html, "the question the citizen was at"
        page_path = f"/staff/tickets/{ticket_id}"
        _status, html = await page(http, base + page_path)
        assert "NIK saya ditolak terus" in html
        assert "3371xxxxxxxx0002" in html
        assert "3371011203850002" not in html
        _status, html = await post(
            http,
            base,
            f"{page_path}/reply",
            {"text": "Periksa angka ke-7 <ya>"},
            from_page=page_path,
        )
        assert "Balasan terkirim ke warga." in html
        assert "Periksa angka ke-7 &lt;ya&gt;" in html
        _status, html = await post(http, base, f"{page_path}/close", {}, from_page=page_path)
        assert f"Tiket {ticket_id} ditutup." in html
        assert f'href="/staff/tickets/{ticket_id}"' not in html
        _status, html = await post(
            http, base, f"{page_path}/reply", {"text": "lagi"}, from_page=page_path
        )
        assert "Tiket ini sudah ditutup." in html
    with app.db.session() as s:
        closed = s.get(Ticket, ticket_id)
        assert closed is not None
        assert (closed.status, closed.closed_by) == ("closed", "staff:Sari Wulandari")
        msgs = s.exec(select(TicketMessage).order_by(TicketMessage.id)).all()  # type: ignore[arg-type]
        assert [(m.sender, m.staff_name, m.text) for m in msgs] == [
            ("citizen", None, "NIK saya ditolak terus"),
            ("staff", "Sari Wulandari", "Periksa angka ke-7 <ya>"),
        ]
    texts = [r.text for _, r in recorder.sent]
    assert texts[0] == "👩‍💼 <b>Petugas:</b> Periksa angka ke-7 &lt;ya&gt;"
    assert "Percakapan dengan petugas selesai. Kita lanjutkan formulirnya." in texts[1]
    assert any("Nama lengkap" in t for t in texts[1:]), "the form resumes at the same question"
    assert "Nomor Kartu Keluarga" in chat.send("Budi Santoso"), "the form goes on"
    actions = audit_rows(app)
    for expected in (
        ("view", "ticket", "open", "1 listed"),
        ("view", "ticket", str(ticket_id), None),
        ("reply", "ticket", str(ticket_id), "23 characters"),
        ("close", "ticket", str(ticket_id), None),
    ):
        assert expected in actions


# -- quotas and closed days --------------------------------------------------------------------


async def test_quota_close_and_reopen(app: App) -> None:
    code = book(app, "q-1", "3371011708000001", "Budi Santoso")
    add_staff(app)
    monday, tuesday = date(2026, 12, 7), date(2026, 12, 8)
    async with signed_in(app, NOW) as (base, http):
        _status, html = await page(http, f"{base}/staff/days")
        assert "Senin, 7 Desember 2026" in html
        _status, html = await post(
            http, base, f"/staff/days/{tuesday}/quota", {"quota": "25"}, from_page="/staff/days"
        )
        assert "Kuota Selasa, 8 Desember 2026: 25 tempat" in html
        assert app.booking.day_availability("ktp_recording", tuesday).quota == 25
        _status, html = await post(
            http, base, f"/staff/days/{monday}/quota", {"quota": "0"}, from_page="/staff/days"
        )
        assert "tidak boleh di bawah jumlah yang sudah mendaftar (1)" in html
        _status, html = await post(
            http, base, f"/staff/days/{monday}/close", {"reason": ""}, from_page="/staff/days"
        )
        assert "Tulis alasan penutupan" in html
        _status, html = await post(
            http,
            base,
            f"/staff/days/{monday}/close",
            {"reason": "pemadaman listrik"},
            from_page="/staff/days",
        )
        assert "1 warga akan diberi tahu" in html
        assert "pemadaman listrik" in html
        assert app.booking.day_availability("ktp_recording", monday).closed
        assert app.booking.get(code).status.value == "closed_by_office"
        job = app.outbox.find(f"closed:{code}")
        assert job is not None
        assert job["payload"]["reason"] == "pemadaman listrik"
        _status, html = await post(
            http, base, f"/staff/days/{monday}/reopen", {}, from_page="/staff/days"
        )
        assert "dibuka kembali" in html
        assert not app.booking.day_availability("ktp_recording", monday).closed
    actions = audit_rows(app)
    assert ("quota", "day", f"ktp_recording/{tuesday}", "25") in actions
    assert ("close", "day", f"ktp_recording/{monday}", "1 bookings closed: pemadaman listrik") in (
        actions
    )
    assert ("reopen", "day", f"ktp_recording/{monday}", None) in actions


async def test_pages_need_a_session_and_speak_english(app: App) -> None:
    async with serve(app, Clock(NOW)) as base, client() as http:
        async with http.get(f"{base}/staff/reviews", allow_redirects=False) as resp:
            assert resp.status == 303
            assert resp.headers["Location"] == "/staff/login?next=%2Fstaff%2Freviews"
        _status, html = await page(http, f"{base}/staff/login?lang=en")
        assert "Staff sign-in" in html
        assert 'action="/staff/login?lang=en"' in html
        async with http.get(f"{base}/staff/login") as resp:
            assert resp.headers["X-Frame-Options"] == "DENY"
            assert resp.headers["Cache-Control"] == "no-store"


def test_migration_0006_downgrades_and_upgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url)
    from alembic import command

    from storage.migrate import alembic_config

    command.downgrade(alembic_config(url), "0005")
    engine = sa.create_engine(url)
    assert "audit_log" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    upgrade(url)
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"staff_account", "staff_session", "signin_attempt", "checkin", "audit_log"} <= names
    assert "submission_review" in names


def test_migration_0007_downgrades_and_upgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url)
    from alembic import command

    from storage.migrate import alembic_config

    command.downgrade(alembic_config(url), "0006")
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert "family_card_data" not in names
    assert "submission_review" in names, "only 0007 was undone"
    upgrade(url)
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    columns = {c["name"] for c in inspector.get_columns("family_card_data")}
    uniques = inspector.get_unique_constraints("family_card_data")
    engine.dispose()
    assert columns == {"id", "reference", "data", "staff_username", "updated_at"}
    assert [u["column_names"] for u in uniques] == [["reference"]]


def test_weak_passwords_are_refused(sqlite_app: App) -> None:
    accounts = StaffAccounts(sqlite_app.db)
    with pytest.raises(WeakPassword):
        accounts.add("budi", "Budi", "pendek")
    with pytest.raises(ValueError, match="no spaces"):
        accounts.add("budi santoso", "Budi", PASSWORD)


def test_staff_add_asks_twice_on_a_terminal(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", Terminal())
    typed = iter([PASSWORD, PASSWORD + "x", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(typed))
    args = argparse.Namespace(username="dewi", name="Dewi Lestari", admin=False)
    assert cmd_staff_add(args) == 1, "the two passwords differ"
    assert cmd_staff_add(args) == 0


def test_staff_add_on_a_fresh_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "fresh" / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = argparse.Namespace(username="rina", name="Rina Kusuma", admin=False)
    assert cmd_staff_add(args) == 0
    assert (tmp_path / "fresh" / "var" / "adminduk.sqlite3").exists()


async def test_failed_deliveries_are_shown_on_the_home_page(app: App) -> None:
    add_staff(app)
    app.outbox.add("document.email", {"doc": 1}, key="email:BP/2026/TESTXX")
    [job] = app.outbox.claim()
    app.outbox.fail(job, error="MailError: SMTP mail.example:587: SMTPConnectError")
    async with signed_in(app, MONDAY) as (base, http):
        status, html = await page(http, f"{base}/staff/")
        assert status == 200
        assert "Pengiriman yang gagal" in html
        assert "email:BP/2026/TESTXX" in html
        assert "SMTPConnectError" in html

"""Approving a KK change issues the signed KK, end to end on a real server: a citizen adds a
newborn in the chat; staff cannot approve before the new KK's data is complete; they complete
it on the KK page (prefilled from the answers; an invalid NIK is refused with everything typed
kept); approval queues the KK; the worker signs it, sends it in the chat with PIN and link, and
emails them (SMTP); the print page gives the same PDF for the PIN."""

from __future__ import annotations

import email
import logging
import re
from contextlib import AbstractAsyncContextManager
from email import policy
from typing import Any

import aiohttp
import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from bot.bootstrap import App
from bot.mail import SmtpMailer
from signing.validate import validate_async
from storage.models import OutboxJob
from storage.staff import DeskStore
from tests.bot.conftest import NOW, Chat, submit_newborn
from tests.bot.test_bookings import Recorder
from tests.bot.test_family_card import BABY_NIK, HEAD_NIK, KK, WIFE_NIK, valid_draft
from tests.documents.pdfcheck import text
from tests.web.server import free_port
from tests.web.test_documents import PIN_RE, URL_RE, Sink, local, post_pin
from tests.web.test_staff import (
    Clock,
    add_staff,
    audit_rows,
    client,
    page,
    post,
    sign_in,
    signed_in,
    status_of,
    submit_replacement,
)
from tests.web.test_staff import serve as serve_staff

NIKS = (HEAD_NIK, WIFE_NIK, BABY_NIK, KK)
WRONG_BABY_NIK = "3371014111260000"
"""Serial 0000 does not exist."""


def serve(app: App) -> AbstractAsyncContextManager[str]:
    """The print and verification pages with the staff pages (their clock stopped at NOW)."""
    return serve_staff(app, Clock(NOW), pages=True)


def issue_kinds(app: App, reference: str) -> list[str]:
    with app.db.session() as s:
        jobs = s.exec(select(OutboxJob).where(OutboxJob.kind == "document.issue")).all()
        return [j.payload["kind"] for j in jobs if j.payload.get("reference") == reference]


def kk_form(**changes: str) -> dict[str, str]:
    """The KK form as staff post it: the family of three, with ``changes``."""
    data: dict[str, Any] = {**valid_draft(), "action": "save"}
    data.update(changes)
    return data


async def test_approving_a_kk_change_issues_the_signed_kk(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    app.notifiers.register("test", recorder)
    reference = submit_newborn(Chat(app, "kk-1"))
    add_staff(app)
    smtp_port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    app.documents._mailer = SmtpMailer(host="127.0.0.1", port=smtp_port, starttls=False, timeout=5)
    review = f"/staff/reviews/{reference}"
    kk_page = f"{review}/kk"
    try:
        async with signed_in(app, NOW, pages=True) as (base, http):
            _status, html = await page(http, base + review)
            assert "Data KK baru" in html
            assert "Belum dilengkapi" in html
            assert f'href="{kk_page}"' in html

            _status, html = await post(http, base, f"{review}/approve", {}, from_page=review)
            assert "Belum dapat disetujui: lengkapi dulu data KK baru dari SIAK" in html
            assert 'class="notice bad"' in html
            assert status_of(app, reference) == "in_review", "refused: the status is unchanged"
            assert issue_kinds(app, reference) == []
            assert len(recorder.sent) == 1, "only the in-review notice: the citizen is not told"

            status, html = await page(http, base + kk_page)
            assert status == 200
            assert f"Data KK baru — {reference}" in html
            assert f'name="kk_number" value="{KK}"' in html
            assert 'name="head_name" value="BUDI SANTOSO"' in html
            assert 'name="members.1.name" value="AYU LESTARI SANTOSO"' in html
            assert 'name="members.1.birth_date" value="01-11-2026"' in html
            assert '<option value="ANAK" selected>' in html
            assert '<option value="MAGELANG SELATAN" selected>' in html
            assert 'name="city" value="KOTA MAGELANG"' in html
            assert "Belum pernah disimpan" in html
            _status, english = await page(http, f"{base}{kk_page}?lang=en")
            assert f"New family card data — {reference}" in english
            assert "Place of birth" in english

            form = kk_form(**{"members.2.nik": WRONG_BABY_NIK})
            status, html = await post(http, base, kk_page, form, from_page=kk_page)
            assert status == 422
            assert "Data KK belum disimpan: 1 isian perlu diperbaiki" in html
            assert 'href="#f-members-2-nik">Anggota 3 · NIK</a>' in html
            assert 'id="f-members-2-nik-error">Nomor urut 0000' in html
            assert f'name="members.2.nik" value="{WRONG_BABY_NIK}"' in html, "typed NIK kept"
            assert 'name="street" value="Jl. Tidar No. 12"' in html, "as typed"
            assert 'name="members.1.mother_name" value="Nur&#39;aini"' in html
            assert '<option value="A+" selected>' in html
            assert DeskStore(app.db).family_card(reference) is None, "nothing saved"
            status, html = await post(
                http, base, kk_page + "?lang=en", form, from_page=kk_page + "?lang=en"
            )
            assert status == 422
            assert "The KK data was not saved: 1 field(s) to fix" in html
            assert "Serial number 0000" in html

            status, html = await post(
                http, base, kk_page, {**form, "action": "add"}, from_page=kk_page
            )
            assert status == 200
            assert 'name="members.3.name" value=""' in html, "a fourth row"
            assert "Perubahan belum disimpan" in html
            assert f'name="members.2.nik" value="{WRONG_BABY_NIK}"' in html
            status, html = await post(
                http, base, kk_page, {**form, "action": "remove:1"}, from_page=kk_page
            )
            assert 'name="members.1.name" value="Ayu Lestari Santoso"' in html
            assert 'name="members.2.name"' not in html
            assert DeskStore(app.db).family_card(reference) is None, "row buttons save nothing"

            status, html = await post(http, base, kk_page, kk_form(), from_page=kk_page)
            assert status == 200
            assert f"Data KK baru {reference} disimpan" in html
            assert "Sudah dilengkapi oleh sari pada 03-12-2026 08:00" in html
            saved = DeskStore(app.db).family_card(reference)
            assert saved is not None
            assert saved.data["members.2.nik"] == BABY_NIK
            assert saved.data["members.0.name"] == "BUDI SANTOSO", "kept normalised"
            _status, html = await page(http, base + kk_page)
            assert "Tersimpan: sari, 03-12-2026 08:00." in html
            assert 'name="members.1.mother_name" value="NUR&#39;AINI"' in html

            status, html = await post(http, base, f"{review}/approve", {}, from_page=review)
            assert f"Permohonan {reference} disetujui" in html
            assert status_of(app, reference) == "issued"
            assert issue_kinds(app, reference) == ["family_card"]
            status, html = await post(http, base, kk_page, kk_form(), from_page=kk_page)
            assert "data KK tidak dapat diubah lagi" in html, "decided: read-only"

            await app.worker().run_once()
            [(ref, filename, pdf, caption)] = recorder.documents
            assert ref == "test:kk-1"
            assert re.fullmatch(rf"KK-{KK}-\d{{4}}-\d{{2}}-\d{{2}}\.pdf", filename), filename
            verdict = await validate_async(pdf, trust_roots=app.signing.trust_roots())
            assert verdict.ok, verdict
            content = " ".join(text(pdf).split())
            for expected in (
                "KARTU KELUARGA",
                f"No. {KK}",
                "BUDI SANTOSO",
                "SITI AMINAH",
                "AYU LESTARI SANTOSO",
                BABY_NIK,
                "MAGERSARI",
                "01-11-2026",
                "KEPALA KELUARGA",
            ):
                assert expected in content, expected
            pin, url = PIN_RE.search(caption), URL_RE.search(caption)
            assert pin, caption
            assert url, caption

            await app.worker().run_once()  # the email job
            [raw] = sink.messages
            message = email.message_from_bytes(raw, policy=policy.default)
            assert message["To"] == "budi@contoh.com"
            body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
            assert pin.group(1) in body
            assert url.group(1) in body

            async with aiohttp.ClientSession() as citizen:
                async with citizen.get(local(url.group(1), base)) as resp:
                    assert resp.status == 200
                    assert "Masukkan PIN 6 angka" in await resp.text()
                status, printed, ctype = await post_pin(
                    citizen, local(url.group(1), base), pin.group(1)
                )
            assert status == 200
            assert ctype == "application/pdf"
            assert printed == pdf
    finally:
        controller.stop()

    actions = audit_rows(app)
    assert ("view", "family_card", reference, "prefilled from the answers") in actions
    assert ("view", "family_card", reference, "saved data") in actions
    assert [a for a in actions if a[0] == "edit"] == [
        ("edit", "family_card", reference, "3 members")
    ]
    assert ("approve", "submission", reference, "family_card queued") in actions
    for row in actions:
        for number in NIKS:
            assert number not in str(row), row
    for record in caplog.records:
        line = record.getMessage()
        for number in NIKS:
            assert number not in line, line


async def test_the_kk_page_is_only_for_kk_changes_and_signed_in_staff(app: App) -> None:
    reference = submit_newborn(Chat(app, "kk-2"))
    other = submit_replacement(app, "g-9")
    add_staff(app)
    async with serve(app) as base, client() as http:
        kk_page = f"{base}/staff/reviews/{reference}/kk"
        async with http.get(kk_page, allow_redirects=False) as resp:
            assert resp.status == 303
            assert resp.headers["Location"].startswith("/staff/login?next=")
        async with http.post(kk_page, data=kk_form(), allow_redirects=False) as resp:
            assert resp.status == 303, "no session: to sign-in, nothing saved"
        await sign_in(http, base, "sari")
        status, _html = await page(http, f"{base}/staff/reviews/{other}/kk")
        assert status == 404
        _status, html = await page(http, f"{base}/staff/reviews/{other}")
        assert "Data KK baru" not in html, "a KTP-el replacement issues its application"
        async with http.post(kk_page, data=kk_form()) as resp:
            assert resp.status == 403, "no CSRF token"
        async with http.post(kk_page, data={**kk_form(), "csrf": "x" * 43}) as resp:
            assert resp.status == 403
    assert DeskStore(app.db).family_card(reference) is None


async def test_saved_data_that_no_longer_parses_is_refused_at_approval(app: App) -> None:
    reference = submit_newborn(Chat(app, "kk-3"))
    add_staff(app)
    broken = {**valid_draft(), "members.2.nik": WRONG_BABY_NIK}
    DeskStore(app.db).save_family_card(reference, broken, staff_username="sari", at=NOW)
    async with signed_in(app, NOW, pages=True) as (base, http):
        review = f"/staff/reviews/{reference}"
        _status, html = await post(http, base, f"{review}/approve", {}, from_page=review)
        assert "data KK yang tersimpan perlu diperbaiki" in html
        _status, html = await post(
            http, base, f"{review}/approve?lang=en", {}, from_page=review + "?lang=en"
        )
        assert "the saved KK data needs corrections" in html
    assert status_of(app, reference) == "in_review"
    assert issue_kinds(app, reference) == []


async def test_issue_command_picks_the_kk_once_its_data_is_saved(app: App) -> None:
    reference = submit_newborn(Chat(app, "kk-4"))
    assert app.documents.queue_for_reference(reference) == "application"
    desk = DeskStore(app.db)
    desk.save_family_card(reference, valid_draft(), staff_username="sari", at=NOW)
    desk.save_family_card(reference, valid_draft(), staff_username="joko", at=NOW)
    saved = desk.family_card(reference)
    assert saved is not None
    assert saved.staff_username == "joko", "saved again: one row, the later save"
    assert app.documents.queue_for_reference(reference) == "family_card"

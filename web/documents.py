"""The citizen's pages: the print page (``/d/<token>``: PIN, then the PDF) and the verification page
(``/v/<id>`` from the QR code, and ``/v`` to check an uploaded PDF's signature).

Five wrong PINs lock a link (the citizen asks the bot for a new PIN); links expire. Pages are
plain HTML, small and readable on a phone, in Indonesian and English. Neither the PIN nor the
token is logged (the access log is off, and these handlers log only document numbers).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.delivery import DocumentService
from flows.text import LANGS, Lang, Text, parse_lang
from flows.validators import format_date
from signing.validate import validate_async
from storage.documents import MAX_PIN_FAILURES, DocumentInfo, DocumentStore

log = logging.getLogger(__name__)

TEMPLATES: Final = Path(__file__).parent / "templates"
MAX_UPLOAD: Final = 10 * 1024 * 1024

T = Text
TEXTS: Final[dict[str, Text]] = {
    "service": T("Layanan dokumen kependudukan online", "Online civil registration documents"),
    "footer": T(
        "Dokumen ditandatangani secara elektronik (TTE) oleh Kepala Dinas.",
        "Documents are signed electronically (TTE) by the head of office.",
    ),
    "print_title": T("Cetak dokumen", "Print your document"),
    "print_intro": T(
        "Masukkan PIN 6 angka yang dikirim lewat Telegram atau email.",
        "Enter the 6-digit PIN sent to you on Telegram or by email.",
    ),
    "number": T("Nomor dokumen", "Document number"),
    "pin_label": T("PIN", "PIN"),
    "open_pdf": T("Buka PDF untuk dicetak", "Open the PDF to print"),
    "paper": T(
        "Cetak pada kertas HVS A4 80 gram warna putih, ukuran asli (100%).",
        "Print on white A4 80 g/m² HVS paper at actual size (100%).",
    ),
    "wrong_pin": T(
        "PIN salah. Sisa percobaan: {left}. Periksa PIN di pesan Telegram atau email Anda.",
        "Wrong PIN. Attempts left: {left}. Check the PIN in your Telegram message or email.",
    ),
    "locked": T(
        "Tautan ini dikunci karena PIN salah 5 kali. Minta PIN baru lewat bot: ketik /status lalu "
        "tekan PIN baru.",
        "This link is locked after 5 wrong PINs. Ask the bot for a new PIN: type /status, then "
        "tap New PIN.",
    ),
    "expired": T(
        "Tautan ini sudah kedaluwarsa. Minta PIN baru lewat bot (/status); tautannya akan aktif "
        "lagi.",
        "This link has expired. Ask the bot for a new PIN (/status); the link then works again.",
    ),
    "replaced": T(
        "Dokumen ini sudah diganti dengan versi yang lebih baru. Lihat pesan terbaru dari bot.",
        "This document was replaced by a newer version. See the latest message from the bot.",
    ),
    "unknown_link": T(
        "Tautan tidak dikenal. Periksa kembali tautan dari pesan Telegram atau email Anda.",
        "Unknown link. Please check the link in your Telegram message or email.",
    ),
    "verify_title": T("Verifikasi dokumen", "Verify a document"),
    "kind": T("Jenis dokumen", "Document type"),
    "issued": T("Tanggal terbit", "Issued on"),
    "holder": T("Nama", "Name"),
    "unknown_doc": T(
        "Dokumen tidak ditemukan. Dokumen ini tidak diterbitkan oleh kantor kami.",
        "Document not found. It was not issued by our office.",
    ),
    "valid": T("✔ Dokumen SAH", "✔ VALID document"),
    "replaced_status": T(
        "✖ Dokumen sudah DIGANTI versi baru (tidak berlaku)", "✖ REPLACED by a newer version"
    ),
    "revoked": T("✖ Dokumen DICABUT (tidak berlaku)", "✖ REVOKED (not valid)"),
    "upload_label": T(
        "Periksa berkas PDF: pilih berkas dokumen", "Check a PDF file: choose the document file"
    ),
    "check": T("Periksa tanda tangan", "Check the signature"),
    "not_pdf": T("Berkas itu bukan PDF.", "That file is not a PDF."),
    "too_big": T(
        "Berkas terlalu besar (paling besar 10 MB).", "The file is too large (10 MB at most)."
    ),
    "booking_proof": T("Bukti pendaftaran perekaman KTP-el", "KTP-el recording booking proof"),
    "application": T("Formulir permohonan", "Application form"),
    "family_card": T("Kartu Keluarga", "Family card (KK)"),
}

SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Cache-Control": "no-store",
}


def texts_by_lang(texts: Mapping[str, Text]) -> dict[Lang, dict[str, str]]:
    """A page's texts in each language, worked out once instead of on every request."""
    return {lang: {key: text.get(lang) for key, text in texts.items()} for lang in LANGS}


def template_environment() -> Environment:
    """The Jinja environment of the pages in ``web/templates`` (HTML autoescaped)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def _status_key(status: str) -> str:
    """The ``TEXTS`` key that says what a document's status means for its validity."""
    return {"valid": "valid", "replaced": "replaced_status"}.get(status, "revoked")


_TEXTS_BY_LANG: Final = texts_by_lang(TEXTS)


def request_lang(request: web.Request) -> Lang:
    """``?lang=``, else the browser's first language, else Indonesian."""
    asked = request.query.get("lang")
    if asked:
        return parse_lang(asked)
    header = request.headers.get("Accept-Language", "")
    return "en" if header.lower().startswith("en") else "id"


class DocumentPages:
    """Handlers of the print and verification pages."""

    def __init__(
        self,
        *,
        docs: DocumentStore,
        documents: DocumentService,
        trust_roots: Any,
        office_name: Text,
        timezone: str,
    ) -> None:
        self._docs = docs
        self._documents = documents
        self._roots = trust_roots
        self._office = office_name
        self._tz = ZoneInfo(timezone)
        self._env = template_environment()

    def add_routes(self, app: web.Application) -> None:
        """Mount the pages."""
        app.router.add_get("/d/{token}", self.print_page)
        app.router.add_post("/d/{token}", self.print_submit)
        app.router.add_get("/v/{verify_id}", self.verify_page)
        app.router.add_post("/v", self.verify_upload)

    def _render(
        self, request: web.Request, template: str, status: int = 200, **ctx: Any
    ) -> web.Response:
        lang = request_lang(request)
        page = self._env.get_template(template).render(
            lang=lang, t=_TEXTS_BY_LANG[lang], office=self._office.get(lang), **ctx
        )
        return web.Response(
            text=page, content_type="text/html", status=status, headers=SECURITY_HEADERS
        )

    def _state(self, doc: DocumentInfo | None) -> str:
        if doc is None:
            return "unknown"
        if doc.status != "valid":
            return "replaced"
        if doc.locked:
            return "locked"
        if doc.expired:
            return "expired"
        return "ready"

    async def print_page(self, request: web.Request) -> web.Response:
        """GET ``/d/<token>``: the PIN form."""
        doc = await asyncio.to_thread(self._docs.by_token, request.match_info["token"])
        state = self._state(doc)
        status = 404 if state == "unknown" else 200
        return self._render(request, "print.html", status, doc=doc, state=state, title="PDF")

    async def print_submit(self, request: web.Request) -> web.Response:
        """POST ``/d/<token>``: the PDF for the right PIN; a wrong one is counted."""
        doc = await asyncio.to_thread(self._docs.by_token, request.match_info["token"])
        state = self._state(doc)
        if doc is None or state != "ready":
            status = 404 if doc is None else 403
            return self._render(request, "print.html", status, doc=doc, state=state, title="PDF")
        form = await request.post()
        pin = str(form.get("pin", ""))
        ok = await asyncio.to_thread(self._documents.check_pin, doc, pin)
        if not ok:
            failures = await asyncio.to_thread(self._docs.wrong_pin, doc.id)
            log.info("wrong PIN for document %s (%d)", doc.number, failures)
            if failures >= MAX_PIN_FAILURES:
                return self._render(
                    request, "print.html", 403, doc=doc, state="locked", title="PDF"
                )
            left = MAX_PIN_FAILURES - failures
            error = TEXTS["wrong_pin"].get(request_lang(request)).format(left=left)
            return self._render(
                request, "print.html", 401, doc=doc, state="ready", error=error, title="PDF"
            )
        pdf = await asyncio.to_thread(self._docs.pdf, doc.id)
        await asyncio.to_thread(self._docs.downloaded, doc.id)
        log.info("document %s downloaded", doc.number)
        return web.Response(
            body=pdf,
            content_type="application/pdf",
            headers={
                **SECURITY_HEADERS,
                "Content-Disposition": f'inline; filename="{doc.filename}"',
            },
        )

    async def verify_page(self, request: web.Request) -> web.Response:
        """GET ``/v/<id>``: what the office knows of the document the QR code names."""
        doc = await asyncio.to_thread(self._docs.by_verify_id, request.match_info["verify_id"])
        return self._render(
            request,
            "verify.html",
            200 if doc else 404,
            title="Verifikasi",
            **self._doc_ctx(request, doc),
        )

    def _doc_ctx(self, request: web.Request, doc: DocumentInfo | None) -> dict[str, Any]:
        if doc is None:
            return {"doc": None}
        lang = request_lang(request)
        kind = TEXTS.get(doc.kind)
        issued_on = (
            doc.issued_at.astimezone(self._tz).date()
            if doc.issued_at.tzinfo
            else doc.issued_at.date()
        )
        return {
            "doc": doc,
            "status_text": TEXTS[_status_key(doc.status)].get(lang),
            "kind_text": kind.get(lang) if kind else doc.kind,
            "issued": format_date(issued_on, lang),
        }

    async def verify_upload(self, request: web.Request) -> web.Response:
        """POST ``/v``: is this PDF's signature intact and trusted, and which document is it?"""
        lang = request_lang(request)
        data = b""
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "pdf":
                while chunk := await part.read_chunk():  # type: ignore[union-attr]
                    data += chunk
                    if len(data) > MAX_UPLOAD:
                        return self._upload_refused(request, 413, "too_big")
        if not data.startswith(b"%PDF"):
            return self._upload_refused(request, 400, "not_pdf")
        verdict = await validate_async(data, trust_roots=self._roots())
        known = await asyncio.to_thread(self._docs.by_sha256, hashlib.sha256(data).hexdigest())
        text = verdict.summary(lang, tz=self._tz)
        if known is not None and known.status != "valid":
            text += " " + TEXTS[_status_key(known.status)].get(lang)
        return self._render(
            request,
            "verify.html",
            200,
            title="Verifikasi",
            doc=None,
            verdict=True,
            verdict_ok=verdict.ok and (known is None or known.status == "valid"),
            verdict_text=text,
            verdict_doc=known,
        )

    def _upload_refused(self, request: web.Request, status: int, key: str) -> web.Response:
        """The verification page saying why an uploaded file was not checked."""
        return self._render(
            request,
            "verify.html",
            status,
            title="Verifikasi",
            doc=None,
            verdict=True,
            verdict_ok=False,
            verdict_text=TEXTS[key].get(request_lang(request)),
        )

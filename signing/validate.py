"""Check a signed PDF: is it signed, unchanged since, and signed by someone we trust?

Never raises on what a citizen uploads: a non-PDF, a truncated file or a broken signature gives
a :class:`Verdict` that says so. Nothing is fetched from the network (no OCSP or CRL requests):
revocation data embedded in the PDF is used when present.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from io import BytesIO
from typing import Any, Final, Literal

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signing._certs import common_name, load_certs
from signing._sync import run_blocking, run_off_loop

Lang = Literal["id", "en"]
"""Language of :meth:`Verdict.summary`: Indonesian or English."""

_PDF_MAGIC: Final = b"%PDF-"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a signature check found; ``ok`` when signed, intact and trusted."""

    signed: bool
    """A signature was found and could be read."""
    intact: bool
    """The signed bytes hash to the signed digest and nothing was changed after signing."""
    trusted: bool
    """The signer's certificate chains to one of the trust roots (checked at validation time)."""
    signer_name: str | None = None
    """Common name of the signer's certificate."""
    signing_time: datetime | None = None
    """From the timestamp when there is one, else the time the signer claimed."""
    timestamped: bool = False
    """A timestamp token (PAdES B-T or higher) is present and cryptographically valid."""
    timestamp_trusted: bool = False
    """The timestamp authority also chains to one of the trust roots."""
    modified_after_signing: bool = False
    """Bytes were added after the signature (other than validation data, PAdES LT/LTA)."""
    level: str | None = None
    """PAdES baseline level seen: ``B-B``, ``B-T`` or ``B-LT``."""
    field_name: str | None = None
    """The signature field checked."""
    reason: str | None = None
    """Why the verdict is not good, in English, for staff and logs (no personal data)."""

    @property
    def ok(self) -> bool:
        """Signed, intact and trusted: the document is what the office issued."""
        return self.signed and self.intact and self.trusted

    def summary(self, lang: Lang = "id", *, tz: tzinfo = UTC) -> str:
        """A one-line verdict for a citizen, in Indonesian (``id``) or English (``en``)."""
        en = lang == "en"
        if not self.signed:
            if en:
                return "No readable electronic signature was found in this file."
            return "Tidak ditemukan tanda tangan elektronik yang dapat dibaca pada berkas ini."
        who = self.signer_name or ("an unknown signer" if en else "penanda tangan tak dikenal")
        when = ""
        if self.signing_time is not None:
            local = self.signing_time.astimezone(tz)
            when = f" {'on' if en else 'pada'} {local:%Y-%m-%d %H:%M} {local.tzname() or ''}"
            when = when.rstrip()
        if not self.intact:
            if en:
                return (
                    "INVALID: the document was changed after it was signed, "
                    "or the signature is broken."
                )
            return (
                "TIDAK SAH: dokumen telah diubah setelah ditandatangani, "
                "atau tanda tangannya rusak."
            )
        if not self.trusted:
            if en:
                return f"The document is unchanged, but the signer ({who}) is not a trusted signer."
            return (
                f"Dokumen tidak berubah, tetapi penanda tangan ({who}) "
                "bukan penanda tangan yang dipercaya."
            )
        if en:
            return f"VALID: signed electronically by {who}{when}; unchanged since."
        return f"SAH: ditandatangani secara elektronik oleh {who}{when}; tidak berubah sejak itu."


def _unsigned(reason: str) -> Verdict:
    return Verdict(signed=False, intact=False, trusted=False, reason=reason)


def _level(reader: Any, timestamped: bool) -> str:
    if not timestamped:
        return "B-B"
    try:
        has_dss = "/DSS" in reader.root
    except Exception:  # a broken catalogue says nothing about the level
        has_dss = False
    return "B-LT" if has_dss else "B-T"


def _has_filled_field(reader: Any, field_name: str | None) -> bool:
    """Whether the PDF has a signature field with a value (``field_name`` if given)."""
    try:
        return any(enumerate_sig_fields(reader, filled_status=True, with_name=field_name))
    except Exception:  # a broken form dictionary: no usable signature field
        return False


async def _validate(pdf: bytes, trust_roots: Sequence[bytes], field_name: str | None) -> Verdict:
    roots = load_certs(trust_roots)  # a broken trust root is a configuration fault: raise
    if _PDF_MAGIC not in pdf[:1024]:
        return _unsigned("not a PDF")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
    except Exception as exc:  # any parse failure means "cannot be read"
        return _unsigned(f"the PDF cannot be read ({type(exc).__name__})")
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a signature value that does not even parse
        if _has_filled_field(reader, field_name):
            return Verdict(
                signed=True,
                intact=False,
                trusted=False,
                field_name=field_name,
                reason=f"the signature cannot be read ({type(exc).__name__})",
            )
        return _unsigned(f"the PDF cannot be read ({type(exc).__name__})")
    if field_name is not None:
        signatures = [s for s in signatures if s.field_name == field_name]
    if not signatures:
        return _unsigned("no signature" if field_name is None else f"no signature {field_name!r}")
    sig = signatures[0]
    name: str | None = None
    try:
        name = common_name(sig.signer_cert)
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        status = await async_validate_pdf_signature(sig, signer_validation_context=context)
    except Exception as exc:  # a signature pyHanko cannot even evaluate is broken
        return Verdict(
            signed=True,
            intact=False,
            trusted=False,
            signer_name=name,
            field_name=sig.field_name,
            reason=f"the signature cannot be checked ({type(exc).__name__})",
        )
    tsv = status.timestamp_validity
    timestamped = bool(tsv is not None and tsv.intact and tsv.valid)
    coverage = status.coverage
    # Only validation data (DSS, document timestamps) may follow the signature.
    modified = not (
        coverage == SignatureCoverageLevel.ENTIRE_FILE
        or (
            coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.modification_level == ModificationLevel.LTA_UPDATES
        )
    )
    intact = bool(status.intact and status.valid) and not modified
    trusted = bool(intact and status.trusted)
    reason = None
    if not (status.intact and status.valid):
        reason = "the signed bytes do not match the signature"
    elif modified:
        reason = "the file was changed after it was signed"
    elif not trusted:
        reason = (
            "the signer's certificate is not trusted "
            "(no chain to a trusted root, expired or revoked)"
        )
    signing_time = tsv.timestamp if timestamped and tsv is not None else status.signer_reported_dt
    return Verdict(
        signed=True,
        intact=intact,
        trusted=trusted,
        signer_name=name,
        signing_time=signing_time,
        timestamped=timestamped,
        timestamp_trusted=bool(timestamped and tsv is not None and tsv.trusted),
        modified_after_signing=modified,
        level=_level(reader, timestamped),
        field_name=sig.field_name,
        reason=reason,
    )


def validate(pdf: bytes, *, trust_roots: Sequence[bytes], field_name: str | None = None) -> Verdict:
    """Check the first signature of ``pdf`` (or the one in ``field_name``) against ``trust_roots``.

    ``trust_roots`` are PEM or DER certificates. Works with or without a running event loop in
    this thread (inside one, prefer :func:`validate_async`). Raises only
    :class:`~signing.errors.SignerSetupError` for a trust root that is not a certificate.
    """
    return run_blocking(lambda: _validate(pdf, trust_roots, field_name))


async def validate_async(
    pdf: bytes, *, trust_roots: Sequence[bytes], field_name: str | None = None
) -> Verdict:
    """:func:`validate` for async callers; the CPU work runs in a worker thread."""
    return await run_off_loop(lambda: _validate(pdf, trust_roots, field_name))

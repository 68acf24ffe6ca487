"""Validation verdicts: good, tampered, appended to, untrusted, garbage; never an exception."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from signing import DemoAuthority, LocalKeySigner, SignerSetupError, Verdict, validate
from tests.signing.conftest import HEAD
from tests.signing.pki import MiniCA


def _byte_range(signed: bytes) -> tuple[int, int, int, int]:
    start = signed.rindex(b"/ByteRange")
    values = signed[start : start + 80].split(b"[", 1)[1].split(b"]", 1)[0].split()
    a, b, c, d = (int(v) for v in values)
    return a, b, c, d


def _flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def test_flipped_byte_anywhere_in_signed_range_is_caught(
    signed: bytes, authority: DemoAuthority
) -> None:
    roots = [authority.root_cert_pem]
    a, b, c, d = _byte_range(signed)
    positions = {a + 20, a + b // 3, a + b // 2, a + b - 10, c + 5, c + d // 2, c + d - 3}
    positions |= set(range(a + 200, a + b - 200, max(1, (b - 400) // 40)))
    for at in sorted(positions):
        verdict = validate(_flip(signed, at), trust_roots=roots)  # must not raise
        assert not verdict.ok, at
        assert not (verdict.signed and verdict.intact), at
        assert verdict.reason, at


def test_flipped_byte_in_the_signature_container_never_raises(
    signed: bytes, authority: DemoAuthority
) -> None:
    """/Contents is outside the signed range: a change there breaks the signature or hits an
    unsigned part (an embedded certificate, the zero padding); either way no exception."""
    _, b, c, _ = _byte_range(signed)
    for at in range(b + 1, c - 1, max(1, (c - b) // 25)):
        verdict = validate(_flip(signed, at), trust_roots=[authority.root_cert_pem])
        assert isinstance(verdict, Verdict)
        assert verdict.signed


def test_incremental_update_after_signing_is_reported(
    signed: bytes, authority: DemoAuthority
) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    info = writer.root
    info["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    verdict = validate(out.getvalue(), trust_roots=[authority.root_cert_pem])
    assert verdict.signed
    assert verdict.modified_after_signing
    assert not verdict.intact
    assert not verdict.ok
    assert verdict.reason == "the file was changed after it was signed"


def test_bytes_appended_after_signing_are_reported(signed: bytes, authority: DemoAuthority) -> None:
    verdict = validate(signed + b"\n%% appended\n", trust_roots=[authority.root_cert_pem])
    assert verdict.signed
    assert not verdict.intact
    assert verdict.modified_after_signing


def test_untrusted_ca_is_intact_but_not_trusted(
    other_ca: MiniCA, pdf: bytes, authority: DemoAuthority
) -> None:
    stranger = other_ca.issue("Orang Lain")
    signer = LocalKeySigner(
        private_key=stranger.key, certificate=stranger.cert, chain=[other_ca.cert]
    )
    out = signer.sign_sync(pdf, reason="Uji", location="Magelang")
    verdict = validate(out, trust_roots=[authority.root_cert_pem])
    assert verdict.signed
    assert verdict.intact
    assert not verdict.trusted
    assert verdict.signer_name == "Orang Lain"
    assert "trusted root" in (verdict.reason or "")
    assert validate(out, trust_roots=[other_ca.cert_pem]).ok


def test_no_trust_roots_means_not_trusted(signed: bytes) -> None:
    verdict = validate(signed, trust_roots=[])
    assert verdict.signed
    assert verdict.intact
    assert not verdict.trusted


def test_der_trust_root_is_accepted(signed: bytes, authority: DemoAuthority) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    der = x509.load_pem_x509_certificate(authority.root_cert_pem).public_bytes(
        serialization.Encoding.DER
    )
    assert validate(signed, trust_roots=[der]).ok


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.7\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        bytes(range(256)) * 10,
    ],
)
def test_garbage_is_unsigned_with_a_reason(data: bytes, authority: DemoAuthority) -> None:
    verdict = validate(data, trust_roots=[authority.root_cert_pem])
    assert verdict == Verdict(signed=False, intact=False, trusted=False, reason=verdict.reason)
    assert verdict.reason


def test_truncated_signed_pdf_never_raises(signed: bytes, authority: DemoAuthority) -> None:
    for cut in (10, len(signed) // 3, len(signed) // 2, len(signed) - 40, len(signed) - 1):
        verdict = validate(signed[:cut], trust_roots=[authority.root_cert_pem])
        assert not verdict.ok


def test_unsigned_pdf(pdf: bytes, authority: DemoAuthority) -> None:
    verdict = validate(pdf, trust_roots=[authority.root_cert_pem])
    assert not verdict.signed
    assert verdict.reason == "no signature"


def test_broken_trust_root_is_a_setup_error(signed: bytes) -> None:
    with pytest.raises(SignerSetupError):
        validate(
            signed, trust_roots=[b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
        )
    with pytest.raises(SignerSetupError):
        validate(signed, trust_roots=[b"\x30\x03\x02\x01\x01"])


def test_summaries_in_both_languages() -> None:
    when = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
    good = Verdict(signed=True, intact=True, trusted=True, signer_name=HEAD, signing_time=when)
    jakarta = ZoneInfo("Asia/Jakarta")
    assert good.summary("id", tz=jakarta) == (
        f"SAH: ditandatangani secara elektronik oleh {HEAD} pada 2026-12-07 08:30 WIB; "
        "tidak berubah sejak itu."
    )
    assert good.summary("en").startswith(f"VALID: signed electronically by {HEAD} on 2026-12-07")
    tampered = Verdict(signed=True, intact=False, trusted=False, signer_name=HEAD)
    assert tampered.summary("id").startswith("TIDAK SAH")
    assert tampered.summary("en").startswith("INVALID")
    stranger = Verdict(signed=True, intact=True, trusted=False, signer_name="X")
    assert "bukan penanda tangan yang dipercaya" in stranger.summary("id")
    assert "not a trusted signer" in stranger.summary("en")
    nothing = Verdict(signed=False, intact=False, trusted=False, reason="not a PDF")
    assert "Tidak ditemukan" in nothing.summary("id")
    assert "No readable" in nothing.summary("en")

"""Signing with a local key: PAdES levels, sync and async use, the key parsed once, errors."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.hazmat.primitives import serialization

from signing import (
    DemoAuthority,
    LocalKeySigner,
    PdfInputError,
    SignatureSettings,
    SignerSetupError,
    SigningError,
    TimestampError,
    validate,
    validate_async,
)
from tests.signing.conftest import HEAD
from tests.signing.pki import MiniCA, dummy_timestamper


def test_signed_pdf_validates_intact_and_trusted(
    signed: bytes, pdf: bytes, authority: DemoAuthority
) -> None:
    assert signed.startswith(pdf)  # an incremental update: the original bytes are kept
    verdict = validate(signed, trust_roots=[authority.root_cert_pem])
    assert verdict.ok
    assert (verdict.signed, verdict.intact, verdict.trusted) == (True, True, True)
    assert verdict.signer_name == HEAD
    assert verdict.field_name == "TTE"
    assert verdict.level == "B-B"
    assert not verdict.timestamped
    assert verdict.signing_time is not None
    assert verdict.reason is None


def test_signer_reports_who_and_whether_demo(demo_signer: LocalKeySigner) -> None:
    assert demo_signer.is_demo
    assert demo_signer.signer_name == HEAD
    assert demo_signer.level == "B-B"


def test_field_name_is_used(
    demo_signer: LocalKeySigner, pdf: bytes, authority: DemoAuthority
) -> None:
    out = demo_signer.sign_sync(pdf, field_name="Kadis", reason="r", location="l")
    verdict = validate(out, trust_roots=[authority.root_cert_pem], field_name="Kadis")
    assert verdict.ok
    assert verdict.field_name == "Kadis"
    missing = validate(out, trust_roots=[authority.root_cert_pem], field_name="TTE")
    assert not missing.signed


async def test_sign_inside_running_loop(
    demo_signer: LocalKeySigner, pdf: bytes, authority: DemoAuthority
) -> None:
    roots = [authority.root_cert_pem]
    awaited = await demo_signer.sign(pdf, reason="Uji", location="Magelang")
    blocking = demo_signer.sign_sync(pdf, reason="Uji", location="Magelang")  # loop is running
    assert (await validate_async(awaited, trust_roots=roots)).ok
    assert validate(blocking, trust_roots=roots).ok  # sync validate inside a loop too


async def test_concurrent_signatures_share_one_signer(
    demo_signer: LocalKeySigner, pdf: bytes, authority: DemoAuthority
) -> None:
    outs = await asyncio.gather(
        *(demo_signer.sign(pdf, reason=f"Uji {i}", location="Magelang") for i in range(4))
    )
    for out in outs:
        assert (await validate_async(out, trust_roots=[authority.root_cert_pem])).ok


def test_key_is_not_parsed_again_per_signature(
    monkeypatch: pytest.MonkeyPatch, authority: DemoAuthority, pdf: bytes
) -> None:
    """Regression: pyHanko's SimpleSigner re-parses its DER key for every raw signature."""
    signer = authority.signer()
    calls: list[int] = []
    original = serialization.load_der_private_key

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(serialization, "load_der_private_key", counting)
    from pyhanko.sign.signers import pdf_cms

    monkeypatch.setattr(pdf_cms.serialization, "load_der_private_key", counting)
    out = signer.sign_sync(pdf, reason="Uji", location="Magelang")
    assert calls == []
    assert validate(out, trust_roots=[authority.root_cert_pem]).ok


def test_timestamp_gives_b_t(authority: DemoAuthority, pdf: bytes) -> None:
    tsa_ca = MiniCA.make("Test TSA Root", kind="rsa")
    tsa = tsa_ca.issue("Test TSA", kind="rsa", tsa=True)
    signer = authority.signer(timestamper=dummy_timestamper(tsa))
    assert signer.level == "B-T"
    out = signer.sign_sync(pdf, reason="Uji", location="Magelang")
    verdict = validate(out, trust_roots=[authority.root_cert_pem, tsa_ca.cert_pem])
    assert verdict.ok
    assert verdict.timestamped
    assert verdict.timestamp_trusted
    assert verdict.level == "B-T"
    # the TSA's root not trusted: still a valid timestamp token, but not a trusted one
    partly = validate(out, trust_roots=[authority.root_cert_pem])
    assert partly.ok
    assert partly.timestamped
    assert not partly.timestamp_trusted


def test_validation_info_gives_b_lt(authority: DemoAuthority, pdf: bytes) -> None:
    tsa_ca = MiniCA.make("Test TSA Root LT", kind="rsa")
    tsa = tsa_ca.issue("Test TSA LT", kind="rsa", tsa=True)
    settings = SignatureSettings(
        embed_validation_info=True,
        fetch_revocation=False,
        extra_trust_roots=(tsa_ca.cert_pem,),
    )
    signer = authority.signer(settings=settings, timestamper=dummy_timestamper(tsa))
    assert signer.level == "B-LT"
    out = signer.sign_sync(pdf, reason="Uji", location="Magelang")
    verdict = validate(out, trust_roots=[authority.root_cert_pem, tsa_ca.cert_pem])
    assert verdict.ok, verdict
    assert verdict.level == "B-LT"
    assert not verdict.modified_after_signing  # the DSS update after signing is allowed


def test_b_lt_without_timestamp_is_refused(authority: DemoAuthority) -> None:
    with pytest.raises(SignerSetupError, match="timestamp"):
        authority.signer(settings=SignatureSettings(embed_validation_info=True))


def test_timestamp_url_and_timestamper_together_are_refused(authority: DemoAuthority) -> None:
    tsa = MiniCA.make(kind="rsa").issue("TSA", kind="rsa", tsa=True)
    with pytest.raises(SignerSetupError):
        authority.signer(
            settings=SignatureSettings(timestamp_url="http://127.0.0.1:9/tsa"),
            timestamper=dummy_timestamper(tsa),
        )


def test_timestamp_url_configures_http_timestamper(authority: DemoAuthority) -> None:
    signer = authority.signer(settings=SignatureSettings(timestamp_url="http://127.0.0.1:9/"))
    assert signer.level == "B-T"  # nothing is contacted until a document is signed


def test_unreachable_timestamp_authority_is_a_signing_error(
    authority: DemoAuthority, pdf: bytes
) -> None:
    # port 9 (discard) on loopback: refused at once, no traffic leaves the machine
    signer = authority.signer(
        settings=SignatureSettings(timestamp_url="http://127.0.0.1:9/", timestamp_timeout=2)
    )
    with pytest.raises(TimestampError):
        signer.sign_sync(pdf, reason="Uji", location="Magelang")


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.4\n garbage"])
def test_not_a_pdf_is_refused(demo_signer: LocalKeySigner, data: bytes) -> None:
    with pytest.raises(PdfInputError):
        demo_signer.sign_sync(data, reason="Uji", location="Magelang")


def test_key_must_match_certificate(authority: DemoAuthority) -> None:
    ca = MiniCA.make()
    one, two = ca.issue("Satu"), ca.issue("Dua")
    with pytest.raises(SignerSetupError, match="does not belong"):
        LocalKeySigner(private_key=one.key, certificate=two.cert)


def test_errors_share_one_root() -> None:
    assert issubclass(TimestampError, SigningError)
    assert issubclass(TimestampError, ConnectionError)
    assert issubclass(SignerSetupError, SigningError)
    assert issubclass(PdfInputError, SigningError)
    assert issubclass(SignerSetupError, ValueError)

"""The PKCS#12 backend: a file made in the test signs and validates; bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing import Pkcs12Signer, SignerSetupError, validate
from tests.signing.pki import MiniCA

PASSPHRASE = "rahasia-uji-123"


@pytest.fixture(scope="module")
def ca() -> MiniCA:
    return MiniCA.make("Test Office CA", kind="rsa")


@pytest.fixture
def p12_file(tmp_path: Path, ca: MiniCA) -> Path:
    path = tmp_path / "signer.p12"
    path.write_bytes(ca.issue("Kepala Dinas Uji", kind="rsa").p12(PASSPHRASE.encode()))
    return path


def test_pkcs12_signs_and_validates(p12_file: Path, ca: MiniCA, pdf: bytes) -> None:
    signer = Pkcs12Signer.load(p12_file, PASSPHRASE)
    assert not signer.is_demo
    assert signer.signer_name == "Kepala Dinas Uji"
    out = signer.sign_sync(pdf, reason="Uji", location="Magelang")
    verdict = validate(out, trust_roots=[ca.cert_pem])
    assert verdict.ok
    assert verdict.signer_name == "Kepala Dinas Uji"


def test_passphrase_as_bytes(p12_file: Path) -> None:
    assert Pkcs12Signer.load(p12_file, PASSPHRASE.encode()).signer_name == "Kepala Dinas Uji"


def test_pkcs12_without_passphrase(tmp_path: Path, ca: MiniCA, pdf: bytes) -> None:
    path = tmp_path / "open.p12"
    path.write_bytes(ca.issue("Tanpa Sandi").p12(None))
    for empty in (None, ""):
        signer = Pkcs12Signer.load(path, empty)
        out = signer.sign_sync(pdf, reason="Uji", location="Magelang")
        assert validate(out, trust_roots=[ca.cert_pem]).ok


def test_wrong_passphrase_is_refused_without_echoing_it(p12_file: Path) -> None:
    with pytest.raises(SignerSetupError) as caught:
        Pkcs12Signer.load(p12_file, "salah-sandi")
    assert "salah-sandi" not in str(caught.value)
    assert "wrong passphrase" in str(caught.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SignerSetupError, match="cannot read"):
        Pkcs12Signer.load(tmp_path / "nope.p12", PASSPHRASE)


def test_not_pkcs12_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.p12"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    with pytest.raises(SignerSetupError):
        Pkcs12Signer.load(path, PASSPHRASE)

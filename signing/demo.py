"""A self-made demo certificate authority and a signer certificate for the head of office.

Used when no ``SIGNER_PKCS12`` is configured, so the whole product can be tried without a real
certificate: every document then says DEMO. Created once under ``DATA_DIR`` and reused on every
later start (and by every process: creation is serialised with a file lock).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID
from pyhanko.sign.timestamps import TimeStamper

from signing.errors import SignerSetupError
from signing.settings import SignatureSettings
from signing.signer import LocalKeySigner

KeyType = Literal["rsa", "ecdsa"]
"""Key algorithm of the demo keys: RSA 2048 or ECDSA P-256."""

ROOT_KEY_FILE: Final = "demo-root-ca.key.pem"
ROOT_CERT_FILE: Final = "demo-root-ca.crt.pem"
SIGNER_KEY_FILE: Final = "demo-signer.key.pem"
SIGNER_CERT_FILE: Final = "demo-signer.crt.pem"
LOCK_FILE: Final = ".demo-authority.lock"

DEMO_MARK: Final = "DEMO - bukan sertifikat resmi"
"""Organisational unit of every demo certificate, so a viewer's certificate dialog says so."""
ROOT_YEARS: Final = 10
SIGNER_YEARS: Final = 2
RENEW_BEFORE: Final = timedelta(days=30)
"""A signer certificate closer than this to its end is replaced by a new one."""
DOCUMENT_SIGNING: Final = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")
"""id-kp-documentSigning (RFC 9336)."""

_IssuerKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _new_key(key_type: KeyType) -> _IssuerKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    key: _IssuerKey, *, subject: x509.Name, issuer: x509.Name, now: datetime, years: int, ca: bool
) -> x509.CertificateBuilder:
    """What both demo certificates have: names, key, serial, validity (from an hour ago), basic
    constraints, and key usage (certificates and CRLs for the CA, signatures for the signer)."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )


def _make_root(key: _IssuerKey, office_name: str, now: datetime) -> x509.Certificate:
    name = _name(f"DEMO Root CA {office_name}"[:64], office_name[:64])
    return (
        _builder(key, subject=name, issuer=name, now=now, years=ROOT_YEARS, ca=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _make_signer_cert(
    key: _IssuerKey,
    root_key: CertificateIssuerPrivateKeyTypes,
    root: x509.Certificate,
    *,
    head_name: str,
    office_name: str,
    now: datetime,
) -> x509.Certificate:
    subject = _name(head_name[:64], office_name[:64])
    return (
        _builder(key, subject=subject, issuer=root.subject, now=now, years=SIGNER_YEARS, ca=False)
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` atomically (temporary file, then rename) with permissions ``mode``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)


def _key_pem(key: _IssuerKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _read_key(path: Path) -> _IssuerKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SignerSetupError(f"{path}: not an RSA or ECDSA key")
    return key


def _subject(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    """The first value of ``oid`` (common name, organisation) in the subject, or ``""``."""
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _issued_by(cert: x509.Certificate, root: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) across processes."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class DemoAuthority:
    """The demo root CA and the head of office's demo certificate, kept under one directory.

    Keys are written with permissions 0600 and are parsed once, when :meth:`ensure` returns.
    """

    is_demo: Final = True
    """Always true: documents signed with it must say DEMO."""

    def __init__(
        self,
        *,
        directory: Path,
        root_cert: x509.Certificate,
        signer_key: _IssuerKey,
        signer_cert: x509.Certificate,
    ) -> None:
        self.directory = directory
        """Where the files live."""
        self._root_cert = root_cert
        self._signer_key = signer_key
        self._signer_cert = signer_cert

    @classmethod
    def ensure(
        cls,
        directory: Path,
        *,
        office_name: str,
        head_name: str,
        key_type: KeyType = "rsa",
        now: datetime | None = None,
    ) -> DemoAuthority:
        """The authority under ``directory``: made on the first call, read back on later ones.

        The root CA is made once and kept. The signer certificate is made again (by the same
        root) only when the head of office or office name changed or it nears its end, so a new
        head signs in their own name. ``key_type`` applies to keys made by this call.
        """
        now = now or datetime.now(UTC)
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            with _locked(directory / LOCK_FILE):
                return cls._ensure_locked(directory, office_name, head_name, key_type, now)
        except OSError as exc:
            raise SignerSetupError(
                f"{directory}: cannot keep the demo signer there ({exc.strerror})"
            ) from exc
        except ValueError as exc:
            if isinstance(exc, SignerSetupError):
                raise
            raise SignerSetupError(f"{directory}: the demo signer files are broken") from exc

    @classmethod
    def _ensure_locked(
        cls, directory: Path, office_name: str, head_name: str, key_type: KeyType, now: datetime
    ) -> DemoAuthority:
        root_key_path, root_cert_path = directory / ROOT_KEY_FILE, directory / ROOT_CERT_FILE
        key_path, cert_path = directory / SIGNER_KEY_FILE, directory / SIGNER_CERT_FILE
        if root_key_path.exists() and root_cert_path.exists():
            root_cert = x509.load_pem_x509_certificate(root_cert_path.read_bytes())
            root_key: _IssuerKey | None = None  # read only if a signer certificate must be made
        else:
            root_key = _new_key(key_type)
            root_cert = _make_root(root_key, office_name, now)
            _write(root_key_path, _key_pem(root_key), 0o600)
            _write(root_cert_path, root_cert.public_bytes(serialization.Encoding.PEM), 0o644)
        if key_path.exists() and cert_path.exists():
            signer_key = _read_key(key_path)
            signer_cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            current = (
                _subject(signer_cert, NameOID.COMMON_NAME) == head_name[:64]
                and _subject(signer_cert, NameOID.ORGANIZATION_NAME) == office_name[:64]
                and signer_cert.not_valid_after_utc - RENEW_BEFORE > now
                and _issued_by(signer_cert, root_cert)
            )
            if current:
                return cls(
                    directory=directory,
                    root_cert=root_cert,
                    signer_key=signer_key,
                    signer_cert=signer_cert,
                )
        if root_key is None:
            root_key = _read_key(root_key_path)
        signer_key = _new_key(key_type)
        signer_cert = _make_signer_cert(
            signer_key, root_key, root_cert, head_name=head_name, office_name=office_name, now=now
        )
        _write(key_path, _key_pem(signer_key), 0o600)
        _write(cert_path, signer_cert.public_bytes(serialization.Encoding.PEM), 0o644)
        return cls(
            directory=directory, root_cert=root_cert, signer_key=signer_key, signer_cert=signer_cert
        )

    @property
    def root_cert_pem(self) -> bytes:
        """The demo root certificate (PEM): the trust root for validating demo documents."""
        return self._root_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def signer_cert_pem(self) -> bytes:
        """The head of office's demo certificate (PEM)."""
        return self._signer_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def signer_name(self) -> str:
        """The head of office named in the signer certificate."""
        return _subject(self._signer_cert, NameOID.COMMON_NAME)

    def signer(
        self, *, settings: SignatureSettings | None = None, timestamper: TimeStamper | None = None
    ) -> LocalKeySigner:
        """A signer with the demo key (already parsed); build one and reuse it."""
        return LocalKeySigner(
            private_key=self._signer_key,
            certificate=self._signer_cert,
            chain=(self._root_cert,),
            is_demo=True,
            settings=settings,
            timestamper=timestamper,
        )

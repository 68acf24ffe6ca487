"""A tiny test PKI made with ``cryptography``: CAs, signer and TSA certificates, PKCS#12 files.

Offline and fast (ECDSA for CAs and signers where the test does not care; RSA where pyHanko's
``DummyTimeStamper`` needs it). Nothing here is a real person's or office's certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper
from reportlab.pdfgen.canvas import Canvas

from signing._certs import asn1_cert, asn1_private_key

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
NOW = datetime.now(UTC)


def new_key(kind: str = "ec") -> Key:
    """A fresh private key: ``ec`` (P-256) or ``rsa`` (2048)."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key_usage(*, ca: bool, commitment: bool = False) -> x509.KeyUsage:
    """Certificate and CRL signing for a CA; digital signatures (``commitment``: with
    non-repudiation) otherwise."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class Issued:
    """A key and its certificate (and the CA certificate that issued it)."""

    key: Key
    cert: x509.Certificate
    issuer: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def p12(self, passphrase: bytes | None) -> bytes:
        """The key, certificate and CA in a PKCS#12 file."""
        encryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(
            b"signer", self.key, self.cert, [self.issuer], encryption
        )


@dataclass(frozen=True)
class MiniCA:
    """A self-signed root that issues certificates."""

    key: Key
    cert: x509.Certificate

    @classmethod
    def make(cls, name: str = "Test Root CA", kind: str = "ec") -> MiniCA:
        key = new_key(kind)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, cn: str, *, kind: str = "ec", tsa: bool = False) -> Issued:
        """A signer certificate (non-repudiation), or a TSA certificate with ``tsa``."""
        key = new_key(kind)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=1))
            .not_valid_after(NOW + timedelta(days=90))
            .add_extension(_key_usage(ca=False, commitment=not tsa), critical=True)
        )
        if tsa:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        return Issued(key, builder.sign(self.key, hashes.SHA256()), self.cert)


def dummy_timestamper(tsa: Issued) -> DummyTimeStamper:
    """pyHanko's offline timestamper signing with ``tsa`` (an RSA certificate)."""
    return DummyTimeStamper(tsa_cert=asn1_cert(tsa.cert), tsa_key=asn1_private_key(tsa.key))


def small_pdf(text: str = "Dokumen uji") -> bytes:
    """A one-page PDF made with reportlab (uncompressed, so byte positions are easy to find)."""
    out = BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=0)
    canvas.drawString(100, 700, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()

"""Conversions between pyca/cryptography objects (used to make and load keys) and asn1crypto
objects (used by pyHanko), and the few certificate facts the package reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from signing.errors import SignerSetupError


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The asn1crypto form of a pyca certificate."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def asn1_private_key(key: PrivateKeyTypes) -> asn1_keys.PrivateKeyInfo:
    """The asn1crypto (PKCS#8) form of a pyca private key."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def common_name(cert: asn1_x509.Certificate) -> str:
    """The subject's common name (CN), or the whole subject when it has none."""
    for rdn in cert.subject.chosen:
        for attribute in rdn:
            if attribute["type"].native == "common_name":
                return str(attribute["value"].native)
    return str(cert.subject.human_friendly)


def is_self_signed(cert: asn1_x509.Certificate) -> bool:
    """Whether the certificate names itself as issuer (a root)."""
    return bool(cert.self_signed in ("maybe", "yes"))


def load_certs(blobs: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or more per blob) or DER blobs.

    Raises :class:`SignerSetupError` when a blob holds no certificate.
    """
    certs: list[asn1_x509.Certificate] = []
    for index, blob in enumerate(blobs):
        try:
            if pem.detect(blob):
                found = [
                    asn1_x509.Certificate.load(der)
                    for kind, _headers, der in pem.unarmor(blob, multiple=True)
                    if kind == "CERTIFICATE"
                ]
            else:
                found = [asn1_x509.Certificate.load(blob)]
            for cert in found:
                _ = cert.subject  # parse now, so a broken blob fails here and not later
        except (ValueError, TypeError) as exc:
            raise SignerSetupError(f"trust root #{index + 1} is not a certificate") from exc
        if not found:
            raise SignerSetupError(f"trust root #{index + 1} holds no certificate")
        certs.extend(found)
    return certs


def split_chain(
    certs: Sequence[asn1_x509.Certificate],
) -> tuple[list[asn1_x509.Certificate], list[asn1_x509.Certificate]]:
    """``(roots, intermediates)``: self-signed certificates and the others."""
    roots = [c for c in certs if is_self_signed(c)]
    others = [c for c in certs if not is_self_signed(c)]
    return roots, others

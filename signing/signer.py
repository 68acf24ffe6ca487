"""The signer interface and the local-key implementation on top of pyHanko.

A signer is built once at start-up (the private key is parsed once) and then signs any number
of PDFs, from synchronous code (:meth:`Signer.sign_sync`) or from a running event loop
(:meth:`Signer.sign`).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from io import BytesIO
from typing import Any, Final

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from signing._certs import asn1_cert, asn1_private_key, common_name, load_certs, split_chain
from signing._sync import run_blocking, run_off_loop
from signing.errors import PdfInputError, SignerSetupError, SigningError, TimestampError
from signing.settings import SignatureSettings

DEFAULT_FIELD: Final = "TTE"
"""Name of the signature field a document gets when none is given."""


def _spki(public_key: Any) -> bytes:
    """The DER SubjectPublicKeyInfo of a public key, to compare keys of any type."""
    return bytes(
        public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


class Signer(abc.ABC):
    """Signs PDFs electronically (TTE, PAdES) in the name of one person.

    Build one at start-up and reuse it: implementations load their key once.
    """

    @property
    @abc.abstractmethod
    def is_demo(self) -> bool:
        """Whether this is a demo signer whose signatures have no legal value."""

    @property
    @abc.abstractmethod
    def signer_name(self) -> str:
        """Who signs: the common name of the signing certificate."""

    @property
    @abc.abstractmethod
    def level(self) -> str:
        """The PAdES baseline level of the signatures made: ``B-B``, ``B-T`` or ``B-LT``."""

    @abc.abstractmethod
    async def sign(
        self, pdf: bytes, *, field_name: str = DEFAULT_FIELD, reason: str, location: str
    ) -> bytes:
        """``pdf`` with an invisible signature in ``field_name`` appended (incremental update).

        Raises :class:`~signing.errors.PdfInputError` for bytes that are not a signable PDF,
        :class:`~signing.errors.TimestampError` when the timestamp authority fails, and
        :class:`~signing.errors.SigningError` for anything else that goes wrong.
        """

    def sign_sync(
        self, pdf: bytes, *, field_name: str = DEFAULT_FIELD, reason: str, location: str
    ) -> bytes:
        """:meth:`sign` for synchronous callers; works whether or not a loop runs in this thread."""
        return run_blocking(
            lambda: self.sign(pdf, field_name=field_name, reason=reason, location=location)
        )


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` using a key object parsed once.

    ``SimpleSigner.sign_raw`` re-parses its DER key for every raw signature, twice per PDF (the
    size estimate signs too); for RSA that parse (with its key checks) costs ~40 ms each.
    """

    def __init__(self, *, private_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(signing_key=asn1_private_key(private_key), **kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = mechanism["algorithm"].native
        key = self._private_key
        if isinstance(key, rsa.RSAPrivateKey) and algo == "rsassa_pkcs1v15":
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if isinstance(key, rsa.RSAPrivateKey) and algo == "rsassa_pss":
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if isinstance(key, ec.EllipticCurvePrivateKey) and algo == "ecdsa":
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            return key.sign(data, ec.ECDSA(hash_algo))
        return bytes(super().sign_raw(data, digest_algorithm))  # other key types: pyHanko's path


class LocalKeySigner(Signer):
    """A signer whose private key is in this process's memory (PKCS#12 file, demo CA).

    ``timestamper`` overrides ``settings.timestamp_url`` with any pyHanko ``TimeStamper``
    (tests use pyHanko's offline ``DummyTimeStamper``).
    """

    def __init__(
        self,
        *,
        private_key: PrivateKeyTypes,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
        is_demo: bool = False,
        settings: SignatureSettings | None = None,
        timestamper: TimeStamper | None = None,
    ) -> None:
        settings = settings or SignatureSettings()
        if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SignerSetupError(
                f"unsupported key type {type(private_key).__name__}: use RSA or ECDSA"
            )
        if _spki(private_key.public_key()) != _spki(certificate.public_key()):
            raise SignerSetupError("the private key does not belong to the certificate")
        if timestamper is not None and settings.timestamp_url:
            raise SignerSetupError("give either a timestamp URL or a timestamper, not both")
        if timestamper is None and settings.timestamp_url:
            timestamper = HTTPTimeStamper(
                settings.timestamp_url, timeout=settings.timestamp_timeout
            )
        if settings.embed_validation_info and timestamper is None:
            raise SignerSetupError("embedding validation info (PAdES B-LT) needs a timestamp")
        self._settings = settings
        self._timestamper = timestamper
        self._is_demo = is_demo
        cert = asn1_cert(certificate)
        chain_asn1 = [asn1_cert(c) for c in chain]
        registry = SimpleCertificateStore.from_certs(chain_asn1)  # type: ignore[no-untyped-call]  # unannotated upstream
        self._name = common_name(cert)
        self._certificate = cert
        self._pyhanko = _KeptKeySigner(
            private_key=private_key, signing_cert=cert, cert_registry=registry
        )
        self._validation_context: ValidationContext | None = None
        if settings.embed_validation_info:
            roots, others = split_chain([*chain_asn1, cert])
            roots += load_certs(settings.extra_trust_roots)
            if not roots:
                raise SignerSetupError("B-LT needs the root certificate in the chain or settings")
            self._validation_context = ValidationContext(
                trust_roots=roots,
                other_certs=others,
                allow_fetching=settings.fetch_revocation,
                revocation_mode="soft-fail",
            )

    @property
    def is_demo(self) -> bool:
        return self._is_demo

    @property
    def signer_name(self) -> str:
        return self._name

    @property
    def certificate(self) -> asn1_x509.Certificate:
        """The signing certificate (asn1crypto form)."""
        return self._certificate

    @property
    def level(self) -> str:
        if self._timestamper is None:
            return "B-B"
        return "B-LT" if self._settings.embed_validation_info else "B-T"

    async def sign(
        self, pdf: bytes, *, field_name: str = DEFAULT_FIELD, reason: str, location: str
    ) -> bytes:
        return await run_off_loop(
            lambda: self._sign(pdf, field_name=field_name, reason=reason, location=location)
        )

    def sign_sync(
        self, pdf: bytes, *, field_name: str = DEFAULT_FIELD, reason: str, location: str
    ) -> bytes:
        return run_blocking(
            lambda: self._sign(pdf, field_name=field_name, reason=reason, location=location)
        )

    async def _sign(self, pdf: bytes, *, field_name: str, reason: str, location: str) -> bytes:
        """Sign on the current loop (pyHanko's async API; the timestamper may do network I/O)."""
        if pdf.lstrip()[:5] != b"%PDF-":
            raise PdfInputError("not a PDF: the bytes do not start with %PDF-")
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf))
        except Exception as exc:  # pyHanko raises several kinds for unreadable files
            raise PdfInputError(f"the PDF cannot be read: {exc}") from exc
        lt = self._validation_context is not None
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=reason,
            location=location,
            name=self._name,
            md_algorithm=self._settings.md_algorithm,
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=lt,
            validation_context=self._validation_context,
        )
        pdf_signer = signers.PdfSigner(meta, signer=self._pyhanko, timestamper=self._timestamper)
        try:
            out = await pdf_signer.async_sign_pdf(writer)
        except TimestampRequestError as exc:
            raise TimestampError(f"the timestamp authority failed: {exc}") from exc
        except Exception as exc:  # wrap whatever pyHanko or cryptography raised
            raise SigningError(f"signing failed: {type(exc).__name__}: {exc}") from exc
        return bytes(out.getvalue())

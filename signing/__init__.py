"""Electronic signatures (TTE) on PDFs with pyHanko: sign (PAdES B-B/B-T/B-LT) and validate.

Layering: this package imports nothing from ``documents`` or ``bot``; it signs any PDF bytes.
Backends: :class:`Pkcs12Signer` (the office's certificate file) and :class:`DemoAuthority`
(a self-made CA for trying the product; every document then says DEMO).
"""

from signing.demo import DemoAuthority
from signing.errors import PdfInputError, SignerSetupError, SigningError, TimestampError
from signing.pkcs12 import Pkcs12Signer
from signing.settings import SignatureSettings
from signing.signer import DEFAULT_FIELD, LocalKeySigner, Signer
from signing.validate import Verdict, validate, validate_async

__all__ = [
    "DEFAULT_FIELD",
    "DemoAuthority",
    "LocalKeySigner",
    "PdfInputError",
    "Pkcs12Signer",
    "SignatureSettings",
    "Signer",
    "SignerSetupError",
    "SigningError",
    "TimestampError",
    "Verdict",
    "validate",
    "validate_async",
]

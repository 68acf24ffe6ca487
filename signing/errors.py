"""Errors of the ``signing`` package: one root, and a subclass per kind of failure.

Each subclass also derives from the builtin it resembles, so a caller that only knows the
builtin (``ValueError`` for bad material, ``ConnectionError`` for an unreachable timestamp
authority) still catches it. Third-party failures (pyHanko, cryptography) are wrapped with
``raise ... from e`` so the original stays in the traceback.
"""

from __future__ import annotations


class SigningError(Exception):
    """Root of every error raised by the ``signing`` package."""


class SignerSetupError(SigningError, ValueError):
    """Key, certificate, passphrase, trust roots or settings cannot be used (configuration)."""


class PdfInputError(SigningError, ValueError):
    """The bytes given to sign are not a PDF that can be signed."""


class TimestampError(SigningError, ConnectionError):
    """The timestamp authority did not answer, or answered with something unusable."""

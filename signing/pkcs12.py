"""Signer backend for a PKCS#12 file (``.p12``/``.pfx``) holding the signer's key and chain."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.timestamps import TimeStamper

from signing.errors import SignerSetupError
from signing.settings import SignatureSettings
from signing.signer import LocalKeySigner


class Pkcs12Signer(LocalKeySigner):
    """The office's real signer: key and chain from ``SIGNER_PKCS12`` (``SIGNER_PASSPHRASE``)."""

    @classmethod
    def load(
        cls,
        path: Path | str,
        passphrase: str | bytes | None,
        *,
        settings: SignatureSettings | None = None,
        timestamper: TimeStamper | None = None,
    ) -> Pkcs12Signer:
        """Read and decrypt the file once; the key stays loaded for every later signature.

        Raises :class:`~signing.errors.SignerSetupError` (never showing the passphrase) when the
        file cannot be read or opened, or holds no key and certificate.
        """
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise SignerSetupError(
                f"{source}: cannot read the PKCS#12 file ({exc.strerror})"
            ) from exc
        secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
        except (ValueError, TypeError) as exc:
            raise SignerSetupError(
                f"{source}: cannot open the PKCS#12 file (wrong passphrase, or not PKCS#12)"
            ) from exc
        if key is None or cert is None:
            raise SignerSetupError(f"{source}: the PKCS#12 file holds no key and certificate")
        return cls(
            private_key=key,
            certificate=cert,
            chain=extra,
            is_demo=False,
            settings=settings,
            timestamper=timestamper,
        )

"""How documents are signed: the PAdES level and where timestamps come from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Signature options shared by every signer backend; built once from the settings.

    Without a timestamp authority signatures are PAdES B-B (the signing time is the signer's
    own claim). With ``timestamp_url`` they are B-T; with ``embed_validation_info`` as well,
    B-LT (the certificate chain and revocation data are embedded, so the signature can still be
    checked after the certificate expires).
    """

    timestamp_url: str | None = None
    """RFC 3161 timestamp authority (``http(s)://...``); ``None`` for no timestamp."""
    timestamp_timeout: float = 10.0
    """Seconds to wait for the timestamp authority."""
    embed_validation_info: bool = False
    """Embed chain and revocation data (B-LT). Needs a timestamp authority."""
    fetch_revocation: bool = True
    """For B-LT: fetch OCSP responses and CRLs named in the certificates (network access)."""
    extra_trust_roots: tuple[bytes, ...] = ()
    """For B-LT: more trusted roots (PEM or DER), e.g. the timestamp authority's."""
    md_algorithm: str = "sha256"
    """Digest algorithm of the signature."""

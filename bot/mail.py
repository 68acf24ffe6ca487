"""Sending email: over SMTP (``SMTP_*`` settings, STARTTLS) or, with no ``SMTP_HOST``, written as
``.eml`` files under ``DATA_DIR/outbox`` (the embedded default). Retries are the worker's job."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib


class MailError(Exception):
    """An email could not be handed over now (the worker tries again)."""


class Mailer(Protocol):
    """Hands an email over for delivery."""

    async def send(self, message: EmailMessage) -> None:
        """Send ``message``; raise ``MailError`` when it should be tried again later."""
        ...


@dataclass
class SmtpMailer:
    """An SMTP relay."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 30.0

    async def send(self, message: EmailMessage) -> None:
        """One connection per message; a refused or failed hand-over raises ``MailError``."""
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.user,
                password=self.password,
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}") from exc


@dataclass
class FolderMailer:
    """The embedded default: each email is a ``.eml`` file in ``folder`` (open it in any mail
    program)."""

    folder: Path

    async def send(self, message: EmailMessage) -> None:
        """Write the message; the Message-ID names the file, so a retry rewrites the same file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        ident = re.sub(r"[^A-Za-z0-9._-]", "_", str(message["Message-ID"] or "message"))
        path = self.folder / f"{ident.strip('_')}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bytes(message))
        tmp.replace(path)

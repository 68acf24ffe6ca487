"""Typed settings, read once at start-up from the environment (and ``.env``), never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import default_sqlite_url


class Settings(BaseSettings):
    """Every knob of a deployment. The embedded default needs none of them set."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    database_url: str | None = None
    data_dir: Path = Path("./var")
    public_base_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "Disdukcapil <no-reply@localhost>"
    smtp_starttls: bool = True
    office_config: Path | None = None
    forms_dir: Path | None = None
    """Extra form files (``*.yaml``) besides the bundled ones; same id replaces a bundled form."""
    signer_pkcs12: Path | None = None
    signer_passphrase: SecretStr | None = None
    trust_roots: Path | None = None
    """PEM file of the roots a signature must chain to (the demo root when none is set)."""
    timestamp_url: str | None = None
    """A timestamp authority: documents are then signed PAdES B-T (B-B without one)."""
    link_days: int = Field(default=30, ge=1, le=365)
    """How long a print link works."""
    staff_chat_id: int | None = None
    """The staff Telegram group (a forum): one topic per hand-off ticket."""
    staff_ids: str = ""
    """Comma-separated Telegram user ids allowed to act on tickets (empty: every group member)."""
    webhook_secret: SecretStr | None = None
    telegram_rate_global: float = Field(default=30.0, gt=0)
    """Messages a second the bot sends in all (Telegram's documented limit is about 30)."""
    telegram_rate_chat_burst: float = Field(default=20.0, ge=1)
    """Replies to one chat that may go out at once before pacing at one a second."""
    timezone: str = "Asia/Jakarta"
    log_level: str = "INFO"

    @property
    def staff_id_set(self) -> frozenset[int]:
        """``STAFF_IDS`` as numbers."""
        return frozenset(int(p) for p in self.staff_ids.replace(" ", "").split(",") if p)

    @property
    def db_url(self) -> str:
        """``DATABASE_URL``, or the SQLite file under ``DATA_DIR``."""
        return self.database_url or default_sqlite_url(self.data_dir)

"""Fixtures for the dialog layer: a whole application on a real database, with a fixed clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import App, build_app
from bot.dialog import ChatKey, Incoming
from bot.settings import Settings
from flows.protocol import FileIn, Reply, Tap, TextIn
from tests.flows.driver import strip_html as plain

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=JAKARTA)
"""Thursday 3 December 2026, 08:00 WIB: the booking window runs from Friday 4 December."""


def make_app(tmp_path: Path, db_url: str, *, now: datetime = NOW) -> App:
    """An application on ``db_url``, files under ``tmp_path``, the clock stopped at ``now``."""
    settings = Settings(data_dir=tmp_path / "var", database_url=db_url, _env_file=None)
    return build_app(settings, clock=lambda: now)


@pytest.fixture
def app(tmp_path: Path, db_url: str) -> Iterator[App]:
    """The application on SQLite and on PostgreSQL in turn."""
    application = make_app(tmp_path, db_url)
    yield application
    application.close()


class Chat:
    """A citizen talking to the dialog service directly (no channel in between)."""

    def __init__(self, app: App, chat_id: str = "citizen-1", channel: str = "test") -> None:
        self.app = app
        self.key = ChatKey(channel, chat_id)
        self.replies: list[Reply] = []
        self.last_buttons: Reply | None = None

    def _handle(self, event: Incoming, update_id: int | None = None) -> str:
        self.replies = self.app.dialog.handle(self.key, event, update_id=update_id)
        for reply in self.replies:
            if reply.buttons:
                self.last_buttons = reply
        return self.text

    @property
    def text(self) -> str:
        """The plain text of the latest replies."""
        return "\n".join(plain(r.text) for r in self.replies)

    def send(self, text: str, *, update_id: int | None = None) -> str:
        """Type ``text``."""
        return self._handle(TextIn(text), update_id)

    def tap(self, label: str) -> str:
        """Press the button whose label contains ``label`` on the latest message with buttons."""
        assert self.last_buttons is not None, "no message with buttons yet"
        for button in self.last_buttons.button_list():
            if label.lower() in button.label.lower():
                return self._handle(Tap(button.data))
        labels = [b.label for b in self.last_buttons.button_list()]
        raise AssertionError(f"no button {label!r} in {labels}")

    def upload(self, data: bytes, name: str) -> str:
        """Send a file, stored and sniffed as a channel would."""
        stored = self.app.files.put(data)
        return self._handle(FileIn(stored.ref, stored.mime, stored.size, name))

    def buttons(self) -> list[str]:
        """Labels of the latest buttons."""
        return [b.label for b in self.last_buttons.button_list()] if self.last_buttons else []


def ktp_answers_until_day(
    chat: Chat, *, nik: str = "3371011708000001", name: str = "Budi Santoso"
) -> str:
    """Start the KTP-el recording form and answer up to (not including) the day question."""
    chat.send("/mulai")
    chat.tap("perekaman KTP-el")
    chat.send("17-08-2000")
    chat.tap("Laki-laki")
    chat.send(nik)
    chat.send(name)
    chat.send("3371012001150003")
    chat.send("Magelang")
    chat.tap("Magersari")
    chat.send("0812-3456-7890")
    return chat.send("budi@contoh.com")


def book_ktp(chat: Chat, day: str = "Senin, 7 Desember") -> str:
    """A KTP-el recording booked through the dialog on the offered ``day`` (default Monday 7
    December); the text of the last replies."""
    ktp_answers_until_day(chat)
    chat.tap(day)
    chat.tap("Saya setuju")
    return chat.tap("Kirim")


def submit_damaged_replacement(chat: Chat) -> None:
    """A KTP-el replacement for a damaged card (BUDI SANTOSO, email budi@contoh.com), submitted
    through the dialog."""
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    chat.tap("Rusak")
    chat.tap("Ya")
    for text in ("3371011203850002", "Budi Santoso", "3371012001150003", "081234567890"):
        chat.send(text)
    chat.send("budi@contoh.com")
    chat.tap("Saya setuju")
    chat.tap("Kirim")


def education_change_until_upload(chat: Chat, diploma: bytes) -> None:
    """A KK change of BUDI SANTOSO's education (SLTA to Strata I) through the dialog, up to and
    including the diploma photo (the email question comes next)."""
    chat.send("/mulai")
    chat.tap("Kartu Keluarga")
    for text in ("3371011203850002", "Budi Santoso", "3371012001150003"):
        chat.send(text)
    chat.tap("Pendidikan")
    chat.send("Budi Santoso")
    chat.send("3371011203850002")
    chat.send("SLTA")
    chat.tap("Strata I")
    chat.tap("Tidak, lanjut")
    chat.upload(diploma, "ijazah.png")


def submit_newborn(chat: Chat, *, email: str = "budi@contoh.com") -> str:
    """A KK change adding a newborn (AYU LESTARI SANTOSO, born 01-11-2026 to BUDI SANTOSO and
    SITI AMINAH) submitted through the dialog; its reference."""
    chat.send("/mulai")
    chat.tap("Kartu Keluarga")
    for text in ("3371011203850002", "Budi Santoso", "3371012001150003"):
        chat.send(text)
    chat.tap("Tambah anggota")
    chat.send("Ayu Lestari Santoso")
    chat.tap("Perempuan")
    chat.send("Magelang")
    chat.send("01-11-2026")
    chat.tap("Anak")
    chat.send("Siti Aminah")
    chat.send("Budi Santoso")
    chat.tap("Tidak, lanjut")
    chat.upload(PNG_1PX, "akta.png")
    chat.send(email)
    chat.send("081234567890")
    chat.tap("Saya setuju")
    text = chat.tap("Kirim")
    match = re.search(r"nomor (KK-[0-9A-Z]+)", text)
    assert match, text
    return match.group(1)


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
"""A valid 1x1 PNG (content sniffing must recognise it)."""

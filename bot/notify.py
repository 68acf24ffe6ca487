"""Messages the application starts itself (reminders, notices), sent to a chat by its reference."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol, TextIO

from flows.protocol import Reply

log = logging.getLogger(__name__)


class NotifyError(Exception):
    """A notice could not be delivered now (the worker retries the job)."""


class Notifier(Protocol):
    """Delivers a reply to the chat ``chat_ref`` (``telegram:12345``)."""

    async def notify(self, chat_ref: str, reply: Reply) -> None:
        """Send ``reply``; raise ``NotifyError`` when it should be tried again later."""
        ...

    async def send_document(
        self, chat_ref: str, *, filename: str, data: bytes, caption: str
    ) -> None:
        """Send a file named ``filename`` with ``caption`` (HTML); ``NotifyError`` to retry."""
        ...


class Notifiers:
    """Routes a notice to the notifier of the chat's channel."""

    def __init__(self, by_channel: dict[str, Notifier]) -> None:
        self._by_channel = by_channel

    def register(self, channel: str, notifier: Notifier) -> None:
        """Deliver notices of ``channel`` chats through ``notifier``."""
        self._by_channel[channel] = notifier

    async def notify(self, chat_ref: str, reply: Reply) -> None:
        """Send through the channel's notifier (``NotifyError`` when there is none here)."""
        await self._for(chat_ref).notify(chat_ref, reply)

    async def send_document(
        self, chat_ref: str, *, filename: str, data: bytes, caption: str
    ) -> None:
        """Send a file through the channel's notifier."""
        await self._for(chat_ref).send_document(
            chat_ref, filename=filename, data=data, caption=caption
        )

    def _for(self, chat_ref: str) -> Notifier:
        channel = chat_ref.split(":", 1)[0]
        notifier = self._by_channel.get(channel)
        if notifier is None:
            raise NotifyError(f"no notifier for channel {channel} in this process")
        return notifier


class ConsoleNotifier:
    """Notices in the terminal demo: printed where the citizen is typing; documents are saved
    under ``folder`` and their path printed."""

    def __init__(self, out: TextIO, folder: Path) -> None:
        self._out = out
        self._folder = folder

    async def send_document(
        self, chat_ref: str, *, filename: str, data: bytes, caption: str
    ) -> None:
        """Save the file and print where it is, with the caption."""
        from bot.console import to_terminal

        del chat_ref
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._folder / filename
        path.write_bytes(data)
        self._out.write(f"\n[dokumen] {path}\n{to_terminal(caption, color=False)}\n")
        self._out.flush()

    async def notify(self, chat_ref: str, reply: Reply) -> None:
        """Print the notice and its buttons."""
        from bot.console import to_terminal

        del chat_ref
        self._out.write("\n[pemberitahuan] " + to_terminal(reply.text, color=False) + "\n")
        for n, button in enumerate(reply.button_list(), start=1):
            self._out.write(f"  [{n}] {button.label}\n")
        self._out.flush()

"""The terminal channel: the same dialog as in Telegram, with buttons shown as numbered choices.

Type the number of a button to press it, type an answer, or a command (``/kembali``, ``/batal``,
``/lewati``, ``/bahasa``, ``/bantuan``, ``/status``, ``/mulai``). ``/berkas PATH`` sends a file
as an upload (a photo of a document).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final, TextIO

from bot.dialog import ChatKey, DialogService
from flows.protocol import FileIn, Reply, Tap, TextIn
from storage.files import FileStore

log = logging.getLogger(__name__)

BUTTON_INPUTS: Final = frozenset({"choice", "multi", "day", "yes_no", "consent", "summary", "menu"})
"""Questions where a typed number presses a button (elsewhere it is an answer, like a NIK)."""

_TAG: Final = re.compile(r"</?(b|i|u|code|pre)>")


def to_terminal(text: str, *, color: bool) -> str:
    """A reply's HTML as terminal text (bold where the terminal can show it)."""

    def tag(match: re.Match[str]) -> str:
        if not color:
            return ""
        closing = match.group(0).startswith("</")
        return "\033[0m" if closing else ("\033[1m" if match.group(1) == "b" else "\033[3m")

    return html.unescape(_TAG.sub(tag, text))


class Console:
    """One citizen chatting in a terminal."""

    def __init__(
        self,
        dialog: DialogService,
        files: FileStore,
        *,
        out: TextIO,
        chat_id: str = "demo",
        color: bool = False,
    ) -> None:
        self._dialog = dialog
        self._files = files
        self._out = out
        self._chat = ChatKey("console", chat_id)
        self._color = color
        self._last: Reply | None = None

    def send(self, line: str) -> list[Reply]:
        """Apply one line the citizen typed and show the replies."""
        event = self._event(line)
        if event is None:
            return []
        try:
            replies = self._dialog.handle(self._chat, event)
        except Exception:  # an operator sees the log; the citizen an apology
            log.exception("handling a console line failed")
            replies = [self._dialog.apology("id")]
        for reply in replies:
            self._show(reply)
        return replies

    def run(self, lines: Iterable[str], *, prompt: str = "> ") -> None:
        """The chat loop, until the input ends (Ctrl-D) or ``/keluar``."""
        current = self._dialog.current(self._chat)
        self.send("/mulai" if current is None else "/bantuan")
        self._out.write(prompt)
        self._out.flush()
        for raw in lines:
            line = raw.rstrip("\n")
            if line.strip().lower() in {"/keluar", "/exit", "/quit"}:
                break
            self.send(line)
            self._out.write(prompt)
            self._out.flush()
        self._out.write("\n")

    def _event(self, line: str) -> TextIn | Tap | FileIn | None:
        text = line.strip()
        if not text:
            return None
        if text.lower().startswith(("/berkas ", "/file ")):
            return self._upload(text.split(" ", 1)[1].strip())
        buttons = self._last.button_list() if self._last is not None else []
        expects = self._last.expects if self._last is not None else None
        if text.isdigit() and buttons and (expects in BUTTON_INPUTS or expects is None):
            n = int(text)
            if 1 <= n <= len(buttons):
                return Tap(buttons[n - 1].data)
        return TextIn(text)

    def _upload(self, name: str) -> FileIn | None:
        path = Path(name).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._out.write(f"(cannot read {path}: {exc.strerror})\n")
            return None
        stored = self._files.put(data)
        return FileIn(ref=stored.ref, mime=stored.mime, size=stored.size, name=path.name)

    def _show(self, reply: Reply) -> None:
        self._out.write("\n" + to_terminal(reply.text, color=self._color) + "\n")
        for n, button in enumerate(reply.button_list(), start=1):
            self._out.write(f"  [{n}] {button.label}\n")
        self._out.flush()
        if reply.buttons or reply.kind in {"question", "summary"}:
            self._last = reply

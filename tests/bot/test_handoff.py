"""Hand-off in the dialog: tickets carry masked context; office hours are told."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from bot.dialog import HelpCmd
from flows.protocol import Tap, TextIn
from tests.bot.conftest import JAKARTA, Chat, make_app


def test_ticket_context_masks_numbers_and_relays(tmp_path: Path, db_url: str) -> None:
    app = make_app(tmp_path, db_url)
    chat = Chat(app, "h-1")
    chat.send("/mulai")
    chat.tap("Penggantian KTP-el")
    chat.tap("Rusak")
    chat.tap("Ya")
    chat.send("3371011203850002")
    [help_reply] = app.dialog.handle(chat.key, HelpCmd())[:1]
    button = next(b for b in help_reply.button_list() if "petugas" in b.label)
    replies = app.dialog.handle(chat.key, Tap(button.data))
    assert "Permintaan bantuan #1" in replies[0].text
    assert "Kantor sedang tutup" not in replies[0].text  # Thursday 08:00: open
    with app.db.engine.connect() as conn:
        context = conn.execute(text("SELECT context FROM ticket")).scalar_one()
    if isinstance(context, str):
        import json

        context = json.loads(context)
    flat = str(context)
    assert "3371xxxxxxxx0002" in flat
    assert "3371011203850002" not in flat
    assert context["question"] == "Nama lengkap"
    relayed = app.dialog.handle(chat.key, TextIn("tolong bantu"))
    assert "Terkirim ke petugas" in relayed[0].text
    back = app.dialog.handle(chat.key, Tap("hand:close"))
    assert "Percakapan dengan petugas selesai" in back[0].text
    assert "Nama lengkap" in back[0].text
    app.close()


def test_outside_office_hours_says_when_staff_answer(tmp_path: Path, db_url: str) -> None:
    saturday = datetime(2026, 12, 5, 20, 0, tzinfo=JAKARTA)
    app = make_app(tmp_path, db_url, now=saturday)
    chat = Chat(app, "h-2")
    chat.send("/mulai")
    replies = app.dialog.handle(chat.key, Tap("hand:open"))
    assert "Senin, 7 Desember 2026 pukul 08.00" in replies[0].text
    app.close()

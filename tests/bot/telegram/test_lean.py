"""aiogram imported with its types' validators deferred (bot/telegram/lean.py): nothing is built
at import, and every type and every method's answer still builds and validates on first use.

Each check runs in a fresh interpreter: in this test process aiogram may already have been
imported the usual way (by the fake Bot API server), and then lean import does nothing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_the_channel_builds_no_validator_of_aiogram_types() -> None:
    out = _run(
        """
        import bot.telegram.setup
        import aiogram.types as T
        from pydantic import BaseModel
        models = [getattr(T, n) for n in T.__all__]
        models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
        print(len(models), sum(m.__pydantic_complete__ for m in models))
        """
    )
    total, complete = map(int, out.split())
    assert total > 250
    assert complete == 0


def test_every_type_and_every_answer_builds_and_validates_on_first_use() -> None:
    out = _run(
        """
        import bot.telegram
        import aiogram.methods as M
        import aiogram.types as T
        from aiogram.methods.base import Response, TelegramMethod
        from pydantic import BaseModel

        update = T.Update.model_validate({
            "update_id": 9,
            "callback_query": {
                "id": "1", "chat_instance": "c", "data": "menu:ktp",
                "from": {"id": 7, "is_bot": False, "first_name": "Budi"},
                "message": {
                    "message_id": 3, "date": 1764720000,
                    "chat": {"id": 7, "type": "private"}, "text": "Pilih layanan",
                    "reply_markup": {"inline_keyboard": [[{"text": "KTP", "callback_data": "x"}]]},
                },
            },
        })
        assert update.callback_query.message.reply_markup.inline_keyboard[0][0].text == "KTP"
        sent = Response[T.Message].model_validate({"ok": True, "result": {
            "message_id": 4, "date": 1764720000, "chat": {"id": 7, "type": "private"},
            "text": "ok", "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1,
            "height": 1}], "contact": {"phone_number": "+62812", "first_name": "B"}}})
        assert sent.result.contact.phone_number == "+62812"

        models = [getattr(T, n) for n in T.__all__]
        incomplete = [
            m.__name__ for m in models
            if isinstance(m, type) and issubclass(m, BaseModel)
            and m.model_rebuild(raise_errors=False) is False
        ]
        methods = [getattr(M, n) for n in M.__all__]
        answers = 0
        for method in methods:
            if isinstance(method, type) and issubclass(method, TelegramMethod) and (
                method is not TelegramMethod
            ):
                Response[method.__returning__].model_rebuild(raise_errors=True)
                answers += 1
        print(len(incomplete), answers)
        """
    )
    incomplete, answers = map(int, out.split())
    assert incomplete == 0
    assert answers > 150

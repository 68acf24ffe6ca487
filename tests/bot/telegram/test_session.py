"""Calls without files go to the Bot API as one JSON body; calls with files stay multipart."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.session import JsonSession

TOKEN = "123456789:AAEhBP0av28ZHsMDkV3Y2vBE5DLKDaQH3t8"


def test_a_reply_with_a_keyboard_is_one_json_object() -> None:
    session = JsonSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Laki-laki", callback_data="a:3:L")]]
    )
    payload = session.json_payload(
        bot, SendMessage(chat_id=7, text="<b>Jenis kelamin</b>", reply_markup=markup)
    )
    assert payload == {
        "chat_id": 7,
        "text": "<b>Jenis kelamin</b>",
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "Laki-laki", "callback_data": "a:3:L"}]]},
    }


def test_a_call_with_a_file_is_left_to_multipart() -> None:
    session = JsonSession()
    bot = Bot(TOKEN, session=session)
    upload = SendDocument(chat_id=7, document=BufferedInputFile(b"%PDF-1.7", "kk.pdf"))
    assert session.json_payload(bot, upload) is None

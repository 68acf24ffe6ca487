"""The one HTTP app: Telegram webhook, document pages, verification and staff pages."""

from bot.telegram.lean import import_aiogram

import_aiogram()  # web.webhook imports aiogram; lean first (see bot/telegram/lean.py)

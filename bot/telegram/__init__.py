"""The Telegram channel on aiogram 3: long polling (``run``) and webhook (``serve``)."""

from bot.telegram.lean import import_aiogram

import_aiogram()  # before any module of this package imports aiogram (see lean.py)

"""The Telegram channel on aiogram 3: long polling (``run``) and webhook (``serve``)."""

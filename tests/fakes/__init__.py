"""Shared test fakes: a fake Telegram Bot API server and scripted Telegram users."""

from tests.fakes.telegram_api import (
    Call,
    CallbackAnswer,
    FakeTelegramServer,
    FakeUser,
    SentFile,
    SentMessage,
    WebhookDelivery,
)

__all__ = [
    "Call",
    "CallbackAnswer",
    "FakeTelegramServer",
    "FakeUser",
    "SentFile",
    "SentMessage",
    "WebhookDelivery",
]

"""The Telegram webhook endpoint.

A request without the right ``X-Telegram-Bot-Api-Secret-Token`` gets 403 and changes nothing
(constant-time comparison). The endpoint answers 200 only after the update has been applied and
saved, so Telegram's redelivery never loses one, and since Telegram sends a chat's next update
only after the previous request of that chat finished, a chat's updates are applied in order by
any number of workers. A storage failure answers 503 so that Telegram delivers again later.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Final

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web

from storage.errors import StorageError

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
WEBHOOK_PATH: Final = "/telegram/webhook"


def add_webhook_route(
    app: web.Application, *, bot: Bot, dispatcher: Dispatcher, secret: str
) -> None:
    """Mount the webhook endpoint on ``app``."""
    expected = secret.encode()

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            payload = await request.json()
            update = Update.model_validate(payload, context={"bot": bot})
        except (json.JSONDecodeError, ValueError):
            log.warning("webhook: a request that is not a Telegram update")
            return web.json_response({"ok": False, "error": "bad update"}, status=400)
        try:
            await dispatcher.feed_update(bot, update)
        except StorageError:
            log.exception("webhook: storage unavailable; Telegram will deliver again")
            return web.json_response({"ok": False}, status=503)
        return web.json_response({"ok": True})

    app.router.add_post(WEBHOOK_PATH, handle)

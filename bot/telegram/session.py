"""aiogram's aiohttp session, sending calls without files as JSON bodies.

The Bot API takes ``application/json`` bodies for every call that uploads nothing. aiogram's
session always builds ``multipart/form-data`` or ``application/x-www-form-urlencoded`` form
data instead: each nested value (a keyboard) serialised to a JSON string, then every field
percent-encoded. One ``json.dumps`` of the whole call is cheaper, and the event loop is what
limits the bot (docs/NOTES.md). Calls with files (``sendDocument``) keep aiogram's multipart.

``post`` goes one step further for the calls of every update (``bot/telegram/methods.py``): the
body is a dict built by the caller and the answer is read as JSON, without aiogram's method and
answer models; an answer that is not ``ok`` still goes through aiogram's check, which raises its
usual exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout

JSON_HEADERS = {"Content-Type": "application/json"}


class JsonSession(AiohttpSession):
    """An ``AiohttpSession`` that posts JSON when a call carries no file."""

    def json_payload(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
        """The call's fields as one JSON object, or ``None`` when it uploads a file."""
        files: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is None or prepared == "":
                continue  # as aiogram's form data: absent rather than empty
            payload[key] = prepared
        return None if files else payload

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._text_defaults: tuple[DefaultBotProperties, dict[str, Any]] | None = None

    def text_defaults(self, bot: Bot) -> dict[str, Any]:
        """The bot's defaults for a text message (``parse_mode``, ``link_preview_options``) as
        aiogram would send them, computed once per set of defaults."""
        cached = self._text_defaults
        if cached is not None and cached[0] is bot.default:
            return cached[1]
        defaults: dict[str, Any] = {}
        if bot.default.parse_mode is not None:
            defaults["parse_mode"] = bot.default.parse_mode
        if bot.default.link_preview is not None:
            defaults["link_preview_options"] = bot.default.link_preview.model_dump(
                exclude_none=True
            )
        self._text_defaults = (bot.default, defaults)
        return defaults

    async def _post_json(
        self,
        bot: Bot,
        api_method: str,
        body: str,
        seconds: float | None,
        method: Callable[[], TelegramMethod[Any]],
    ) -> tuple[int, str]:
        """POST ``body`` as JSON; the status and the text of the answer."""
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=api_method)
        try:
            async with session.post(
                url,
                data=body,
                headers=JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if seconds is None else seconds),
            ) as resp:
                return resp.status, await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method(), message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method(), message=f"{type(e).__name__}: {e}") from e

    async def post(
        self,
        bot: Bot,
        api_method: str,
        payload: dict[str, Any],
        method: Callable[[], TelegramMethod[Any]],
    ) -> Any:
        """Call ``api_method`` with ``payload`` (JSON-ready) and return the answer's ``result``
        as plain JSON. ``method`` builds the same call as an aiogram method, only for errors."""
        status, raw = await self._post_json(bot, api_method, self.json_dumps(payload), None, method)
        if status == HTTPStatus.OK:
            try:
                answer = self.json_loads(raw)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True:
                return answer.get("result")
        # Not ok (or not readable): aiogram's check raises the matching exception.
        return self.check_response(bot=bot, method=method(), status_code=status, content=raw).result

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        """Send ``method``: as JSON when it has no file, else as aiogram does."""
        payload = self.json_payload(bot, method)
        if payload is None:
            return await super().make_request(bot, method, timeout)
        status, raw = await self._post_json(
            bot, method.__api_method__, self.json_dumps(payload), timeout, lambda: method
        )
        response = self.check_response(bot=bot, method=method, status_code=status, content=raw)
        return cast(TelegramType, response.result)

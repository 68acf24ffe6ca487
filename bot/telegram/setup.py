"""Building the aiogram bot and dispatcher, registering commands, and long polling."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram import methods as m
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods.base import Response
from aiogram.types import BotCommand
from aiogram.utils.token import TokenValidationError, validate_token

from bot import texts as X
from bot.dialog import DialogService
from bot.handoff import HandoffService
from bot.telegram.gateway import Gateway
from bot.telegram.limits import Pacer
from bot.telegram.routers import ChatOrder, UntilStored, build_routers
from bot.telegram.sender import Sender
from bot.telegram.session import JsonSession
from bot.telegram.staff import build_staff_router
from storage.files import FileStore

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
"""Updates the bot asks for (group messages included, for the staff group)."""


class TelegramConfigError(ValueError):
    """The Telegram settings cannot work (missing or malformed token, bad API base)."""


def check_token(token: str | None) -> str:
    """The token, or a one-line explanation of what is wrong with it."""
    if not token:
        raise TelegramConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set the token "
            "it gives (for example 123456789:AA...)"
        )
    try:
        validate_token(token)
    except TokenValidationError:
        raise TelegramConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: it looks like 123456789:AA... "
            "(digits, a colon, then letters, digits, - and _)"
        ) from None
    return token


@dataclass
class TelegramFrontend:
    """The bot, its dispatcher and the gateway they share."""

    bot: Bot
    dispatcher: Dispatcher
    gateway: Gateway
    response_types: tuple[Any, ...] = ()
    """Strong references to aiogram's parametrised ``Response[...]`` classes (see below)."""


def _response_types() -> tuple[Any, ...]:
    """aiogram builds ``Response[<return type>]`` on every call; pydantic caches generic classes
    weakly, so after a garbage collection each one is built again (12-19 ms of event-loop time,
    measured with py-spy in bench/telegram.py). Holding them keeps the cache warm."""
    methods: tuple[Any, ...] = (
        m.SendMessage,
        m.EditMessageText,
        m.EditMessageReplyMarkup,
        m.AnswerCallbackQuery,
        m.GetUpdates,
        m.GetMe,
        m.GetFile,
        m.SendDocument,
        m.SetMyCommands,
        m.DeleteWebhook,
        m.SetWebhook,
        m.CreateForumTopic,
    )
    return tuple(Response[method.__returning__] for method in methods)  # type: ignore[name-defined]


def build_telegram(
    *,
    token: str | None,
    api_base: str,
    dialog: DialogService,
    files: FileStore,
    pacer: Pacer | None = None,
    handoff: HandoffService | None = None,
    staff_chat_id: int | None = None,
    staff_ids: frozenset[int] = frozenset(),
) -> TelegramFrontend:
    """The Telegram side of the application, pointed at ``api_base``."""
    checked = check_token(token)
    session = JsonSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    bot = Bot(
        token=checked,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    gateway = Gateway(dialog=dialog, files=files, sender=Sender(pacer or Pacer()))
    # The conversation state lives in the database (the dialog service), not in aiogram's FSM.
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.update.outer_middleware(ChatOrder(gateway))
    if handoff is not None and staff_chat_id is not None:
        dispatcher.include_router(
            build_staff_router(
                staff_chat_id=staff_chat_id,
                staff_ids=staff_ids,
                handoff=handoff,
                dialog=dialog,
                gateway=gateway,
            )
        )
    for router in build_routers(gateway):
        dispatcher.include_router(router)
    return TelegramFrontend(
        bot=bot, dispatcher=dispatcher, gateway=gateway, response_types=_response_types()
    )


async def register_commands(bot: Bot) -> None:
    """The command menu in Indonesian (default) and English."""
    for lang in ("id", "en"):
        commands = [
            BotCommand(command=name, description=text.get(lang)) for name, text in X.COMMANDS
        ]
        await bot.set_my_commands(commands, language_code=None if lang == "id" else lang)


async def run_polling(frontend: TelegramFrontend) -> None:
    """Long polling until cancelled (``adminduk-bot run``). An update the database cannot take
    yet is tried again (``UntilStored``): no redelivery would bring it back."""
    outer = frontend.dispatcher.update.outer_middleware
    if not any(isinstance(m, UntilStored) for m in outer):  # once, polling started again or not
        outer(UntilStored(frontend.gateway))  # after ChatOrder: retried under the chat's lock
    await frontend.bot.delete_webhook(drop_pending_updates=False)
    await register_commands(frontend.bot)
    me = await frontend.bot.get_me()
    log.info("polling as @%s", me.username)
    await frontend.dispatcher.start_polling(
        frontend.bot, allowed_updates=ALLOWED_UPDATES, handle_signals=False, close_bot_session=True
    )

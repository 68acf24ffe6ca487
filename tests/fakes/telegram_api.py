"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, scripted citizens.

The real bot (aiogram pointed at ``TelegramAPIServer.from_base(server.base_url)``) runs unchanged
against it. The server records every call, queues updates made by scripted users for long polling
or pushes them to a webhook, and injects faults (flood waits, 5xx, dropped connections) and
latency. It keeps Telegram's observable rules where bots commonly trip over them: message ids per
chat, "message is not modified", an edit without ``reply_markup`` removes the inline keyboard,
callback queries can be answered once, HTML ``parse_mode`` must be well formed, 409 on
``getUpdates`` while a webhook is set or when a second poller arrives.

Usage (async test)::

    async with FakeTelegramServer() as server:
        session = AiohttpSession(api=server.api_server())
        bot = Bot(server.token, session=session)
        siti = server.user(chat_id=1001, first_name="Siti")
        siti.send_command("/start")
        ...  # run the dispatcher
        reply = await siti.wait_reply(contains="NIK")

Usage (bot in a subprocess, synchronous test)::

    with FakeTelegramServer() as server:  # runs in a background thread
        proc = subprocess.Popen([...], env={**os.environ, **server.env()})
        server.user(chat_id=1001).send_text("halo")
        server.wait_for_message_sync(1001, contains="Halo", timeout=10)

Not modelled: inline mode, payments, media groups, MarkdownV2 validation, rate limits (use
``fail_next``), messages older than 48 hours.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import mimetypes
import random
import re
import secrets
import struct
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from types import TracebackType
from typing import Any, Final, Literal, TypeAlias, TypeVar

from aiogram.client.telegram import TelegramAPIServer
from aiohttp import BodyPartReader, ClientError, ClientSession, ClientTimeout, MultipartReader, web

JSON: TypeAlias = dict[str, Any]
"""A Telegram object as JSON (Message, Update, User, ...)."""
ChatId: TypeAlias = int
Params: TypeAlias = dict[str, Any]
QueueMode: TypeAlias = Literal["polling", "webhook"]
Latency: TypeAlias = float | tuple[float, float]
T = TypeVar("T")

DEFAULT_TOKEN: Final = "7000000001:AAFakeTokenForAdmindukBotTests-0123456789"
DEFAULT_TIMEOUT: Final = 5.0
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
FIRST_UPDATE_ID: Final = 700_000_000
GENERAL_TOPIC_ID: Final = 1
DEFAULT_TOPIC_COLOR: Final = 7322096

# Parameters that are always strings: never JSON-decode them ("123" stays text).
_STRING_FIELDS: Final = frozenset(
    {
        "text",
        "caption",
        "name",
        "title",
        "description",
        "short_description",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "parse_mode",
        "language_code",
        "action",
        "icon_custom_emoji_id",
        "ip_address",
        "emoji",
        "phone_number",
        "first_name",
        "last_name",
        "message_effect_id",
        "business_connection_id",
        "file_id",
        "query",
    }
)
_DEFAULT_EXCLUDED_UPDATES: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
_ERROR_DESCRIPTIONS: Final = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_HTML_TAGS: Final = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_COMMAND_RE: Final = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FILE_PREFIX: Final = {
    "document": "BQACAgIAAxkBAAI",
    "photo": "AgACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
}
_FILE_DIR: Final = {
    "document": "documents",
    "photo": "photos",
    "voice": "voice",
    "sticker": "stickers",
}
_DEFAULT_EXT: Final = {"document": "", "photo": ".jpg", "voice": ".oga", "sticker": ".webp"}
# Message keys that are not content: dropped when a message is copied.
_ENVELOPE_KEYS: Final = frozenset(
    {
        "message_id",
        "from",
        "chat",
        "date",
        "edit_date",
        "reply_to_message",
        "reply_markup",
        "message_thread_id",
        "is_topic_message",
        "forward_origin",
    }
)
_SERVICE_KEYS: Final = frozenset({"forum_topic_created", "forum_topic_closed", "new_chat_members"})


# --------------------------------------------------------------------------------------------
# Records a test reads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request (what the bot uploaded)."""

    data: bytes
    """The bytes as received."""
    filename: str
    """The filename of the part."""
    content_type: str
    """The part's Content-Type (aiohttp sends application/octet-stream for bytes)."""


@dataclass
class Call:
    """One Bot API request the bot made, recorded in arrival order."""

    method: str
    """The method name as the bot spelled it (``sendMessage``)."""
    params: Params
    """Parameters after decoding: query, JSON body or form fields; JSON strings decoded."""
    at: float
    """Arrival time, ``time.time()``."""
    files: dict[str, Upload] = field(default_factory=dict)
    """Uploaded file parts by field name (``attach://<name>`` in ``params`` points here)."""
    status: int | None = None
    """HTTP status answered; ``None`` while in progress, 0 when the connection was dropped."""
    result: Any = None
    """The ``result`` answered on success, else the error description."""
    via_webhook_reply: bool = False
    """True when the call came as the body of a webhook response, not as a request."""


@dataclass(frozen=True)
class StoredFile:
    """A file the fake knows: served by getFile and the download URL."""

    file_id: str
    """The identifier bots pass back to Telegram."""
    file_unique_id: str
    """The stable unique identifier."""
    kind: str
    """One of document, photo, voice, sticker."""
    data: bytes
    """The content."""
    file_path: str
    """Path under ``/file/bot<token>/``."""
    file_name: str | None = None
    """Original name (documents)."""
    mime_type: str | None = None
    """MIME type (documents, voice)."""
    width: int | None = None
    """Width in pixels (photos, stickers)."""
    height: int | None = None
    """Height in pixels (photos, stickers)."""

    def as_file(self) -> JSON:
        """The Telegram ``File`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def as_document(self) -> JSON:
        """The Telegram ``Document`` object."""
        document: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name is not None:
            document["file_name"] = self.file_name
        if self.mime_type is not None:
            document["mime_type"] = self.mime_type
        return document

    def as_photo_size(self) -> JSON:
        """The Telegram ``PhotoSize`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "width": self.width or 0,
            "height": self.height or 0,
        }


@dataclass(frozen=True)
class SentMessage:
    """A snapshot of one message the bot sent to a chat, as it looks now (edits applied)."""

    chat_id: ChatId
    """The chat."""
    message_id: int
    """The id, increasing per chat."""
    kind: str
    """Content kind: text, document, photo, sticker, contact, location, voice, ..."""
    text: str | None
    """Text or caption as the user sees it (HTML tags removed)."""
    source_text: str | None
    """Text or caption as the bot sent it (with markup)."""
    parse_mode: str | None
    """``parse_mode`` of the last send or edit."""
    reply_markup: JSON | None
    """The markup as sent: inline keyboard, reply keyboard, remove or force reply."""
    message_thread_id: int | None
    """Forum topic, if any."""
    reply_to_message_id: int | None
    """The message it replies to, if any."""
    edited: bool
    """True once edited."""
    deleted: bool
    """True once deleted."""
    history: tuple[str, ...]
    """Earlier texts, oldest first, before each edit."""
    seq: int
    """Server-wide sequence number of the last change (send or edit) to this message."""
    raw: JSON
    """The Telegram ``Message`` object."""

    @property
    def buttons(self) -> list[list[dict[str, str]]]:
        """Inline keyboard rows of ``{text, callback_data}`` (plus ``url`` for URL buttons)."""
        return _inline_rows(self.reply_markup)

    @property
    def keyboard(self) -> list[list[str]] | None:
        """Reply keyboard rows of button texts, or ``None`` when not a reply keyboard."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return None
        return [[_button_text(b) for b in row] for row in self.reply_markup["keyboard"]]

    @property
    def removes_keyboard(self) -> bool:
        """True when the message removed the reply keyboard."""
        return bool(self.reply_markup and self.reply_markup.get("remove_keyboard"))


@dataclass(frozen=True)
class SentFile:
    """A document or photo the bot sent."""

    chat_id: ChatId
    """The chat."""
    message_id: int
    """The message that carries it."""
    kind: str
    """document or photo."""
    data: bytes
    """The bytes (of the upload, or of the file reused by ``file_id``)."""
    filename: str | None
    """File name (documents)."""
    mime_type: str | None
    """MIME type (documents)."""
    caption: str | None
    """Caption as the user sees it."""
    file_id: str
    """The file's id, reusable in later calls."""
    message_thread_id: int | None
    """Forum topic, if any."""


@dataclass(frozen=True)
class CallbackAnswer:
    """How the bot answered one callback query."""

    callback_query_id: str
    """The query answered."""
    text: str | None
    """Notification text."""
    show_alert: bool
    """Alert instead of a toast."""
    url: str | None
    """URL to open."""
    cache_time: int
    """Client-side cache time."""
    at: float
    """When it was answered."""


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to a webhook."""

    update_id: int | None
    """The update sent."""
    url: str
    """Where it was sent."""
    status: int | None
    """HTTP status received; ``None`` on a connection error or timeout."""
    attempt: int
    """1 for the first try, more for redeliveries."""
    secret_token: str | None
    """The ``X-Telegram-Bot-Api-Secret-Token`` header sent, if any."""
    error: str | None
    """Error description for a non-2xx answer or a connection failure."""
    reply_method: str | None
    """Bot API method the webhook answered with in its body, if any (it is executed)."""
    at: float
    """When the attempt finished."""

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class TopicInfo:
    """A forum topic created through the Bot API."""

    chat_id: ChatId
    """The forum supergroup."""
    message_thread_id: int
    """The topic's thread id."""
    name: str
    """Current name."""
    icon_color: int
    """Icon colour (RGB int)."""
    icon_custom_emoji_id: str | None = None
    """Custom emoji icon, if any."""
    closed: bool = False
    """True after closeForumTopic."""
    deleted: bool = False
    """True after deleteForumTopic."""


class BotApiError(Exception):
    """An error answer (``{"ok": false, ...}``) raised inside a method handler."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        """Build the error with its HTTP status and Telegram's description."""
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSON:
        """The JSON body Telegram answers with."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(detail: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {detail}")


# --------------------------------------------------------------------------------------------
# Internal state
# --------------------------------------------------------------------------------------------


@dataclass
class _Msg:
    """A stored message of either side of a chat."""

    raw: JSON
    from_bot: bool
    seq: int
    markup: JSON | None = None
    source_text: str | None = None
    parse_mode: str | None = None
    file: StoredFile | None = None
    edited: bool = False
    deleted: bool = False
    history: list[str] = field(default_factory=list)


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: int | None
    remaining: int
    disconnect: bool
    body: str | None

    def error(self) -> BotApiError:
        return BotApiError(self.status, self.description, retry_after=self.retry_after)


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _State:
    """Everything the fake Telegram remembers; guarded by ``lock``."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    last_update_id: int = FIRST_UPDATE_ID
    pending: list[JSON] = field(default_factory=list)
    allowed_updates: list[str] | None = None
    chats: dict[ChatId, JSON] = field(default_factory=dict)
    message_counters: dict[ChatId, int] = field(default_factory=dict)
    messages: dict[tuple[ChatId, int], _Msg] = field(default_factory=dict)
    chat_messages: dict[ChatId, list[_Msg]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    files_by_path: dict[str, StoredFile] = field(default_factory=dict)
    file_counter: int = 0
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    topics: dict[tuple[ChatId, int], TopicInfo] = field(default_factory=dict)
    webhook: _Webhook | None = None
    calls: list[Call] = field(default_factory=list)
    open_callbacks: dict[str, ChatId] = field(default_factory=dict)
    answered_callbacks: dict[str, CallbackAnswer] = field(default_factory=dict)
    callback_counter: int = 0
    faults: list[_Fault] = field(default_factory=list)
    seq: int = 0
    blocked: set[ChatId] = field(default_factory=set)
    deliveries: list[WebhookDelivery] = field(default_factory=list)
    in_flight: set[int] = field(default_factory=set)
    poll_generation: int = 0
    downloads: list[str] = field(default_factory=list)
    photo_sizes: dict[str, list[JSON]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Request parsing and parameter helpers
# --------------------------------------------------------------------------------------------


def _coerce(raw: dict[str, Any]) -> Params:
    """Decode JSON-encoded form values ("123", "true", '{"inline_keyboard": ...}')."""
    params: Params = {}
    for key, value in raw.items():
        decoded = value
        if isinstance(value, str) and key not in _STRING_FIELDS:
            with contextlib.suppress(ValueError):
                decoded = json.loads(value)
        params[key] = decoded
    return params


async def _read_request(request: web.Request) -> tuple[Params, dict[str, Upload]]:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise _bad_request("parameters must be a JSON object")
            raw.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = Upload(
                        data=value.file.read(),
                        filename=value.filename or key,
                        content_type=value.content_type or "application/octet-stream",
                    )
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8", "replace")
                else:
                    raw[key] = value
    return _coerce(raw), files


async def _read_webhook_reply(resp: Any) -> tuple[str, Params, dict[str, Upload]] | None:
    """A method call answered in a webhook response body (JSON or multipart), if any."""
    if resp.content_type == "application/json":
        try:
            body = await resp.json()
        except (ValueError, ClientError):
            return None
        if isinstance(body, dict) and isinstance(body.get("method"), str):
            method = body.pop("method")
            return method, _coerce(body), {}
        return None
    if resp.content_type != "multipart/form-data":
        return None
    raw: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    reader = MultipartReader(resp.headers, resp.content)
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        data = bytes(await part.read(decode=True))
        name = part.name or ""
        if part.filename:
            ctype = part.headers.get("Content-Type", "application/octet-stream")
            files[name] = Upload(data=data, filename=part.filename, content_type=ctype)
        else:
            raw[name] = data.decode("utf-8", "replace")
    method = raw.pop("method", None)
    if not isinstance(method, str):
        return None
    return method, _coerce(raw), files


def _opt_int(params: Params, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    raise _bad_request(f"invalid {name} specified")


def _req_int(params: Params, name: str) -> int:
    value = _opt_int(params, name)
    if value is None:
        raise _bad_request(f"{name} is empty")
    return value


def _opt_str(params: Params, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _flag(params: Params, name: str) -> bool:
    return params.get(name) in (True, 1, "true", "True", "1")


def _opt_json(params: Params, name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {name} JSON object") from None
    return value


def _chat_id(params: Params) -> ChatId:
    value = params.get("chat_id")
    if value is None or value == "":
        raise _bad_request("chat_id is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request("chat not found") from None


def _button_text(button: Any) -> str:
    return str(button.get("text", "")) if isinstance(button, dict) else str(button)


def _inline_rows(markup: JSON | None) -> list[list[dict[str, str]]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    rows: list[list[dict[str, str]]] = []
    for row in markup["inline_keyboard"]:
        out_row: list[dict[str, str]] = []
        for button in row:
            item = {"text": str(button.get("text", ""))}
            item["callback_data"] = str(button.get("callback_data", ""))
            if "url" in button:
                item["url"] = str(button["url"])
            out_row.append(item)
        rows.append(out_row)
    return rows


def _check_markup(value: Any) -> JSON | None:
    """Validate ``reply_markup`` like Telegram does for the common mistakes."""
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = value["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad_request("can't parse inline keyboard button: Text is empty")
                if len(button) < 2:
                    raise _bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in "
                        "the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
        return value
    if "keyboard" in value:
        rows = value["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )
        return value
    if value.get("remove_keyboard") or value.get("force_reply"):
        return value
    raise _bad_request("can't parse reply keyboard markup JSON object")


class _TelegramHtml(HTMLParser):
    """Strips Telegram's HTML subset and notes the first error Telegram would report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.error = self.error or f'Unsupported start tag "{tag}"'

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unmatched end tag "{tag}"'
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _render(text: str, parse_mode: str | None) -> str:
    """The text the user sees: HTML is validated and stripped; Markdown is left as is."""
    if parse_mode is None or parse_mode.lower() != "html":
        return text
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error is not None:
        raise _bad_request(f"can't parse entities: {parser.error}")
    return "".join(parser.parts)


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, from its IHDR chunk."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


def _update_kind(update: JSON) -> str:
    return next((key for key in update if key != "update_id"), "")


def _content(raw: JSON) -> JSON:
    """A copy of a message's content (what copyMessage and forwardMessage carry over)."""
    return {k: copy.deepcopy(v) for k, v in raw.items() if k not in _ENVELOPE_KEYS}


def _content_kind(raw: JSON) -> str:
    for kind in ("text", "document", "photo", "sticker", "voice", "contact", "location"):
        if kind in raw:
            return kind
    return next((k for k in raw if k not in _ENVELOPE_KEYS and k != "caption"), "unknown")


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _commands_key(params: Params) -> tuple[str, str]:
    """Where set/get/deleteMyCommands keep a command list: (scope, language code)."""
    return _scope_key(_opt_json(params, "scope")), _opt_str(params, "language_code") or ""


Handler: TypeAlias = Callable[[Params, dict[str, Upload]], Awaitable[Any]]


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeTelegramServer:
    """A fake Telegram Bot API on 127.0.0.1 that the real bot talks real HTTP to.

    Start it with ``await server.start()`` (or ``async with``) in the test's event loop, or with
    ``server.start_in_thread()`` (or plain ``with``) when the bot runs in another process and the
    test is synchronous. All inspection methods are thread-safe.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "adminduk_test_bot",
        bot_first_name: str = "Adminduk Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        latency: Latency = 0.0,
        seed: int | None = None,
        strict_chats: bool = False,
    ) -> None:
        """Configure the server; nothing listens until ``start``."""
        self.token: str = token
        """The only token accepted; any other gets 401 Unauthorized."""
        self.host: str = host
        self.port: int = port
        self.latency: Latency = latency
        """Artificial delay per call of ``latency_methods``: seconds, or (low, high) uniform."""
        self.latency_methods: set[str] = {"sendMessage"}
        """Methods that get ``latency`` (case-insensitive)."""
        self.strict_chats: bool = strict_chats
        """When True, sending to a chat no user has opened answers 400 chat not found."""
        self.auto_deliver: bool = True
        """When a webhook is set, push queued updates to it automatically."""
        self.webhook_concurrency: int = 1
        """Updates in flight to the webhook at once (1 keeps the order; Telegram allows 40)."""
        self.webhook_redeliver: bool = True
        """Redeliver an update after a non-2xx answer or a connection failure."""
        self.webhook_retry_delay: float = 0.05
        """Pause between redeliveries, seconds."""
        self.webhook_max_attempts: int = 5
        """Attempts per update before it is dropped, as Telegram eventually does."""
        self.webhook_timeout: float = 10.0
        """Seconds to wait for the webhook's answer."""
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self._bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._s = _State()
        self._cond = threading.Condition(self._s.lock)
        self._rng = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._worker: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._handlers: dict[str, Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "copyMessage": self._copy_message,
                "forwardMessage": self._forward_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "getFile": self._get_file,
                "sendChatAction": self._send_chat_action,
                "createForumTopic": self._create_forum_topic,
                "editForumTopic": self._edit_forum_topic,
                "closeForumTopic": self._close_forum_topic,
                "reopenForumTopic": self._reopen_forum_topic,
                "deleteForumTopic": self._delete_forum_topic,
                "setMyDescription": self._accept,
                "setMyShortDescription": self._accept,
                "setMyName": self._accept,
                "setChatMenuButton": self._accept,
            }.items()
        }

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: give it to ``TelegramAPIServer.from_base``."""
        if self._runner is None:
            raise RuntimeError("the fake Telegram server is not started")
        return f"http://{self.host}:{self.port}"

    def api_server(self) -> TelegramAPIServer:
        """An aiogram ``TelegramAPIServer`` pointing at this fake."""
        return TelegramAPIServer.from_base(self.base_url)

    def env(self) -> dict[str, str]:
        """Environment for a bot subprocess: ``TELEGRAM_BOT_TOKEN`` and ``TELEGRAM_API_BASE``."""
        return {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_BASE": self.base_url}

    async def start(self) -> None:
        """Listen on ``host`` (port 0: a free port) in the running event loop."""
        if self._runner is not None:
            raise RuntimeError("already started")
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        sockets = runner.addresses
        self.port = int(sockets[0][1])
        self._runner = runner
        self._client = ClientSession()
        self._worker = asyncio.create_task(self._webhook_worker(), name="fake-telegram-webhook")

    async def stop(self) -> None:
        """Answer waiting long polls, stop webhook delivery and close the listener."""
        if self._runner is None:
            return
        self._closing = True
        self._notify()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        """Start in the running loop."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()

    def start_in_thread(self, timeout: float = 10.0) -> str:
        """Run the server in a background thread with its own loop; returns ``base_url``."""
        if self._thread is not None:
            raise RuntimeError("already running in a thread")
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to the starting thread
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name="fake-telegram-server", daemon=True)
        self._thread = thread
        thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the fake Telegram server did not start in time")
        if errors:
            self._thread = None
            raise errors[0]
        return self.base_url

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a server started with ``start_in_thread`` and join its thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None

    def __enter__(self) -> FakeTelegramServer:
        """Start in a background thread (for synchronous tests)."""
        self.start_in_thread()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the background thread."""
        self.stop_thread()

    # ---- change notification ---------------------------------------------------------------

    def _notify(self) -> None:
        """Wake synchronous waiters, and (thread-safely) async waiters on the server loop."""
        with self._cond:
            self._cond.notify_all()
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake()
        else:
            with contextlib.suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        event = self._event
        self._event = asyncio.Event()
        if event is not None:
            event.set()

    def _current_event(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def _next_seq(self) -> int:
        self._s.seq += 1
        return self._s.seq

    # ---- HTTP layer ------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        at = time.time()
        try:
            params, files = await _read_request(request)
        except BotApiError as exc:
            return web.json_response(exc.payload(), status=exc.status)
        except ValueError:
            err = _bad_request("can't parse request body")
            return web.json_response(err.payload(), status=err.status)
        call = Call(method=method, params=params, at=at, files=files)
        with self._s.lock:
            self._s.calls.append(call)
        if request.match_info["token"] != self.token:
            return self._finish(call, BotApiError(401, "Unauthorized"))
        fault = self._take_fault(method)
        if fault is not None:
            if fault.disconnect:
                call.status, call.result = 0, "connection dropped"
                self._notify()
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)
            if fault.body is not None:
                call.status, call.result = fault.status, fault.body
                self._notify()
                return web.Response(status=fault.status, text=fault.body, content_type="text/html")
            return self._finish(call, fault.error())
        return self._finish(call, await self._run_method(method, params, files))

    async def _run_method(self, method: str, params: Params, files: dict[str, Upload]) -> Any:
        """Run one method; returns its result, or the ``BotApiError`` it failed with."""
        handler = self._handlers.get(method.lower())
        if handler is None:
            return BotApiError(404, "Not Found: method not found")
        delay = self._delay_for(method)
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            return await handler(params, files)
        except BotApiError as exc:
            return exc

    def _finish(self, call: Call, outcome: Any) -> web.Response:
        if isinstance(outcome, BotApiError):
            call.status, call.result = outcome.status, outcome.description
            body, status = outcome.payload(), outcome.status
        else:
            call.status, call.result = 200, outcome
            body, status = {"ok": True, "result": outcome}, 200
        self._notify()
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            err = BotApiError(401, "Unauthorized")
            return web.json_response(err.payload(), status=err.status)
        path = request.match_info["path"]
        with self._s.lock:
            self._s.downloads.append(path)
            stored = self._s.files_by_path.get(path)
        self._notify()
        if stored is None:
            err = BotApiError(404, "Not Found")
            return web.json_response(err.payload(), status=err.status)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _handle_not_found(self, request: web.Request) -> web.StreamResponse:
        err = BotApiError(404, "Not Found")
        return web.json_response(err.payload(), status=err.status)

    def _delay_for(self, method: str) -> float:
        if method.lower() not in {m.lower() for m in self.latency_methods}:
            return 0.0
        latency = self.latency
        if isinstance(latency, tuple):
            low, high = latency
            return self._rng.uniform(low, high)
        return float(latency)

    def _take_fault(self, method: str) -> _Fault | None:
        with self._s.lock:
            for fault in self._s.faults:
                if fault.method in ("*", method.lower()):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._s.faults.remove(fault)
                    return fault
        return None

    # ---- fault injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 2,
        times: int = 1,
        *,
        disconnect: bool = False,
        description: str | None = None,
        body: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*": any) fail, without effect.

        429 answers ``Too Many Requests: retry after N`` with ``parameters.retry_after``;
        other statuses answer Telegram's usual description (override with ``description``, or
        send a raw non-JSON ``body`` like a proxy's HTML 502). ``disconnect=True`` drops the
        connection without an answer.
        """
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _ERROR_DESCRIPTIONS.get(status, "Error")
        fault = _Fault(
            method=method if method == "*" else method.lower(),
            status=status,
            description=description,
            retry_after=retry_after if status == 429 else None,
            remaining=times,
            disconnect=disconnect,
            body=body,
        )
        with self._s.lock:
            self._s.faults.append(fault)

    def clear_faults(self) -> None:
        """Forget faults not yet triggered."""
        with self._s.lock:
            self._s.faults.clear()

    # ---- chats, messages, files, updates (state operations) --------------------------------

    def _register_chat(self, chat: JSON) -> JSON:
        with self._s.lock:
            existing = self._s.chats.get(chat["id"])
            if existing is not None:
                existing.update(chat)
                return existing
            self._s.chats[chat["id"]] = chat
            return chat

    def _target_chat(self, params: Params, *, sending: bool = True) -> JSON:
        chat_id = _chat_id(params)
        with self._s.lock:
            chat = self._s.chats.get(chat_id)
            if chat is None:
                if self.strict_chats:
                    raise _bad_request("chat not found")
                if chat_id > 0:
                    chat = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
                else:
                    chat = {
                        "id": chat_id,
                        "type": "supergroup",
                        "title": f"Group {chat_id}",
                        "is_forum": True,
                    }
                chat = self._register_chat(chat)
            if sending and chat_id in self._s.blocked:
                raise BotApiError(403, "Forbidden: bot was blocked by the user")
            return dict(chat)

    def _thread_id(self, chat: JSON, params: Params) -> int | None:
        thread_id = _opt_int(params, "message_thread_id")
        if thread_id is None:
            return None
        with self._s.lock:
            topic = self._s.topics.get((chat["id"], thread_id))
        if topic is None or topic.deleted:
            if chat.get("is_forum") and thread_id != GENERAL_TOPIC_ID:
                raise _bad_request("message thread not found")
            return thread_id
        if topic.closed:
            raise _bad_request("TOPIC_CLOSED")
        return thread_id

    def _reply_to(self, chat_id: ChatId, params: Params) -> JSON | None:
        reply_parameters = _opt_json(params, "reply_parameters")
        allow = _flag(params, "allow_sending_without_reply")
        target_chat = chat_id
        if isinstance(reply_parameters, dict):
            message_id = reply_parameters.get("message_id")
            allow = allow or bool(reply_parameters.get("allow_sending_without_reply"))
            target_chat = int(reply_parameters.get("chat_id") or chat_id)
        else:
            message_id = _opt_int(params, "reply_to_message_id")
        if message_id is None:
            return None
        with self._s.lock:
            msg = self._s.messages.get((target_chat, int(message_id)))
            if msg is None or msg.deleted:
                if allow:
                    return None
                raise _bad_request("message to be replied not found")
            reply = copy.deepcopy(msg.raw)
        reply.pop("reply_to_message", None)
        return reply

    def _new_message(
        self,
        chat: JSON,
        sender: JSON,
        content: JSON,
        *,
        from_bot: bool,
        thread_id: int | None = None,
        reply_to: JSON | None = None,
        markup: JSON | None = None,
        source_text: str | None = None,
        parse_mode: str | None = None,
        file: StoredFile | None = None,
    ) -> _Msg:
        with self._s.lock:
            chat_id = chat["id"]
            message_id = self._s.message_counters.get(chat_id, 0) + 1
            self._s.message_counters[chat_id] = message_id
            raw: JSON = {
                "message_id": message_id,
                "from": dict(sender),
                "chat": dict(chat),
                "date": int(time.time()),
            }
            if thread_id is not None:
                raw["message_thread_id"] = thread_id
                if chat.get("is_forum"):
                    raw["is_topic_message"] = True
            if reply_to is not None:
                raw["reply_to_message"] = reply_to
            raw.update(content)
            if markup is not None and "inline_keyboard" in markup:
                raw["reply_markup"] = markup  # Message.reply_markup is inline-only
            msg = _Msg(
                raw=raw,
                from_bot=from_bot,
                seq=self._next_seq(),
                markup=markup,
                source_text=source_text,
                parse_mode=parse_mode,
                file=file,
            )
            self._s.messages[(chat_id, message_id)] = msg
            self._s.chat_messages.setdefault(chat_id, []).append(msg)
        self._notify()
        return msg

    def _register_file(
        self,
        data: bytes,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        with self._s.lock:
            self._s.file_counter += 1
            number = self._s.file_counter
        ext = _DEFAULT_EXT[kind]
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"{_FILE_PREFIX[kind]}{number:05d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AgAD{number:05d}{secrets.token_hex(4)}",
            kind=kind,
            data=data,
            file_path=f"{_FILE_DIR[kind]}/file_{number}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        with self._s.lock:
            self._s.files[stored.file_id] = stored
            self._s.files_by_path[stored.file_path] = stored
        return stored

    def _photo_sizes(self, data: bytes, width: int, height: int) -> tuple[StoredFile, list[JSON]]:
        """Register a photo and its thumbnail; Telegram lists sizes small to large."""
        scale = 90 / max(width, height, 1)
        thumb = self._register_file(
            data,
            kind="photo",
            width=max(1, round(width * scale)),
            height=max(1, round(height * scale)),
        )
        main = self._register_file(data, kind="photo", width=width, height=height)
        sizes = [thumb.as_photo_size(), main.as_photo_size()]
        with self._s.lock:
            self._s.photo_sizes[main.file_id] = sizes
        return main, copy.deepcopy(sizes)

    def _enqueue(self, kind: str, payload: JSON) -> JSON:
        with self._s.lock:
            self._s.last_update_id += 1
            update: JSON = {"update_id": self._s.last_update_id, kind: payload}
            self._s.pending.append(copy.deepcopy(update))
        self._notify()
        return update

    def push_update(self, update: JSON) -> JSON:
        """Queue a hand-made update (any type); ``update_id`` is assigned when missing."""
        with self._s.lock:
            if "update_id" not in update:
                self._s.last_update_id += 1
                update = {"update_id": self._s.last_update_id, **update}
            else:
                self._s.last_update_id = max(self._s.last_update_id, int(update["update_id"]))
            self._s.pending.append(copy.deepcopy(update))
        self._notify()
        return update

    def _allowed(self, update: JSON, allowed: list[str] | None) -> bool:
        kind = _update_kind(update)
        if allowed:
            return kind in allowed
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        with self._s.lock:
            if offset > 0:
                self._s.pending = [u for u in self._s.pending if u["update_id"] >= offset]
            else:
                self._s.pending = self._s.pending[offset:]

    def _bot_message(self, params: Params, *, action: str) -> _Msg:
        if params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        chat = self._target_chat(params, sending=False)
        message_id = _req_int(params, "message_id")
        with self._s.lock:
            msg = self._s.messages.get((chat["id"], message_id))
        if msg is None or msg.deleted:
            raise _bad_request(f"message to {action} not found")
        if not msg.from_bot and action == "edit":
            raise _bad_request("message can't be edited")
        return msg

    # ---- method handlers ------------------------------------------------------------------

    async def _accept(self, params: Params, files: dict[str, Upload]) -> bool:
        return True

    async def _get_me(self, params: Params, files: dict[str, Upload]) -> JSON:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: Params, files: dict[str, Upload]) -> list[JSON]:
        conflict = BotApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
        offset = _opt_int(params, "offset")
        limit = min(max(_opt_int(params, "limit") or 100, 1), 100)
        timeout = max(_opt_int(params, "timeout") or 0, 0)
        allowed = _opt_json(params, "allowed_updates")
        with self._s.lock:
            if self._s.webhook is not None:
                raise conflict
            if isinstance(allowed, list):
                self._s.allowed_updates = [str(a) for a in allowed] or None
            self._confirm(offset)
            self._s.poll_generation += 1
            generation = self._s.poll_generation
        self._notify()  # an older poll still waiting is terminated, like Telegram does
        deadline = time.monotonic() + timeout
        while True:
            event = self._current_event()
            with self._s.lock:
                if self._closing:
                    return []
                if generation != self._s.poll_generation:
                    raise BotApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                if self._s.webhook is not None:
                    raise conflict
                allowed_now = self._s.allowed_updates
                self._s.pending = [u for u in self._s.pending if self._allowed(u, allowed_now)]
                ready = copy.deepcopy(self._s.pending[:limit])
            if ready:
                return ready
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _set_webhook(self, params: Params, files: dict[str, Upload]) -> bool:
        url = _opt_str(params, "url") or ""
        if url and not url.startswith(("http://", "https://")):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = _opt_str(params, "secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise _bad_request("secret token contains unallowed characters")
        allowed = _opt_json(params, "allowed_updates")
        max_connections = _opt_int(params, "max_connections") or 40
        with self._s.lock:
            if _flag(params, "drop_pending_updates"):
                self._s.pending.clear()
            if isinstance(allowed, list):
                self._s.allowed_updates = [str(a) for a in allowed] or None
            if url:
                self._s.webhook = _Webhook(
                    url=url,
                    secret_token=secret,
                    max_connections=max_connections,
                    allowed_updates=self._s.allowed_updates,
                )
            else:
                self._s.webhook = None
        self._notify()
        return True

    async def _delete_webhook(self, params: Params, files: dict[str, Upload]) -> bool:
        with self._s.lock:
            if _flag(params, "drop_pending_updates"):
                self._s.pending.clear()
            self._s.webhook = None
        self._notify()
        return True

    async def _get_webhook_info(self, params: Params, files: dict[str, Upload]) -> JSON:
        with self._s.lock:
            hook = self._s.webhook
            info: JSON = {
                "url": hook.url if hook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._s.pending),
            }
            if hook is not None:
                info["max_connections"] = hook.max_connections
                info["ip_address"] = self.host
                if hook.allowed_updates:
                    info["allowed_updates"] = list(hook.allowed_updates)
                if hook.last_error_date is not None:
                    info["last_error_date"] = hook.last_error_date
                    info["last_error_message"] = hook.last_error_message
        return info

    async def _set_my_commands(self, params: Params, files: dict[str, Upload]) -> bool:
        commands = _opt_json(params, "commands")
        if not isinstance(commands, list):
            raise _bad_request("commands must be an array")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            description = command.get("description", "") if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(str(name).lstrip("/")) or not 1 <= len(description) <= 256:
                raise _bad_request("BOT_COMMAND_INVALID")
        key = _commands_key(params)
        with self._s.lock:
            self._s.commands[key] = [
                {"command": str(c["command"]).lstrip("/"), "description": c["description"]}
                for c in commands
            ]
        self._notify()
        return True

    async def _get_my_commands(self, params: Params, files: dict[str, Upload]) -> list[JSON]:
        key = _commands_key(params)
        with self._s.lock:
            return copy.deepcopy(self._s.commands.get(key, []))

    async def _delete_my_commands(self, params: Params, files: dict[str, Upload]) -> bool:
        key = _commands_key(params)
        with self._s.lock:
            self._s.commands.pop(key, None)
        self._notify()
        return True

    def _checked_text(self, params: Params, name: str, limit: int) -> tuple[str, str]:
        """(as sent, as shown) for ``text`` or ``caption``; Telegram's length and HTML rules."""
        source = _opt_str(params, name) or ""
        shown = _render(source, _opt_str(params, "parse_mode"))
        if name == "text" and not shown.strip():
            raise _bad_request("message text is empty")
        if len(shown) > limit:
            raise _bad_request(
                "message is too long" if name == "text" else "message caption is too long"
            )
        return source, shown

    async def _send_message(self, params: Params, files: dict[str, Upload]) -> JSON:
        chat = self._target_chat(params)
        source, shown = self._checked_text(params, "text", MAX_TEXT_LENGTH)
        markup = _check_markup(_opt_json(params, "reply_markup"))
        thread_id = self._thread_id(chat, params)
        reply_to = self._reply_to(chat["id"], params)
        msg = self._new_message(
            chat,
            self._bot_user,
            {"text": shown},
            from_bot=True,
            thread_id=thread_id,
            reply_to=reply_to,
            markup=markup,
            source_text=source,
            parse_mode=_opt_str(params, "parse_mode"),
        )
        return copy.deepcopy(msg.raw)

    def _apply_edit(
        self, msg: _Msg, key: str | None, source: str, shown: str, params: Params
    ) -> JSON:
        markup = _check_markup(_opt_json(params, "reply_markup"))
        with self._s.lock:
            unchanged_text = key is None or msg.raw.get(key, "") == shown
            if unchanged_text and markup == msg.markup:
                raise _bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            if key is not None:
                msg.history.append(str(msg.raw.get(key, "")))
                msg.raw[key] = shown
                msg.source_text = source
                msg.parse_mode = _opt_str(params, "parse_mode")
            msg.markup = markup
            if markup is not None and "inline_keyboard" in markup:
                msg.raw["reply_markup"] = markup
            else:
                msg.raw.pop("reply_markup", None)
            msg.raw["edit_date"] = int(time.time())
            msg.edited = True
            msg.seq = self._next_seq()
            result = copy.deepcopy(msg.raw)
        self._notify()
        return result

    async def _edit_message_text(self, params: Params, files: dict[str, Upload]) -> JSON:
        msg = self._bot_message(params, action="edit")
        if "text" not in msg.raw:
            raise _bad_request("there is no text in the message to edit")
        source, shown = self._checked_text(params, "text", MAX_TEXT_LENGTH)
        return self._apply_edit(msg, "text", source, shown, params)

    async def _edit_message_caption(self, params: Params, files: dict[str, Upload]) -> JSON:
        msg = self._bot_message(params, action="edit")
        if "text" in msg.raw:
            raise _bad_request("there is no caption in the message to edit")
        source, shown = self._checked_text(params, "caption", MAX_CAPTION_LENGTH)
        return self._apply_edit(msg, "caption", source, shown, params)

    async def _edit_message_reply_markup(self, params: Params, files: dict[str, Upload]) -> JSON:
        msg = self._bot_message(params, action="edit")
        return self._apply_edit(msg, None, "", "", params)

    async def _delete_message(self, params: Params, files: dict[str, Upload]) -> bool:
        msg = self._bot_message(params, action="delete")
        with self._s.lock:
            msg.deleted = True
            msg.seq = self._next_seq()
        self._notify()
        return True

    def _source_message(self, params: Params) -> _Msg:
        from_chat = _req_int(params, "from_chat_id")
        message_id = _req_int(params, "message_id")
        with self._s.lock:
            msg = self._s.messages.get((from_chat, message_id))
        if msg is None or msg.deleted:
            raise _bad_request("message to copy not found")
        if any(key in msg.raw for key in _SERVICE_KEYS):
            raise _bad_request("message can't be copied")
        return msg

    async def _copy_message(self, params: Params, files: dict[str, Upload]) -> JSON:
        chat = self._target_chat(params)
        source = self._source_message(params)
        content = _content(source.raw)
        source_text = source.source_text
        if "caption" in params and "text" not in content:
            source_text, content["caption"] = self._checked_text(
                params, "caption", MAX_CAPTION_LENGTH
            )
        msg = self._new_message(
            chat,
            self._bot_user,
            content,
            from_bot=True,
            thread_id=self._thread_id(chat, params),
            reply_to=self._reply_to(chat["id"], params),
            markup=_check_markup(_opt_json(params, "reply_markup")),
            source_text=source_text,
            file=source.file,
        )
        return {"message_id": msg.raw["message_id"]}

    async def _forward_message(self, params: Params, files: dict[str, Upload]) -> JSON:
        chat = self._target_chat(params)
        source = self._source_message(params)
        content = _content(source.raw)
        sender = source.raw.get("from", self._bot_user)
        content["forward_origin"] = {
            "type": "user",
            "sender_user": sender,
            "date": source.raw["date"],
        }
        msg = self._new_message(
            chat,
            self._bot_user,
            content,
            from_bot=True,
            thread_id=self._thread_id(chat, params),
            file=source.file,
        )
        return copy.deepcopy(msg.raw)

    async def _answer_callback_query(self, params: Params, files: dict[str, Upload]) -> bool:
        query_id = _opt_str(params, "callback_query_id") or ""
        with self._s.lock:
            if query_id not in self._s.open_callbacks or query_id in self._s.answered_callbacks:
                raise _bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self._s.answered_callbacks[query_id] = CallbackAnswer(
                callback_query_id=query_id,
                text=_opt_str(params, "text"),
                show_alert=_flag(params, "show_alert"),
                url=_opt_str(params, "url"),
                cache_time=_opt_int(params, "cache_time") or 0,
                at=time.time(),
            )
        self._notify()
        return True

    def _input_file(self, params: Params, files: dict[str, Upload], kind: str) -> StoredFile:
        value = params.get(kind)
        upload: Upload | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad_request(f"can't find attached file {value!r}")
        elif kind in files:
            upload = files[kind]
        elif isinstance(value, str) and value:
            with self._s.lock:
                stored = self._s.files.get(value)
            if stored is not None:
                return stored
            if value.startswith(("http://", "https://")):
                raise _bad_request("wrong HTTP URL specified")  # the fake has no internet
            raise _bad_request("wrong file identifier/HTTP URL specified")
        if upload is None:
            raise _bad_request(f"there is no {kind} in the request")
        if not upload.data:
            raise _bad_request("file must be non-empty")
        if kind == "photo":
            width, height = _image_size(upload.data) or (1280, 960)
            stored, _sizes = self._photo_sizes(upload.data, width, height)
            return stored
        mime = mimetypes.guess_type(upload.filename)[0] or upload.content_type
        return self._register_file(
            upload.data, kind="document", file_name=upload.filename, mime_type=mime
        )

    async def _send_file(self, params: Params, files: dict[str, Upload], kind: str) -> JSON:
        chat = self._target_chat(params)
        stored = self._input_file(params, files, kind)
        content: JSON = {}
        if kind == "photo":
            with self._s.lock:
                sizes = self._s.photo_sizes.get(stored.file_id) or [stored.as_photo_size()]
            content["photo"] = copy.deepcopy(sizes)
        else:
            content["document"] = stored.as_document()
        source_text = None
        if params.get("caption"):
            source_text, content["caption"] = self._checked_text(
                params, "caption", MAX_CAPTION_LENGTH
            )
        msg = self._new_message(
            chat,
            self._bot_user,
            content,
            from_bot=True,
            thread_id=self._thread_id(chat, params),
            reply_to=self._reply_to(chat["id"], params),
            markup=_check_markup(_opt_json(params, "reply_markup")),
            source_text=source_text,
            parse_mode=_opt_str(params, "parse_mode"),
            file=stored,
        )
        return copy.deepcopy(msg.raw)

    async def _send_document(self, params: Params, files: dict[str, Upload]) -> JSON:
        return await self._send_file(params, files, "document")

    async def _send_photo(self, params: Params, files: dict[str, Upload]) -> JSON:
        return await self._send_file(params, files, "photo")

    async def _get_file(self, params: Params, files: dict[str, Upload]) -> JSON:
        file_id = _opt_str(params, "file_id") or ""
        with self._s.lock:
            stored = self._s.files.get(file_id)
        if stored is None:
            raise _bad_request("wrong file_id or the file is temporarily unavailable")
        return stored.as_file()

    async def _send_chat_action(self, params: Params, files: dict[str, Upload]) -> bool:
        chat = self._target_chat(params)
        if _opt_str(params, "action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self._thread_id(chat, params)
        return True

    async def _create_forum_topic(self, params: Params, files: dict[str, Upload]) -> JSON:
        chat = self._target_chat(params)
        if chat["type"] == "private":
            raise _bad_request("the chat is not a forum")
        name = _opt_str(params, "name") or ""
        if not 1 <= len(name) <= 128:
            raise _bad_request("TOPIC_NAME_EMPTY" if not name else "TOPIC_NAME_INVALID")
        color = _opt_int(params, "icon_color") or DEFAULT_TOPIC_COLOR
        emoji = _opt_str(params, "icon_custom_emoji_id")
        created = self._new_message(
            chat,
            self._bot_user,
            {"forum_topic_created": {"name": name, "icon_color": color}},
            from_bot=True,
        )
        thread_id = int(created.raw["message_id"])
        with self._s.lock:
            created.raw["message_thread_id"] = thread_id
            created.raw["is_topic_message"] = True
            self._s.topics[(chat["id"], thread_id)] = TopicInfo(
                chat_id=chat["id"],
                message_thread_id=thread_id,
                name=name,
                icon_color=color,
                icon_custom_emoji_id=emoji,
            )
        self._notify()
        topic: JSON = {"message_thread_id": thread_id, "name": name, "icon_color": color}
        if emoji:
            topic["icon_custom_emoji_id"] = emoji
        return topic

    def _change_topic(self, params: Params, **changes: Any) -> bool:
        chat = self._target_chat(params)
        key = (chat["id"], _req_int(params, "message_thread_id"))
        with self._s.lock:
            topic = self._s.topics.get(key)
            if topic is None or topic.deleted:
                raise _bad_request("TOPIC_ID_INVALID")
            changed = replace(topic, **changes)
            if changed == topic:
                raise _bad_request("TOPIC_NOT_MODIFIED")
            self._s.topics[key] = changed
        self._notify()
        return True

    async def _edit_forum_topic(self, params: Params, files: dict[str, Upload]) -> bool:
        changes: dict[str, Any] = {}
        if params.get("name"):
            changes["name"] = _opt_str(params, "name")
        if "icon_custom_emoji_id" in params:
            changes["icon_custom_emoji_id"] = _opt_str(params, "icon_custom_emoji_id") or None
        return self._change_topic(params, **changes)

    async def _close_forum_topic(self, params: Params, files: dict[str, Upload]) -> bool:
        return self._change_topic(params, closed=True)

    async def _reopen_forum_topic(self, params: Params, files: dict[str, Upload]) -> bool:
        return self._change_topic(params, closed=False)

    async def _delete_forum_topic(self, params: Params, files: dict[str, Upload]) -> bool:
        return self._change_topic(params, deleted=True)

    # ---- webhook delivery ------------------------------------------------------------------

    @property
    def queue_mode(self) -> QueueMode:
        """ "webhook" while a webhook is set (updates are pushed), else "polling" (getUpdates)."""
        with self._s.lock:
            return "webhook" if self._s.webhook is not None else "polling"

    @queue_mode.setter
    def queue_mode(self, mode: QueueMode) -> None:
        if mode == "polling":
            with self._s.lock:
                self._s.webhook = None
            self._notify()
        elif self.queue_mode != "webhook":
            raise ValueError("no webhook is set: call set_webhook(url) or let the bot set it")

    def set_webhook(self, url: str, secret_token: str | None = None) -> None:
        """Set the webhook from the test side, as if the bot had called setWebhook."""
        with self._s.lock:
            self._s.webhook = _Webhook(
                url=url,
                secret_token=secret_token,
                max_connections=40,
                allowed_updates=self._s.allowed_updates,
            )
        self._notify()

    @property
    def webhook_url(self) -> str | None:
        """The webhook URL set, if any."""
        with self._s.lock:
            return self._s.webhook.url if self._s.webhook else None

    @property
    def webhook_secret(self) -> str | None:
        """The webhook secret token set, if any."""
        with self._s.lock:
            return self._s.webhook.secret_token if self._s.webhook else None

    async def _webhook_worker(self) -> None:
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not self._closing:
                event = self._current_event()
                for update in self._take_for_webhook():
                    task = asyncio.create_task(self._push_to_webhook(update))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                await event.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _take_for_webhook(self) -> list[JSON]:
        with self._s.lock:
            hook = self._s.webhook
            if hook is None or not self.auto_deliver:
                return []
            allowed = hook.allowed_updates
            self._s.pending = [u for u in self._s.pending if self._allowed(u, allowed)]
            free = max(self.webhook_concurrency, 1) - len(self._s.in_flight)
            chosen: list[JSON] = []
            for update in self._s.pending:
                if free <= 0:
                    break
                if update["update_id"] not in self._s.in_flight:
                    self._s.in_flight.add(update["update_id"])
                    chosen.append(copy.deepcopy(update))
                    free -= 1
            return chosen

    def _remove_pending(self, update_id: int) -> None:
        with self._s.lock:
            for index, update in enumerate(self._s.pending):
                if update["update_id"] == update_id:
                    del self._s.pending[index]
                    return

    async def _push_to_webhook(self, update: JSON) -> None:
        update_id = int(update["update_id"])
        attempt = 0
        try:
            while not self._closing:
                attempt += 1
                with self._s.lock:
                    hook = self._s.webhook
                if hook is None or self._client is None:
                    return  # webhook removed: the update stays for getUpdates
                delivery = await self._post_update(
                    self._client, hook.url, hook.secret_token, update, attempt
                )
                if delivery.ok:
                    self._remove_pending(update_id)
                    return
                with self._s.lock:
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = delivery.error
                if not self.webhook_redeliver or attempt >= self.webhook_max_attempts:
                    self._remove_pending(update_id)
                    return
                await asyncio.sleep(self.webhook_retry_delay)
        finally:
            with self._s.lock:
                self._s.in_flight.discard(update_id)
            self._notify()

    async def _post_update(
        self,
        session: ClientSession,
        url: str,
        secret: str | None,
        update: JSON,
        attempt: int,
    ) -> WebhookDelivery:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        status: int | None = None
        error: str | None = None
        reply: tuple[str, Params, dict[str, Upload]] | None = None
        try:
            async with session.post(
                url,
                json=update,
                headers=headers,
                timeout=ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                status = resp.status
                if 200 <= status < 300:
                    reply = await _read_webhook_reply(resp)
                else:
                    error = f"Wrong response from the webhook: {status} {resp.reason}"
        except (ClientError, TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if reply is not None:
            method, params, files = reply
            call = Call(
                method=method, params=params, at=time.time(), files=files, via_webhook_reply=True
            )
            with self._s.lock:
                self._s.calls.append(call)
            self._finish(call, await self._run_method(method, params, files))
        delivery = WebhookDelivery(
            update_id=update.get("update_id"),
            url=url,
            status=status,
            attempt=attempt,
            secret_token=secret,
            error=error,
            reply_method=reply[0] if reply else None,
            at=time.time(),
        )
        with self._s.lock:
            self._s.deliveries.append(delivery)
        self._notify()
        return delivery

    async def deliver_via_webhook(
        self,
        update: JSON,
        url: str | None = None,
        secret: str | None = None,
        *,
        redeliver: bool = False,
    ) -> WebhookDelivery:
        """POST one update to ``url`` (default: the webhook set) now; returns the last attempt.

        With ``redeliver=True`` a non-2xx answer is retried up to ``webhook_max_attempts``.
        ``secret`` defaults to the webhook's secret token; an ``update_id`` is added if missing.
        """
        with self._s.lock:
            hook = self._s.webhook
            target = url or (hook.url if hook else None)
            token = secret if secret is not None else (hook.secret_token if hook else None)
            if "update_id" not in update:
                self._s.last_update_id += 1
                update = {"update_id": self._s.last_update_id, **update}
        if not target:
            raise ValueError("no webhook URL: pass url= or set a webhook")
        async with ClientSession() as session:
            attempt = 0
            while True:
                attempt += 1
                delivery = await self._post_update(session, target, token, update, attempt)
                if delivery.ok or not redeliver or attempt >= self.webhook_max_attempts:
                    return delivery
                await asyncio.sleep(self.webhook_retry_delay)

    def deliver_via_webhook_sync(
        self,
        update: JSON,
        url: str | None = None,
        secret: str | None = None,
        *,
        redeliver: bool = False,
        timeout: float = 30.0,
    ) -> WebhookDelivery:
        """``deliver_via_webhook`` from synchronous code (runs on the server's thread)."""
        coro = self.deliver_via_webhook(update, url, secret, redeliver=redeliver)
        if self._thread is not None and self._loop is not None:
            return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)
        return asyncio.run(coro)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST attempt, in order."""
        with self._s.lock:
            return list(self._s.deliveries)

    # ---- scripted users --------------------------------------------------------------------

    def user(
        self,
        chat_id: ChatId,
        first_name: str = "Warga",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        user_id: int | None = None,
        chat_title: str | None = None,
        is_forum: bool = True,
    ) -> FakeUser:
        """A scripted person writing to the bot in ``chat_id``.

        A positive ``chat_id`` is a private chat with user ``chat_id``; a negative one is a
        supergroup (a forum by default, like a staff group) and ``user_id`` names the member.
        """
        if chat_id > 0:
            user_id = chat_id
            chat: JSON = {"id": chat_id, "type": "private", "first_name": first_name}
            if last_name:
                chat["last_name"] = last_name
            if username:
                chat["username"] = username
        else:
            user_id = user_id if user_id is not None else 10_000 + abs(chat_id) % 1_000_000
            chat = {
                "id": chat_id,
                "type": "supergroup",
                "title": chat_title or f"Group {chat_id}",
                "is_forum": is_forum,
            }
        person: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            person["last_name"] = last_name
        if username:
            person["username"] = username
        if language_code:
            person["language_code"] = language_code
        self._register_chat(chat)
        return FakeUser(self, chat=chat, person=person)

    def block(self, chat_id: ChatId) -> None:
        """From now on sends to ``chat_id`` answer 403 bot was blocked by the user."""
        with self._s.lock:
            self._s.blocked.add(chat_id)

    def unblock(self, chat_id: ChatId) -> None:
        """Undo ``block``."""
        with self._s.lock:
            self._s.blocked.discard(chat_id)

    # ---- inspection ------------------------------------------------------------------------

    @property
    def bot_user(self) -> JSON:
        """The bot's ``User`` object (what getMe answers)."""
        return dict(self._bot_user)

    @property
    def calls(self) -> list[Call]:
        """Every call the bot made, in arrival order (a copy of the list)."""
        with self._s.lock:
            return list(self._s.calls)

    def calls_to(self, method: str) -> list[Call]:
        """Calls of one method (case-insensitive), in order."""
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    @property
    def seq(self) -> int:
        """Server-wide change counter: every bot send, edit or delete increases it."""
        with self._s.lock:
            return self._s.seq

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed (by getUpdates offset or a 2xx webhook answer)."""
        with self._s.lock:
            return copy.deepcopy(self._s.pending)

    @property
    def answered_callbacks(self) -> dict[str, CallbackAnswer]:
        """How the bot answered each callback query, by callback id."""
        with self._s.lock:
            return dict(self._s.answered_callbacks)

    @property
    def downloads(self) -> list[str]:
        """File paths the bot downloaded, in order."""
        with self._s.lock:
            return list(self._s.downloads)

    def _snapshot(self, msg: _Msg) -> SentMessage:
        raw = copy.deepcopy(msg.raw)
        text = raw.get("text", raw.get("caption"))
        reply = raw.get("reply_to_message")
        return SentMessage(
            chat_id=raw["chat"]["id"],
            message_id=raw["message_id"],
            kind=_content_kind(raw),
            text=text,
            source_text=msg.source_text if msg.source_text is not None else text,
            parse_mode=msg.parse_mode,
            reply_markup=copy.deepcopy(msg.markup),
            message_thread_id=raw.get("message_thread_id"),
            reply_to_message_id=reply["message_id"] if reply else None,
            edited=msg.edited,
            deleted=msg.deleted,
            history=tuple(msg.history),
            seq=msg.seq,
            raw=raw,
        )

    def sent_messages(self, chat_id: ChatId, *, include_deleted: bool = False) -> list[SentMessage]:
        """What the bot sent to a chat (texts, captions, keyboards), in order, edits applied."""
        with self._s.lock:
            return [
                self._snapshot(m)
                for m in self._s.chat_messages.get(chat_id, [])
                if m.from_bot
                and (include_deleted or not m.deleted)
                and not any(k in m.raw for k in _SERVICE_KEYS)
            ]

    def last_message(self, chat_id: ChatId) -> SentMessage | None:
        """The bot's latest message in a chat that is not deleted."""
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    def _sent_files(self, chat_id: ChatId, kind: str) -> list[SentFile]:
        with self._s.lock:
            return [
                SentFile(
                    chat_id=chat_id,
                    message_id=m.raw["message_id"],
                    kind=kind,
                    data=m.file.data,
                    filename=m.file.file_name,
                    mime_type=m.file.mime_type,
                    caption=m.raw.get("caption"),
                    file_id=m.file.file_id,
                    message_thread_id=m.raw.get("message_thread_id"),
                )
                for m in self._s.chat_messages.get(chat_id, [])
                if m.from_bot and m.file is not None and kind in m.raw
            ]

    def sent_documents(self, chat_id: ChatId) -> list[SentFile]:
        """Documents the bot sent to a chat: bytes, filename, caption; in order."""
        return self._sent_files(chat_id, "document")

    def sent_photos(self, chat_id: ChatId) -> list[SentFile]:
        """Photos the bot sent to a chat, in order."""
        return self._sent_files(chat_id, "photo")

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands set with setMyCommands for a scope and language ("" is the default)."""
        with self._s.lock:
            return copy.deepcopy(self._s.commands.get((_scope_key(scope), language_code), []))

    def topics(self, chat_id: ChatId) -> dict[int, TopicInfo]:
        """Forum topics created in a chat, by ``message_thread_id``."""
        with self._s.lock:
            return {tid: t for (cid, tid), t in self._s.topics.items() if cid == chat_id}

    def file(self, file_id: str) -> StoredFile | None:
        """A known file by id."""
        with self._s.lock:
            return self._s.files.get(file_id)

    # ---- waiting ---------------------------------------------------------------------------

    def _describe(self, what: str, timeout: float, chat_id: ChatId | None = None) -> str:
        lines = [f"timed out after {timeout:.1f}s waiting for {what}"]
        if chat_id is not None:
            texts = [f"  #{m.message_id}: {m.text!r}" for m in self.sent_messages(chat_id)[-8:]]
            lines.append(f"bot messages in chat {chat_id} (latest last):")
            lines.extend(texts or ["  (none)"])
        lines.append("latest calls:")
        for call in self.calls[-10:]:
            lines.append(f"  {call.method} -> {call.status}: {str(call.params)[:120]}")
        return "\n".join(lines)

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a deadline is this helper's point
        *,
        what: str = "a condition",
    ) -> T:
        """Wait until ``predicate()`` is truthy and return its value; TimeoutError otherwise.

        Works from the server's loop (woken on every change) or any other loop (polls).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._current_event() if loop is self._loop else None
            with self._s.lock:
                value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._describe(what, timeout))
            if event is None:
                await asyncio.sleep(min(0.01, remaining))
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)

    def wait_for_sync(
        self,
        predicate: Callable[[], T | None],
        timeout: float = DEFAULT_TIMEOUT,
        *,
        what: str = "a condition",
    ) -> T:
        """Blocking ``wait_for`` for synchronous tests (server in a thread or bot in a process)."""
        if self._thread is not None and threading.current_thread() is self._thread:
            raise RuntimeError("wait_for_sync would block the server's own thread")
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._describe(what, timeout))
                self._cond.wait(min(remaining, 0.5))

    def _message_matcher(
        self, chat_id: ChatId, contains: str | None, after_seq: int | None
    ) -> Callable[[], SentMessage | None]:
        def match() -> SentMessage | None:
            candidates = sorted(self.sent_messages(chat_id), key=lambda m: m.seq)
            for message in candidates:
                if after_seq is not None and message.seq <= after_seq:
                    continue
                if contains is None or contains in (message.text or ""):
                    return message
            return None

        return match

    async def wait_for_message(
        self,
        chat_id: ChatId,
        contains: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a deadline is this helper's point
        *,
        after_seq: int | None = None,
    ) -> SentMessage:
        """The first bot message in a chat (changed after ``after_seq``) containing ``contains``."""
        what = f"a bot message in chat {chat_id}" + (
            f" containing {contains!r}" if contains else ""
        )
        matcher = self._message_matcher(chat_id, contains, after_seq)
        try:
            return await self.wait_for(matcher, timeout, what=what)
        except TimeoutError as exc:
            raise TimeoutError(self._describe(what, timeout, chat_id)) from exc

    def wait_for_message_sync(
        self,
        chat_id: ChatId,
        contains: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        after_seq: int | None = None,
    ) -> SentMessage:
        """Blocking ``wait_for_message``."""
        what = f"a bot message in chat {chat_id}" + (
            f" containing {contains!r}" if contains else ""
        )
        matcher = self._message_matcher(chat_id, contains, after_seq)
        try:
            return self.wait_for_sync(matcher, timeout, what=what)
        except TimeoutError as exc:
            raise TimeoutError(self._describe(what, timeout, chat_id)) from exc

    def _call_matcher(self, method: str, count: int) -> Callable[[], Call | None]:
        def match() -> Call | None:
            done = [c for c in self.calls_to(method) if c.status is not None]
            return done[count - 1] if len(done) >= count else None

        return match

    async def wait_for_call(
        self,
        method: str,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a deadline is this helper's point
        *,
        count: int = 1,
    ) -> Call:
        """Wait until the bot has completed ``count`` calls of ``method``; returns that call."""
        what = f"{count} completed {method} call(s)"
        return await self.wait_for(self._call_matcher(method, count), timeout, what=what)

    def wait_for_call_sync(
        self, method: str, timeout: float = DEFAULT_TIMEOUT, *, count: int = 1
    ) -> Call:
        """Blocking ``wait_for_call``."""
        what = f"{count} completed {method} call(s)"
        return self.wait_for_sync(self._call_matcher(method, count), timeout, what=what)

    def _find_button(
        self, chat_id: ChatId, *, data: str | None, text: str | None, message_id: int | None
    ) -> tuple[_Msg, str]:
        """The bot message (latest first) with a matching inline button, and its data."""
        with self._s.lock:
            if message_id is not None:
                msg = self._s.messages.get((chat_id, message_id))
                if msg is None or msg.deleted:
                    raise LookupError(f"message {message_id} does not exist in chat {chat_id}")
                candidates = [msg]
            else:
                candidates = [
                    m for m in reversed(self._s.chat_messages.get(chat_id, [])) if m.from_bot
                ]
            for msg in candidates:
                if msg.deleted:
                    continue
                for row in _inline_rows(msg.markup):
                    for button in row:
                        if data is not None and button["callback_data"] == data:
                            return msg, data
                        if text is not None and button["text"] == text and button["callback_data"]:
                            return msg, button["callback_data"]
        wanted = f"callback_data {data!r}" if data is not None else f"text {text!r}"
        raise LookupError(f"no inline button with {wanted} in chat {chat_id}")

    def _open_callback(self, chat_id: ChatId) -> str:
        with self._s.lock:
            self._s.callback_counter += 1
            query_id = f"{4_000_000_000_000_000 + self._s.callback_counter}"
            self._s.open_callbacks[query_id] = chat_id
        return query_id


class FakeUser:
    """A scripted citizen (or staff member) who sends updates to the bot.

    Every ``send_*``/``tap`` returns the Update dict queued (with a unique increasing
    ``update_id``) and remembers the moment, so ``wait_reply`` waits for what the bot sends or
    edits afterwards. Methods are thread-safe and synchronous.
    """

    def __init__(self, server: FakeTelegramServer, *, chat: JSON, person: JSON) -> None:
        """Use ``FakeTelegramServer.user(...)`` instead."""
        self.server = server
        self.chat: JSON = chat
        """The chat object as Telegram sends it."""
        self.person: JSON = person
        """The ``User`` object of the sender."""
        self.last_callback_id: str | None = None
        """Id of the latest callback query from ``tap``."""
        self._mark = server.seq

    @property
    def chat_id(self) -> ChatId:
        """The chat id."""
        return int(self.chat["id"])

    @property
    def user_id(self) -> int:
        """The sender's user id."""
        return int(self.person["id"])

    @property
    def first_name(self) -> str:
        """The sender's first name."""
        return str(self.person["first_name"])

    # ---- sending ---------------------------------------------------------------------------

    def _message(
        self,
        content: JSON,
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        reply_to = None
        if reply_to_message_id is not None:
            reply_to = self.server._reply_to(
                self.chat_id, {"reply_to_message_id": reply_to_message_id}
            )
        self._mark = self.server.seq
        msg = self.server._new_message(
            self.chat,
            self.person,
            content,
            from_bot=False,
            thread_id=message_thread_id,
            reply_to=reply_to,
        )
        return self.server._enqueue("message", copy.deepcopy(msg.raw))

    def send_text(
        self,
        text: str,
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Type a text message (a leading ``/command`` gets its bot_command entity)."""
        content: JSON = {"text": text}
        match = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if match:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": match.end()}]
        return self._message(
            content, message_thread_id=message_thread_id, reply_to_message_id=reply_to_message_id
        )

    def send_command(self, command: str, args: str = "") -> JSON:
        """Send ``/command [args]`` (``"/start"`` or ``"start"``)."""
        command = command if command.startswith("/") else f"/{command}"
        return self.send_text(f"{command} {args}".strip())

    def tap(
        self, callback_data: str, message_id: int | None = None, *, force: bool = False
    ) -> JSON:
        """Tap an inline button: a callback_query with the message that carries it.

        By default the latest bot message with a button of that ``callback_data``; LookupError
        when there is none (a real user cannot tap it). ``force=True`` sends the data anyway
        (a stale or forged callback) with the given or latest bot message.
        """
        server = self.server
        try:
            msg, data = server._find_button(
                self.chat_id, data=callback_data, text=None, message_id=message_id
            )
        except LookupError:
            if not force:
                raise
            msg = self._forced_target(message_id)
            data = callback_data
        return self._callback(msg, data)

    def tap_button(self, text: str, message_id: int | None = None) -> JSON:
        """Tap the inline button labelled ``text`` (latest bot message that has one)."""
        msg, data = self.server._find_button(
            self.chat_id, data=None, text=text, message_id=message_id
        )
        return self._callback(msg, data)

    def _forced_target(self, message_id: int | None) -> _Msg:
        state = self.server._s
        with state.lock:
            if message_id is not None:
                msg = state.messages.get((self.chat_id, message_id))
            else:
                bot_messages = [m for m in state.chat_messages.get(self.chat_id, []) if m.from_bot]
                msg = bot_messages[-1] if bot_messages else None
        if msg is None:
            raise LookupError(f"no bot message to attach the callback to in chat {self.chat_id}")
        return msg

    def _callback(self, msg: _Msg, data: str) -> JSON:
        server = self.server
        query_id = server._open_callback(self.chat_id)
        self.last_callback_id = query_id
        self._mark = server.seq
        with server._s.lock:
            message = copy.deepcopy(msg.raw)
        payload: JSON = {
            "id": query_id,
            "from": dict(self.person),
            "message": message,
            "chat_instance": str(abs(self.chat_id) * 7919 % 10**12),
            "data": data,
        }
        return server._enqueue("callback_query", payload)

    def send_photo(
        self,
        data: bytes,
        *,
        caption: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> JSON:
        """Send a photo; getFile and the download URL serve ``data`` for every size."""
        size = _image_size(data) or (1280, 960)
        _main, sizes = self.server._photo_sizes(data, width or size[0], height or size[1])
        content: JSON = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self._message(content)

    def send_document(
        self,
        data: bytes,
        file_name: str = "dokumen.pdf",
        mime_type: str = "application/pdf",
        *,
        caption: str | None = None,
    ) -> JSON:
        """Send a file as a document."""
        stored = self.server._register_file(
            data, kind="document", file_name=file_name, mime_type=mime_type
        )
        content: JSON = {"document": stored.as_document()}
        if caption:
            content["caption"] = caption
        return self._message(content)

    def send_contact(
        self, phone_number: str, *, first_name: str | None = None, own: bool = True
    ) -> JSON:
        """Share a contact (own=True: the user's own, as with a request_contact button)."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name or self.first_name}
        if own:
            contact["user_id"] = self.user_id
        return self._message({"contact": contact})

    def send_location(self, latitude: float, longitude: float) -> JSON:
        """Share a location."""
        return self._message({"location": {"latitude": latitude, "longitude": longitude}})

    def send_sticker(self, emoji: str = "👍") -> JSON:
        """Send a sticker."""
        stored = self.server._register_file(
            b"RIFF\x00\x00\x00\x00WEBPVP8 ", kind="sticker", width=512, height=512
        )
        sticker: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.data),
        }
        return self._message({"sticker": sticker})

    def send_voice(self, data: bytes = b"OggS\x00fake-voice", duration: int = 3) -> JSON:
        """Send a voice note."""
        stored = self.server._register_file(data, kind="voice", mime_type="audio/ogg")
        voice: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._message({"voice": voice})

    def edit_text(self, message_id: int, new_text: str) -> JSON:
        """Edit one of this user's text messages: an ``edited_message`` update."""
        server = self.server
        with server._s.lock:
            msg = server._s.messages.get((self.chat_id, message_id))
            if msg is None or msg.from_bot or "text" not in msg.raw:
                raise LookupError(f"no text message {message_id} of this user to edit")
            msg.history.append(msg.raw["text"])
            msg.raw["text"] = new_text
            msg.raw["edit_date"] = int(time.time())
            msg.edited = True
            raw = copy.deepcopy(msg.raw)
        self._mark = server.seq
        return server._enqueue("edited_message", raw)

    def block(self) -> JSON:
        """Block the bot: later sends answer 403, and a my_chat_member update is queued."""
        self.server.block(self.chat_id)
        return self._member_update("member", "kicked")

    def unblock(self) -> JSON:
        """Unblock the bot (a my_chat_member update back to member)."""
        self.server.unblock(self.chat_id)
        return self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> JSON:
        def member(status: str) -> JSON:
            body: JSON = {"status": status, "user": self.server.bot_user}
            if status == "kicked":
                body["until_date"] = 0
            return body

        payload: JSON = {
            "chat": dict(self.chat),
            "from": dict(self.person),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self.server._enqueue("my_chat_member", payload)

    # ---- what this user sees ---------------------------------------------------------------

    def messages(self) -> list[SentMessage]:
        """The bot's messages in this chat, in order, edits applied."""
        return self.server.sent_messages(self.chat_id)

    def last_message(self) -> SentMessage | None:
        """The bot's latest message in this chat."""
        return self.server.last_message(self.chat_id)

    def last_text(self) -> str | None:
        """Text (or caption) of the bot's latest message in this chat."""
        message = self.last_message()
        return message.text if message else None

    def buttons(self) -> list[list[dict[str, str]]]:
        """Inline keyboard of the bot's latest message: rows of ``{text, callback_data}``."""
        message = self.last_message()
        return message.buttons if message else []

    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown (the latest one sent and not removed)."""
        keyboard: list[list[str]] | None = None
        for message in self.messages():
            if message.keyboard is not None:
                keyboard = message.keyboard
            elif message.removes_keyboard:
                keyboard = None
        return keyboard

    def documents(self) -> list[SentFile]:
        """Documents the bot sent to this chat."""
        return self.server.sent_documents(self.chat_id)

    def callback_answer(self, callback_id: str | None = None) -> CallbackAnswer | None:
        """How the bot answered a callback query (default: this user's latest tap)."""
        wanted = callback_id or self.last_callback_id
        return self.server.answered_callbacks.get(wanted or "")

    async def wait_reply(
        self,
        contains: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - a deadline is this helper's point
    ) -> SentMessage:
        """The first bot message sent or edited in this chat since this user's last action."""
        return await self.server.wait_for_message(
            self.chat_id, contains, timeout, after_seq=self._mark
        )

    def wait_reply_sync(
        self, contains: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> SentMessage:
        """Blocking ``wait_reply``."""
        return self.server.wait_for_message_sync(
            self.chat_id, contains, timeout, after_seq=self._mark
        )

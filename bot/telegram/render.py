"""Replies as Telegram messages: HTML text and inline keyboards, long option lists paged."""

from __future__ import annotations

from typing import Any, Final

from bot import texts as X
from flows.protocol import Button, Reply
from flows.text import Lang

PAGE_ROWS: Final = 8
"""Option rows per page when a question has many options (kelurahan, days)."""
PAGE_WHEN_OVER: Final = 12
"""Options beyond which the list is paged."""
PAGE_PREFIX: Final = "pg:"


def seq_of(data: str) -> str | None:
    """The question number a button belongs to (``12`` of ``12:c:0``), if it has one."""
    head, sep, _ = data.partition(":")
    return head if sep and head.isdigit() else None


def reply_seq(reply: Reply) -> str | None:
    """The question number of a reply's buttons."""
    for button in reply.button_list():
        seq = seq_of(button.data)
        if seq is not None:
            return seq
    return None


def keyboard(reply: Reply, *, lang: Lang, page: int = 0) -> dict[str, Any] | None:
    """The inline keyboard of ``reply`` (page ``page`` of its options when there are many), as
    the Bot API takes it (JSON-ready: see bot/telegram/methods.py)."""
    rows = [list(r) for r in reply.buttons]
    if not rows:
        return None
    option_rows, tail = _split(rows)
    pages = _pages(option_rows)
    if len(pages) > 1:
        page = max(0, min(page, len(pages) - 1))
        seq = reply_seq(reply) or "0"
        nav: list[Button] = []
        if page > 0:
            nav.append(Button(X.PAGE_PREV.get(lang), f"{PAGE_PREFIX}{seq}:{page - 1}"))
        nav.append(Button(f"{page + 1}/{len(pages)}", f"{PAGE_PREFIX}{seq}:{page}"))
        if page < len(pages) - 1:
            nav.append(Button(X.PAGE_NEXT.get(lang), f"{PAGE_PREFIX}{seq}:{page + 1}"))
        rows = [*pages[page], nav, *tail]
    return {
        "inline_keyboard": [
            [{"text": b.label, "callback_data": b.data} for b in row] for row in rows
        ]
    }


def _split(rows: list[list[Button]]) -> tuple[list[list[Button]], list[list[Button]]]:
    """Option rows, and the rows after them (keep, done, navigation)."""
    options: list[list[Button]] = []
    for i, row in enumerate(rows):
        kinds = {b.data.split(":")[1] if seq_of(b.data) else "" for b in row}
        if kinds & {"c", "x", "m", "e"} and not any(b.data.endswith("m:done") for b in row):
            options.append(row)
        else:
            return options, rows[i:]
    return options, []


def _pages(option_rows: list[list[Button]]) -> list[list[list[Button]]]:
    count = sum(len(r) for r in option_rows)
    if count <= PAGE_WHEN_OVER:
        return [option_rows]
    return [option_rows[i : i + PAGE_ROWS] for i in range(0, len(option_rows), PAGE_ROWS)]

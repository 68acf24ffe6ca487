"""Real headless Chromium for the browser tests (DESIGN.md section 5).

Debian's ``chromium`` package at ``/usr/bin/chromium`` (override with ``CHROMIUM_PATH``), driven by
Playwright's Python package; Playwright's own browser download is never used. Without Chromium or
Playwright the browser tests are skipped with the reason shown; with ``CI=true`` they fail instead,
because CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from tests.conftest import IN_CI

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Route, ViewportSize

CHROMIUM: Final = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
PHONE: Final[ViewportSize] = {"width": 390, "height": 844}
"""A common phone's CSS viewport (portrait)."""
ARTIFACTS: Final = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
"""Screenshots of every page state, for a human to look at (ignored by git)."""


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    try:
        import playwright.async_api  # noqa: F401 - only whether it imports
    except ImportError as exc:
        return f"Playwright not installed ({exc}): .venv/bin/pip install -e '.[dev]'"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not installed at {CHROMIUM}: apt-get install -y chromium (as root)"
    return None


def require_browser() -> None:
    """Skip the calling test (fail it when ``CI=true``) unless Chromium and Playwright are here."""
    reason = missing_reason()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """A headless Chromium for the duration of the block."""
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def new_tab(browser: Browser, **context_options: Any) -> AsyncIterator[Page]:
    """A tab in a fresh browser context (``context_options``: viewport, locale, ...) with a
    15-second default timeout, closed after the block."""
    context = await browser.new_context(**context_options)
    context.set_default_timeout(15_000)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        await context.close()


async def screenshot(page: Page, name: str) -> Path:
    """The whole page as ``test-artifacts/browser/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def assert_fits_phone(page: Page) -> None:
    """Nothing wider than the screen, and body text no smaller than 16 CSS pixels."""
    layout: dict[str, Any] = await page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            width: window.innerWidth,
            font: parseFloat(getComputedStyle(document.body).fontSize),
        })"""
    )
    assert layout["scroll"] <= layout["width"], f"horizontal scrolling on a phone: {layout}"
    assert layout["font"] >= 16, f"text too small on a phone: {layout}"


async def lines_of(page: Page, text: str) -> int:
    """On how many lines the first text node reading exactly ``text`` is laid out (0: absent)."""
    count: int = await page.evaluate(
        """(text) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.data.trim() !== text) continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            }
            return 0;
        }""",
        text,
    )
    return count


class PostCapture:
    """Keeps the exact bytes of the responses to the page's form POSTs.

    Headless Chromium hands an inline ``application/pdf`` to its PDF viewer, and Playwright's
    ``Response.body()`` then returns the viewer's wrapper page, not the PDF; so the POST is routed
    through Playwright, which records the real response and passes it on to the page unchanged.
    """

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.post_data: list[str] = []
        self.content_types: list[str] = []

    async def attach(self, page: Page, url_glob: str) -> None:
        """Start capturing the POSTs to ``url_glob``."""
        await page.route(url_glob, self._handle)

    async def _handle(self, route: Route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        response = await route.fetch()
        self.post_data.append(route.request.post_data or "")
        self.bodies.append(await response.body())
        self.content_types.append(response.headers.get("content-type", ""))
        await route.fulfill(response=response)

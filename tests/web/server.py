"""A web application on a free local port, for the tests that talk to a real server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from web.app import start_site


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serving(web_app: web.Application) -> AsyncIterator[str]:
    """``web_app`` served on a free local port for the block; its base URL."""
    port = free_port()
    runner = await start_site(web_app, host="127.0.0.1", port=port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()

"""The HTTP application: health check and the Telegram webhook (documents and staff pages too)."""

from __future__ import annotations

from aiohttp import web

from bot.telegram.setup import TelegramFrontend
from web.webhook import add_webhook_route


def build_web_app(
    *, telegram: TelegramFrontend | None, webhook_secret: str | None
) -> web.Application:
    """The aiohttp application; the webhook route only when a secret is configured."""
    app = web.Application(client_max_size=2 * 1024 * 1024)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_get("/healthz", health)
    if telegram is not None and webhook_secret:
        add_webhook_route(
            app, bot=telegram.bot, dispatcher=telegram.dispatcher, secret=webhook_secret
        )
    return app


async def start_site(
    app: web.Application, *, host: str, port: int, reuse_port: bool = False
) -> web.AppRunner:
    """Serve ``app`` on ``host:port`` in the running event loop; returns the runner to clean up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host=host, port=port, reuse_port=reuse_port or None)
    await site.start()
    return runner

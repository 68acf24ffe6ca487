"""The HTTP application: health check and the Telegram webhook (documents and staff pages too)."""

from __future__ import annotations

from aiohttp import web

from bot.bootstrap import App
from bot.telegram.setup import TelegramFrontend
from web.documents import DocumentPages
from web.staff import add_staff_routes
from web.webhook import add_webhook_route


def build_web_app(
    *,
    telegram: TelegramFrontend | None,
    webhook_secret: str | None,
    pages: DocumentPages | None = None,
    staff: App | None = None,
) -> web.Application:
    """The aiohttp application; the webhook route only when a secret is configured."""
    app = web.Application(client_max_size=11 * 1024 * 1024)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_get("/healthz", health)
    if pages is not None:
        pages.add_routes(app)
    if staff is not None:
        add_staff_routes(app, staff)
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


def document_pages(app: App) -> DocumentPages:
    """The print and verification pages of an application."""
    return DocumentPages(
        docs=app.docs,
        documents=app.documents,
        trust_roots=app.signing.trust_roots,
        office_name=app.office.short_name,
        timezone=app.settings.timezone,
    )

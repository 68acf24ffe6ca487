"""``adminduk-bot``: the command line of the application."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from pydantic import ValidationError


def _settings() -> object:
    from bot.settings import Settings

    return Settings()


def cmd_demo(args: argparse.Namespace) -> int:
    """Chat with the bot in this terminal, on the embedded default (SQLite under DATA_DIR)."""
    from bot.bootstrap import build_app, configure_logging
    from bot.console import Console
    from bot.settings import Settings

    settings = Settings()
    configure_logging("WARNING" if not args.verbose else "INFO")
    app = build_app(settings)
    try:
        print(f"adminduk-bot demo — {app.office.short_name.id}")
        print(f"Data: {settings.db_url}")
        print("Ketik nomor tombol atau jawaban Anda; /keluar untuk selesai.\n")
        console = Console(app.dialog, app.files, out=sys.stdout, color=sys.stdout.isatty())
        console.run(sys.stdin)
    finally:
        app.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Telegram long polling, the background worker and the web portal, in one process."""
    import asyncio

    from bot.bootstrap import build_app, configure_logging
    from bot.settings import Settings
    from bot.telegram.limits import Pacer
    from bot.telegram.setup import build_telegram, check_token, run_polling
    from web.app import build_web_app, start_site

    settings = Settings()
    configure_logging(settings.log_level)
    token = check_token(
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    )
    app = build_app(settings)
    frontend = build_telegram(
        token=token,
        api_base=settings.telegram_api_base,
        dialog=app.dialog,
        files=app.files,
        pacer=Pacer(
            global_rate=settings.telegram_rate_global,
            global_burst=settings.telegram_rate_global,
            per_chat_burst=settings.telegram_rate_chat_burst,
        ),
    )

    async def main() -> None:
        runner = await start_site(
            build_web_app(telegram=None, webhook_secret=None),
            host=settings.web_host,
            port=args.port if args.port is not None else settings.web_port,
        )
        try:
            await run_polling(frontend)
        finally:
            await runner.cleanup()

    try:
        asyncio.run(main())
    finally:
        app.close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The web app with the Telegram webhook; run several behind a load balancer."""
    import asyncio

    from bot.bootstrap import build_app, configure_logging
    from bot.settings import Settings
    from bot.telegram.limits import Pacer
    from bot.telegram.setup import ALLOWED_UPDATES, build_telegram, check_token, register_commands
    from web.app import build_web_app, start_site
    from web.webhook import WEBHOOK_PATH

    settings = Settings()
    configure_logging(settings.log_level)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        print(
            "adminduk-bot: WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -",
            file=sys.stderr,
        )
        return 2
    token = check_token(
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    )
    app = build_app(settings, migrate=False)
    frontend = build_telegram(
        token=token,
        api_base=settings.telegram_api_base,
        dialog=app.dialog,
        files=app.files,
        pacer=Pacer(
            global_rate=settings.telegram_rate_global,
            global_burst=settings.telegram_rate_global,
            per_chat_burst=settings.telegram_rate_chat_burst,
        ),
    )
    port = args.port if args.port is not None else settings.web_port

    async def main() -> None:
        runner = await start_site(
            build_web_app(telegram=frontend, webhook_secret=secret),
            host=settings.web_host,
            port=port,
            reuse_port=args.reuse_port,
        )
        try:
            if args.set_webhook:
                url = settings.public_base_url.rstrip("/") + WEBHOOK_PATH
                await frontend.bot.set_webhook(
                    url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
                )
                await register_commands(frontend.bot)
            print(f"serving on {settings.web_host}:{port}", flush=True)
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await frontend.bot.session.close()

    try:
        asyncio.run(main())
    finally:
        app.close()
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the database schema up to date (Alembic migrations)."""
    del args
    from bot.settings import Settings
    from storage.migrate import upgrade

    settings = Settings()
    upgrade(settings.db_url)
    print("database schema is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="adminduk-bot",
        description="Telegram assistant of a Disdukcapil office: guided forms, booking, documents.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    demo.add_argument("-v", "--verbose", action="store_true", help="show log lines")
    demo.set_defaults(func=cmd_demo)
    run = sub.add_parser("run", help=cmd_run.__doc__)
    run.add_argument("--port", type=int, default=None, help="web port (default WEB_PORT)")
    run.set_defaults(func=cmd_run)
    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--port", type=int, default=None, help="web port (default WEB_PORT)")
    serve.add_argument("--reuse-port", action="store_true", help="share the port with workers")
    serve.add_argument(
        "--set-webhook", action="store_true", help="register PUBLIC_BASE_URL with Telegram"
    )
    serve.set_defaults(func=cmd_serve)
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help=cmd_db_upgrade.__doc__).set_defaults(func=cmd_db_upgrade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``adminduk-bot`` command."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except ValidationError as exc:
        print(f"adminduk-bot: invalid settings: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from bot.office import OfficeConfigError
        from bot.telegram.setup import TelegramConfigError
        from flows.loader import FormDefinitionError

        if isinstance(exc, OfficeConfigError | FormDefinitionError | TelegramConfigError):
            print(f"adminduk-bot: {exc}", file=sys.stderr)
            return 2
        raise
    return result


if __name__ == "__main__":
    sys.exit(main())

"""``adminduk-bot``: the command line of the application."""

from __future__ import annotations

import argparse
import re
import sys
import threading
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.staff_cli import (
    cmd_staff_add,
    cmd_staff_disable,
    cmd_staff_enable,
    cmd_staff_list,
    cmd_staff_password,
)

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.bootstrap import App
    from bot.settings import Settings
    from bot.telegram.setup import TelegramFrontend


def cmd_demo(args: argparse.Namespace) -> int:
    """Chat with the bot in this terminal, on the embedded default (SQLite under DATA_DIR)."""
    from bot.bootstrap import build_app, configure_logging
    from bot.console import Console
    from bot.notify import ConsoleNotifier
    from bot.settings import Settings

    settings = Settings()
    configure_logging("WARNING" if not args.verbose else "INFO")
    app = build_app(settings)
    try:
        print(f"adminduk-bot demo — {app.office.short_name.id}")
        print(f"Data: {settings.db_url}")
        print(f"Portal (cetak & verifikasi dokumen): {settings.public_base_url}")
        print("Ketik nomor tombol atau jawaban Anda; /keluar untuk selesai.\n")
        console = Console(app.dialog, app.files, out=sys.stdout, color=sys.stdout.isatty())
        app.notifiers.register(
            "console", ConsoleNotifier(sys.stdout, settings.data_dir / "documents")
        )
        stop = threading.Event()
        worker = threading.Thread(target=_background, args=(app, stop), daemon=True)
        worker.start()
        console.run(sys.stdin)
        stop.set()
        worker.join(timeout=5)
    finally:
        app.close()
    return 0


def _service_settings() -> Settings:
    """The settings of a long-running command, with logging at their ``LOG_LEVEL``."""
    from bot.bootstrap import configure_logging
    from bot.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level)
    return settings


def _operator_app() -> App:
    """The application of a one-off operator command (only warnings are logged)."""
    from bot.bootstrap import build_app, configure_logging
    from bot.settings import Settings

    configure_logging("WARNING")
    return build_app(Settings())


def _run_then_close(app: App, main: Callable[[], Coroutine[Any, Any, None]]) -> int:
    """Run ``main`` on a new event loop; ``app`` is closed however it ends."""
    import asyncio

    try:
        asyncio.run(main())
    finally:
        app.close()
    return 0


def _with_telegram(settings: Settings, *, migrate: bool) -> tuple[App, TelegramFrontend]:
    """The application and its Telegram side (the token is checked before anything starts)."""
    from bot.bootstrap import build_app
    from bot.telegram.limits import Pacer
    from bot.telegram.setup import build_telegram, check_token

    secret = settings.telegram_bot_token
    token = check_token(secret.get_secret_value() if secret else None)
    app = build_app(settings, migrate=migrate)
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
        handoff=app.handoff,
        staff_chat_id=settings.staff_chat_id,
        staff_ids=settings.staff_id_set,
    )
    return app, frontend


def _notify_through(app: App, bot: Bot, settings: Settings) -> None:
    """Notices, documents and hand-off topics go out through ``bot`` (bulk pacing)."""
    from bot.telegram.limits import bulk_pacer
    from bot.telegram.notifier import TelegramNotifier
    from bot.telegram.sender import Sender
    from bot.telegram.staff import TelegramStaffChannel

    bulk = Sender(bulk_pacer(settings.telegram_rate_global))
    app.notifiers.register("telegram", TelegramNotifier(bot, bulk))
    if settings.staff_chat_id is not None:
        app.handoff.staff = TelegramStaffChannel(bot, bulk, settings.staff_chat_id)


def cmd_run(args: argparse.Namespace) -> int:
    """Telegram long polling, the background worker and the web portal, in one process."""
    import asyncio

    from bot.telegram.setup import run_polling
    from web.app import build_web_app, document_pages, start_site

    settings = _service_settings()
    app, frontend = _with_telegram(settings, migrate=True)

    async def main() -> None:
        runner = await start_site(
            build_web_app(telegram=None, webhook_secret=None, pages=document_pages(app), staff=app),
            host=settings.web_host,
            port=args.port if args.port is not None else settings.web_port,
        )
        _notify_through(app, frontend.bot, settings)
        worker = asyncio.create_task(app.worker().run_forever())
        try:
            await run_polling(frontend)
        finally:
            worker.cancel()
            await runner.cleanup()
            frontend.gateway.close()
            await app.db.aclose()

    return _run_then_close(app, main)


def cmd_serve(args: argparse.Namespace) -> int:
    """The web app with the Telegram webhook; run several behind a load balancer."""
    import asyncio

    from bot.telegram.setup import ALLOWED_UPDATES, register_commands
    from web.app import build_web_app, document_pages, start_site
    from web.webhook import WEBHOOK_PATH

    settings = _service_settings()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        print(
            "adminduk-bot: WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -",
            file=sys.stderr,
        )
        return 2
    app, frontend = _with_telegram(settings, migrate=False)
    port = args.port if args.port is not None else settings.web_port

    async def main() -> None:
        runner = await start_site(
            build_web_app(
                telegram=frontend, webhook_secret=secret, pages=document_pages(app), staff=app
            ),
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
            frontend.gateway.close()
            await app.db.aclose()

    return _run_then_close(app, main)


def cmd_worker(args: argparse.Namespace) -> int:
    """The background worker alone (reminders, notices, documents, emails), for scaled set-ups."""
    del args
    settings = _service_settings()
    app, frontend = _with_telegram(settings, migrate=False)

    async def main() -> None:
        _notify_through(app, frontend.bot, settings)
        try:
            await app.worker().run_forever()
        finally:
            await frontend.bot.session.close()

    return _run_then_close(app, main)


def cmd_booking(args: argparse.Namespace) -> int:
    """Staff: a day's bookings, closing or reopening a day, changing a day's quota."""
    from datetime import date

    from booking.errors import BookingError
    from flows.validators import mask_nik

    service = args.service
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        print(f"adminduk-bot: {args.day!r} is not a date like 2026-12-07", file=sys.stderr)
        return 2
    app = _operator_app()
    try:
        if args.booking_command == "list":
            avail = app.booking.day_availability(service, day)
            state = "closed" if avail.closed else "open"
            print(f"{day} {service}: {avail.booked}/{avail.quota} booked, {state}")
            for b in app.booking.list_day(service, day):
                print(f"{b.queue_number:>3}  {b.code}  {mask_nik(b.nik)}  {b.holder_name}")
        elif args.booking_command == "close-day":
            closed = app.booking.close_day(service, day, args.reason)
            app.followup.queue_closure_notices(closed, args.reason)
            print(f"{day} closed; {len(closed)} citizen(s) will be told and offered another day")
        elif args.booking_command == "reopen":
            app.booking.reopen_day(service, day)
            print(f"{day} open for booking again")
        elif args.booking_command == "quota":
            avail = app.booking.set_quota(service, day, args.places)
            print(f"{day}: quota {avail.quota}, {avail.booked} booked, {avail.left} left")
    except BookingError as exc:
        print(f"adminduk-bot: {exc}", file=sys.stderr)
        return 1
    finally:
        app.close()
    return 0


def _background(app: App, stop: threading.Event) -> None:
    """The demo's worker (notices and documents show in the terminal) and web portal."""
    import asyncio
    import logging

    from web.app import build_web_app, document_pages, start_site

    async def main() -> None:
        halt = asyncio.Event()
        worker = asyncio.create_task(app.worker().run_forever(stop=halt, idle=0.5))
        runner = None
        try:
            runner = await start_site(
                build_web_app(
                    telegram=None, webhook_secret=None, pages=document_pages(app), staff=app
                ),
                host=app.settings.web_host,
                port=app.settings.web_port,
            )
        except OSError as exc:
            logging.getLogger(__name__).warning("web portal not started: %s", exc.strerror)
        await asyncio.to_thread(stop.wait)
        halt.set()
        await worker
        if runner is not None:
            await runner.cleanup()

    asyncio.run(main())


def cmd_issue(args: argparse.Namespace) -> int:
    """Operator: issue (or issue again) the document of a submission or booking."""
    app = _operator_app()
    try:
        kind = app.documents.queue_for_reference(args.reference)
    except LookupError as exc:
        print(f"adminduk-bot: {exc}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(f"{kind} of {args.reference} queued; the worker signs and delivers it")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Operator: run the retention purge now (the worker also runs it daily at 01:00)."""
    del args
    app = _operator_app()
    try:
        now = datetime.now(UTC)
        cutoff = app.retention.cutoff(now)
        report = app.retention.purge(now)
    finally:
        app.close()
    print(f"removed what ended before {cutoff.day.isoformat()}: {report.detail()}")
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
    sub.add_parser("worker", help=cmd_worker.__doc__).set_defaults(func=cmd_worker)
    bk = sub.add_parser("booking", help=cmd_booking.__doc__)
    bk_sub = bk.add_subparsers(dest="booking_command", required=True)
    for name, helptext in (
        ("list", "list a day's bookings"),
        ("close-day", "close a day; booked citizens are told and offered another day"),
        ("reopen", "open a closed day again"),
        ("quota", "change a day's places (never below those already booked)"),
    ):
        p = bk_sub.add_parser(name, help=helptext)
        p.add_argument("day", help="the day, e.g. 2026-12-07")
        p.add_argument("--service", default="ktp_recording")
        if name == "close-day":
            p.add_argument("--reason", required=True, help="told to the citizens")
        if name == "quota":
            p.add_argument("places", type=int)
        p.set_defaults(func=cmd_booking)
    issue = sub.add_parser("issue", help=cmd_issue.__doc__)
    issue.add_argument("reference", help="submission reference or booking code")
    issue.set_defaults(func=cmd_issue)
    sub.add_parser("purge", help=cmd_purge.__doc__).set_defaults(func=cmd_purge)
    staff = sub.add_parser("staff", help="staff accounts of the web pages (/staff/)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_sub.add_parser("add", help=cmd_staff_add.__doc__)
    staff_add.add_argument("username", help="what the member of staff types to sign in")
    staff_add.add_argument("--name", required=True, help="full name, shown in the audit log")
    staff_add.add_argument("--admin", action="store_true", help="may also read the audit log")
    staff_add.set_defaults(func=cmd_staff_add)
    for name, func in (
        ("password", cmd_staff_password),
        ("disable", cmd_staff_disable),
        ("enable", cmd_staff_enable),
    ):
        one = staff_sub.add_parser(name, help=func.__doc__)
        one.add_argument("username")
        one.set_defaults(func=func)
    staff_sub.add_parser("list", help=cmd_staff_list.__doc__).set_defaults(func=cmd_staff_list)
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

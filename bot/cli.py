"""``adminduk-bot``: the command line of the application."""

from __future__ import annotations

import argparse
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
        from flows.loader import FormDefinitionError

        if isinstance(exc, OfficeConfigError | FormDefinitionError):
            print(f"adminduk-bot: {exc}", file=sys.stderr)
            return 2
        raise
    return result


if __name__ == "__main__":
    sys.exit(main())

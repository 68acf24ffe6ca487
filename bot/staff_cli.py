"""``adminduk-bot staff add``: create an account for the staff web pages.

The password is asked twice on a terminal, or read from the first line of standard input when
that is not a terminal (``printf '%s\\n' "$PW" | adminduk-bot staff add ...``). It is never an
argument: arguments show in the process list and the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO


def read_password(stdin: TextIO, *, prompt: bool) -> str | None:
    """The new password: typed twice (``prompt``) or the first line of ``stdin``; ``None`` if
    the two typed passwords differ."""
    if prompt:
        first = getpass.getpass("Kata sandi / password: ")
        second = getpass.getpass("Ulangi / repeat: ")
        return first if first == second else None
    return stdin.readline().rstrip("\r\n")


def cmd_staff_add(args: argparse.Namespace) -> int:
    """Add a staff account for the web pages (password asked twice, or read from stdin)."""
    from bot.settings import Settings
    from storage.db import Database
    from storage.migrate import upgrade
    from storage.staff import StaffAccounts, UsernameTaken, WeakPassword

    password = read_password(sys.stdin, prompt=sys.stdin.isatty())
    if password is None:
        print("adminduk-bot: the two passwords differ; nothing was changed", file=sys.stderr)
        return 1
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # the SQLite file of a fresh install
    upgrade(settings.db_url)
    db = Database(settings.db_url)
    try:
        staff = StaffAccounts(db).add(args.username, args.name, password, admin=args.admin)
    except (UsernameTaken, WeakPassword) as exc:
        print(f"adminduk-bot: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"adminduk-bot: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    role = "admin" if staff.is_admin else "staff"
    print(f"account {staff.username} ({staff.full_name}, {role}) added")
    return 0

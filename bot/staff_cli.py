"""``adminduk-bot staff add|password|disable|enable|list``: accounts of the staff web pages.

A password is asked twice on a terminal, or read from the first line of standard input when
that is not a terminal (``printf '%s\\n' "$PW" | adminduk-bot staff add ...``). It is never an
argument: arguments show in the process list and the shell history. A new password or a
disabled account ends the account's sessions at once; accounts are never deleted, so the audit
log keeps naming who did what.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from storage.staff import StaffAccounts


def read_password(stdin: TextIO, *, prompt: bool) -> str | None:
    """The new password: typed twice (``prompt``) or the first line of ``stdin``; ``None`` if
    the two typed passwords differ."""
    if prompt:
        first = getpass.getpass("Kata sandi / password: ")
        second = getpass.getpass("Ulangi / repeat: ")
        return first if first == second else None
    return stdin.readline().rstrip("\r\n")


def _new_password() -> str | None:
    """The new password from the terminal or stdin; ``None`` (and said why) if the two typed
    passwords differ."""
    password = read_password(sys.stdin, prompt=sys.stdin.isatty())
    if password is None:
        print("adminduk-bot: the two passwords differ; nothing was changed", file=sys.stderr)
    return password


@contextmanager
def _accounts() -> Iterator[StaffAccounts]:
    """The staff accounts on an up-to-date schema; the connections are released afterwards."""
    from bot.settings import Settings
    from storage.db import Database
    from storage.migrate import upgrade
    from storage.staff import StaffAccounts

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # the SQLite file of a fresh install
    upgrade(settings.db_url)
    db = Database(settings.db_url)
    try:
        yield StaffAccounts(db)
    finally:
        db.dispose()


def cmd_staff_add(args: argparse.Namespace) -> int:
    """Add a staff account for the web pages (password asked twice, or read from stdin)."""
    from storage.staff import UsernameTaken, WeakPassword

    password = _new_password()
    if password is None:
        return 1
    with _accounts() as accounts:
        try:
            staff = accounts.add(args.username, args.name, password, admin=args.admin)
        except (UsernameTaken, WeakPassword) as exc:
            print(f"adminduk-bot: {exc}", file=sys.stderr)
            return 1
        except ValueError as exc:
            print(f"adminduk-bot: {exc}", file=sys.stderr)
            return 2
    role = "admin" if staff.is_admin else "staff"
    print(f"account {staff.username} ({staff.full_name}, {role}) added")
    return 0


def cmd_staff_password(args: argparse.Namespace) -> int:
    """Give an account a new password (asked twice, or read from stdin); its sessions end."""
    from storage.staff import WeakPassword

    password = _new_password()
    if password is None:
        return 1
    with _accounts() as accounts:
        try:
            staff = accounts.set_password(args.username, password)
        except WeakPassword as exc:
            print(f"adminduk-bot: {exc}", file=sys.stderr)
            return 1
        except LookupError as exc:
            print(f"adminduk-bot: {exc.args[0]}", file=sys.stderr)
            return 1
    print(f"password of {staff.username} changed; its sessions were ended")
    return 0


def _set_active(active: bool) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        with _accounts() as accounts:
            try:
                staff = accounts.set_active(args.username, active=active)
            except LookupError as exc:
                print(f"adminduk-bot: {exc.args[0]}", file=sys.stderr)
                return 1
        what = "enabled" if active else "disabled; its sessions were ended"
        print(f"account {staff.username} {what}")
        return 0

    return command


cmd_staff_disable = _set_active(False)
cmd_staff_disable.__doc__ = "Disable an account (it can no longer sign in; sessions end)."
cmd_staff_enable = _set_active(True)
cmd_staff_enable.__doc__ = "Enable a disabled account again."


def cmd_staff_list(args: argparse.Namespace) -> int:
    """List the accounts: username, role, active or disabled, full name."""
    del args
    with _accounts() as accounts:
        rows = accounts.accounts()
    for staff, active in rows:
        role = "admin" if staff.is_admin else "staff"
        state = "active" if active else "disabled"
        print(f"{staff.username:<20} {role:<6} {state:<9} {staff.full_name}")
    if not rows:
        print("no staff accounts yet (adminduk-bot staff add USERNAME --name 'Full Name')")
    return 0

"""``adminduk-bot staff password|disable|enable|list``: a new password or a disabled account ends
the account's sessions; accounts are kept (the audit log names them)."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.staff_cli import (
    cmd_staff_add,
    cmd_staff_disable,
    cmd_staff_enable,
    cmd_staff_list,
    cmd_staff_password,
)
from storage.db import Database
from storage.staff import StaffAccounts

OLD, NEW = "kata-sandi-lama-1", "kata-sandi-baru-2"
AT = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'staff.sqlite3'}"
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def _user(name: str = "sari") -> argparse.Namespace:
    return argparse.Namespace(username=name)


def test_password_disable_enable_and_list(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, OLD)
    assert cmd_staff_add(argparse.Namespace(username="Sari", name="Sari W", admin=True)) == 0
    db = Database(env)
    accounts = StaffAccounts(db)
    try:
        staff = accounts.authenticate("sari", OLD, at=AT)
        assert staff is not None
        token = accounts.open_session(staff, now=AT, lifetime=timedelta(hours=8))
        assert accounts.session(token, now=AT) is not None

        _stdin(monkeypatch, "pendek")
        assert cmd_staff_password(_user()) == 1, "the password policy applies"
        _stdin(monkeypatch, NEW)
        assert cmd_staff_password(_user()) == 0
        assert accounts.session(token, now=AT) is None, "a new password ends the sessions"
        assert accounts.authenticate("sari", OLD, at=AT) is None
        staff = accounts.authenticate("sari", NEW, at=AT)
        assert staff is not None
        token = accounts.open_session(staff, now=AT, lifetime=timedelta(hours=8))

        assert cmd_staff_disable(_user()) == 0
        assert accounts.session(token, now=AT) is None, "disabling ends the sessions"
        assert accounts.authenticate("sari", NEW, at=AT) is None
        capsys.readouterr()
        assert cmd_staff_list(argparse.Namespace()) == 0
        listed = capsys.readouterr().out
        assert "sari" in listed
        assert "admin" in listed
        assert "disabled" in listed

        assert cmd_staff_enable(_user()) == 0
        assert accounts.authenticate("sari", NEW, at=AT) is not None
        assert cmd_staff_list(argparse.Namespace()) == 0
        assert " active " in capsys.readouterr().out
    finally:
        db.dispose()


def test_unknown_accounts_are_reported(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    del env
    assert cmd_staff_list(argparse.Namespace()) == 0
    assert "no staff accounts yet" in capsys.readouterr().out
    assert cmd_staff_disable(_user("siapa")) == 1
    _stdin(monkeypatch, NEW)
    assert cmd_staff_password(_user("siapa")) == 1
    assert "no staff account 'siapa'" in capsys.readouterr().err

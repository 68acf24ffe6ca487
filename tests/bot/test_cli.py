"""The command line: settings errors, staff booking commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import App
from bot.cli import main
from tests.bot.conftest import Chat, book_ktp, make_app


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path, db_url


def _book_monday(app: App, chat_id: str) -> Chat:
    """A KTP-el recording booked through the dialog for Monday 7 December; the chat."""
    chat = Chat(app, chat_id)
    book_ktp(chat)
    return chat


def test_run_without_token_explains_in_one_line(
    env: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("adminduk-bot: TELEGRAM_BOT_TOKEN is not set")
    assert "\n" not in err
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    assert main(["run"]) == 2
    assert "malformed" in capsys.readouterr().err


def test_serve_needs_a_proper_webhook_secret(
    env: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAHfakefakefakefakefakefakefakefake")
    monkeypatch.setenv("WEBHOOK_SECRET", "short")
    assert main(["serve"]) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


def test_staff_close_day_lists_and_notifies(
    env: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path, db_url = env
    app = make_app(tmp_path, db_url)
    chat = _book_monday(app, "cli-1")
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    assert main(["booking", "list", "2026-12-07"]) == 0
    out = capsys.readouterr().out
    assert "1/30 booked" in out
    assert booking.code in out
    assert "3371xxxxxxxx0001" in out
    assert "3371011708000001" not in out
    assert main(["booking", "quota", "2026-12-07", "0"]) == 1
    assert "quota 0 is below the 1 places already booked" in capsys.readouterr().err
    assert main(["booking", "close-day", "2026-12-07", "--reason", "rapat dinas"]) == 0
    assert "1 citizen" in capsys.readouterr().out
    assert app.outbox.find(f"closed:{booking.code}") is not None
    assert not app.booking.day_availability("ktp_recording", date(2026, 12, 7)).bookable
    app.close()


def test_purge_by_hand_reports_counts_and_keeps_what_is_in_use(
    env: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path, db_url = env
    app = make_app(tmp_path, db_url)
    chat = _book_monday(app, "cli-2")
    app.close()
    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("removed what ended before ")
    assert "bookings=0" in out
    assert "submissions=0" in out
    app = make_app(tmp_path, db_url)
    [booking] = app.booking.bookings_for_chat(chat.key.ref)
    assert booking.holder_name == "BUDI SANTOSO", "a future booking is in use"
    app.close()

"""The application fixture of the dialog tests, for the web tests too, and one on SQLite only."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import App
from tests.bot.conftest import app, make_app

__all__ = ["app", "sqlite_app"]


@pytest.fixture
def sqlite_app(tmp_path: Path, sqlite_url: str) -> Iterator[App]:
    """The application on SQLite only (long flows, browser tests)."""
    application = make_app(tmp_path, sqlite_url)
    yield application
    application.close()

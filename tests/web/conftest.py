"""The application fixture of the dialog tests, for the web tests too."""

from tests.bot.conftest import app

__all__ = ["app"]

"""Errors of the storage package."""

from __future__ import annotations


class StorageError(Exception):
    """Root of every error raised by ``storage``; database driver errors are wrapped in it."""


class ConflictError(StorageError):
    """A write lost a race it cannot win by retrying (a unique key already taken)."""


class NoConversationRowError(StorageError):
    """A step on the event loop found no row for its chat: the chat's first step makes it, on
    a thread (``storage.loop_conversations``)."""


class WriterBusyError(StorageError):
    """A unit of work opened with ``wait=False`` found the SQLite write lock taken (by a thread
    of this process or by another process); nothing was done."""


class NeedsDatabase(BaseException):
    """A unit of work was opened where ``Database.without_units()`` forbids one (a dialog step
    tried on the event loop with the conversation row alone, see ``bot.dialog``).

    A ``BaseException`` so that no ``except Exception`` on the way turns it into an ordinary
    failure (a citizen told that their submission failed): it must reach the code that forbade
    the unit, which rolls back and applies the step again with a database at hand."""

"""Errors of the storage package."""

from __future__ import annotations


class StorageError(Exception):
    """Root of every error raised by ``storage``; database driver errors are wrapped in it."""


class ConflictError(StorageError):
    """A write lost a race it cannot win by retrying (a unique key already taken)."""


class WriterBusyError(StorageError):
    """A unit of work opened with ``wait=False`` found the SQLite write lock taken (by a thread
    of this process or by another process); nothing was done."""

"""Errors of the ``documents`` package: one root; subclasses also derive from a builtin."""

from __future__ import annotations


class DocumentError(Exception):
    """Root of every error raised by the ``documents`` package."""


class DocumentDataError(DocumentError, ValueError):
    """The data given for a document cannot be printed (missing or impossible values)."""


class FontError(DocumentError, OSError):
    """A font file cannot be found or read."""

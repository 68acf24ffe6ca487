"""Uploaded files (photos of documents): stored by content hash under ``DATA_DIR/uploads``.

The type of a file is detected from its bytes (``filetype``), never taken from its name, so a
renamed executable is not accepted as a photo.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import filetype

from storage.errors import StorageError

_REF: Final = re.compile(r"^file:([0-9a-f]{64})$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file kept for a submission: how to find it again and what it is."""

    ref: str
    mime: str
    """Detected from the content; ``application/octet-stream`` when unknown."""
    size: int


def sniff_mime(data: bytes) -> str:
    """The MIME type of ``data`` judged by its content."""
    kind = filetype.guess(data[:8192])
    return kind.mime if kind is not None else "application/octet-stream"


class FileStore:
    """Content-addressed files on disk (the same photo sent twice is stored once)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def put(self, data: bytes) -> StoredFile:
        """Store ``data`` and describe it."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(path)
        return StoredFile(ref=f"file:{digest}", mime=sniff_mime(data), size=len(data))

    def get(self, ref: str) -> bytes:
        """The bytes of a stored file."""
        match = _REF.match(ref)
        if match is None:
            raise StorageError(f"not a file reference: {ref[:12]}...")
        try:
            return self._path(match.group(1)).read_bytes()
        except OSError as exc:
            raise StorageError("stored file is missing") from exc

    def delete(self, ref: str) -> bool:
        """Remove a stored file (retention, or a citizen's request to delete their data);
        whether there was one to remove."""
        match = _REF.match(ref)
        if match is None:
            return False
        try:
            self._path(match.group(1)).unlink()
        except FileNotFoundError:
            return False
        return True

    def _path(self, digest: str) -> Path:
        return self._root / digest[:2] / digest

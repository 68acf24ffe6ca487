"""The sealing key of ``bot.delivery`` (PINs waiting in the outbox), made once per data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot import delivery
from bot.delivery import Sealer
from bot.worker import PermanentError


def test_a_new_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "secret.key"
    first = Sealer(key_file)
    assert (key_file.stat().st_mode & 0o777) == 0o600
    sealed = first.seal("123456")
    assert sealed != "123456"
    assert Sealer(key_file).open(sealed) == "123456"  # read back, not made again
    assert [p.name for p in key_file.parent.iterdir()] == ["secret.key"]  # no leftovers


def test_workers_starting_at_once_all_use_the_first_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker writes its key while this one is making its own (both saw no file):
    this one must use the key in place, or what either seals the other cannot open."""
    key_file = tmp_path / "secret.key"
    theirs = Fernet.generate_key()
    made = Fernet.generate_key

    def racing() -> bytes:
        key_file.write_bytes(theirs)  # the other worker wins
        return made()

    monkeypatch.setattr(delivery.Fernet, "generate_key", staticmethod(racing))
    mine = Sealer(key_file)
    assert key_file.read_bytes() == theirs
    assert mine.open(Fernet(theirs).encrypt(b"654321").decode()) == "654321"
    assert sorted(os.listdir(tmp_path)) == ["secret.key"]


def test_a_foreign_sealed_value_is_refused(tmp_path: Path) -> None:
    sealed = Sealer(tmp_path / "a.key").seal("123456")
    with pytest.raises(PermanentError):
        Sealer(tmp_path / "b.key").open(sealed)

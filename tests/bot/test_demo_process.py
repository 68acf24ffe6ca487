"""The real ``adminduk-bot demo`` process, killed mid-form and started again: nothing is lost."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest


class DemoProcess:
    """``adminduk-bot demo`` in a child process, typed into line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "demo"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def expect(self, marker: str, timeout: float = 30.0) -> None:
        """Wait until the output shows ``marker``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if marker in line:
                return
        output = "".join(self.seen[-30:])
        raise AssertionError(f"{marker!r} not shown; last output:\n{output}")

    def type(self, line: str) -> None:
        """Type a line and press Enter."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.mark.slow
def test_killed_demo_continues_in_a_new_process(tmp_path: Path, db_url: str) -> None:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": db_url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    first = DemoProcess(env)
    first.expect("Pilih layanan")
    first.type("1")
    first.expect("Tanggal lahir Anda")
    first.type("17-08-2000")
    first.expect("Jenis kelamin")
    first.type("1")
    first.expect("NIK Anda")
    first.type("3371011708000001")
    first.expect("Nama lengkap sesuai Kartu Keluarga")
    first.kill()

    second = DemoProcess(env)
    second.expect("Nama lengkap sesuai Kartu Keluarga")
    second.type("Budi Santoso")
    second.expect("Nomor Kartu Keluarga")
    second.type("/kembali")
    second.expect("Jawaban Anda sebelumnya: BUDI SANTOSO")
    second.type("/keluar")
    assert second.proc.wait(timeout=20) == 0

"""Layering: ``documents`` never imports ``signing``, ``bot`` or ``storage`` (only
``flows.validators``/``flows.text`` of the project); ``signing`` imports no project package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = {"bot", "booking", "documents", "flows", "signing", "storage", "web"}
ALLOWED = {
    "documents": {"documents", "flows.validators", "flows.text"},
    "signing": {"signing"},
}
EXEMPT = {"documents/gallery.py"}  # a composition script: renders and signs the gallery


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    bad: list[str] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in EXEMPT:
            continue
        for name in _imports(path):
            if name.split(".")[0] not in PROJECT:
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in ALLOWED[package]):
                bad.append(f"{relative}: {name}")
    assert bad == []

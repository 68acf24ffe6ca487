"""What a production install brings (``pip install adminduk-bot``, no extras) must cover what the
production packages import: a module that only a development tool happens to pull in (greenlet
came with Playwright) works in the tests and fails on the office's server."""

from __future__ import annotations

import ast
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "booking", "documents", "flows", "signing", "storage", "web")
IMPLICIT = {"greenlet": "SQLAlchemy's asyncio extension (Database.run) runs on it"}


def _runtime_closure(name: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """The distributions ``name`` (with ``extras``) needs at run time, itself included."""
    seen: set[str] = set()
    todo = [(name, extras)]
    while todo:
        dist_name, wanted = todo.pop()
        key = f"{canonicalize_name(dist_name)}[{','.join(sorted(wanted))}]"
        if key in seen:
            continue
        seen.add(key)
        for line in metadata.requires(dist_name) or []:
            req = Requirement(line)
            applies = req.marker is None or any(
                req.marker.evaluate({"extra": extra}) for extra in ({""} | set(wanted))
            )
            if applies:
                todo.append((req.name, frozenset(req.extras)))
    return {key.split("[", 1)[0] for key in seen}


def _imported_top_modules() -> set[str]:
    """Top-level modules imported anywhere in the production packages (lazily too)."""
    names: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}


def test_the_runtime_dependencies_cover_every_import_of_the_production_code() -> None:
    closure = _runtime_closure("adminduk-bot")
    providers = metadata.packages_distributions()
    missing = {
        module: providers.get(module, ["?"])
        for module in _imported_top_modules()
        if not closure & {canonicalize_name(d) for d in providers.get(module, [])}
    }
    for module, why in IMPLICIT.items():
        if canonicalize_name(module) not in closure:
            missing[module] = [why]
    assert not missing, f"imported but not a runtime dependency of adminduk-bot: {missing}"


def test_the_check_sees_a_development_only_module() -> None:
    """The closure leaves out the dev extra: pytest is not in it, although installed."""
    closure = _runtime_closure("adminduk-bot")
    assert "pytest" not in closure
    assert "sqlalchemy" in closure
    assert "pytest" in _runtime_closure("adminduk-bot", frozenset({"dev"}))

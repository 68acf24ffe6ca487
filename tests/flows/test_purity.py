"""The ``flows`` package stays pure: no bot framework, database, PDF, signing, mail or network.

Checked twice: by reading every ``.py`` file under ``flows/`` (``import x``, ``from x import y``,
``importlib.import_module("x")`` and ``__import__("x")``), and by importing every ``flows``
module in a fresh interpreter and looking at ``sys.modules``. Both checks are themselves tested
on a small package that breaks the rule.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"

FORBIDDEN: frozenset[str] = frozenset(
    {
        "aiogram",
        "sqlmodel",
        "sqlalchemy",
        "alembic",
        "reportlab",
        "pyhanko",
        "aiohttp",
        "httpx",
        "requests",
        "urllib3",
        "socket",
        "psycopg",
        "psycopg2",
        "aiosmtplib",
        "smtplib",
        "dns",
    }
)
"""Top-level modules ``flows`` must not import."""

ALLOWED_INDIRECTLY: frozenset[str] = frozenset({"socket"})
"""May be loaded by the standard library on its own behalf (``email.utils``, imported by
``importlib.metadata`` for pydantic, imports ``socket`` for ``make_msgid``), never by ``flows``."""


def forbidden_imports(source: str, filename: str) -> list[str]:
    """``file:line: module`` for each forbidden import in ``source``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in {"import_module", "__import__"} and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names = [first.value]
        found += [
            f"{filename}:{node.lineno}: {name}" for name in names if name.split(".")[0] in FORBIDDEN
        ]
    return found


CHECK_SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    package, forbidden, indirect = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3]
    importers = {}

    class Watch:
        # Records which module asked for each forbidden module, first time it is imported.
        def find_spec(self, name, path=None, target=None):
            top = name.split(".")[0]
            if top in forbidden and name not in importers:
                frame = sys._getframe(1)
                while frame and frame.f_globals.get("__name__", "").startswith(
                    ("importlib", "_frozen_importlib")
                ):
                    frame = frame.f_back
                importers[name] = frame.f_globals.get("__name__", "?") if frame else "?"
            return None

    sys.meta_path.insert(0, Watch())
    root = importlib.import_module(package)
    names = [package] + [
        m.name for m in pkgutil.walk_packages(root.__path__, package + ".")
    ]
    for name in names:
        importlib.import_module(name)
    loaded = {
        name: importers.get(name, "?")
        for name in sys.modules
        if name.split(".")[0] in forbidden
    }
    print(json.dumps({"modules": names, "loaded": loaded}))
    """
)


def imported_at_runtime(package: str, path: Path) -> tuple[list[str], dict[str, str]]:
    """Import every module of ``package`` (found under ``path``) in a fresh interpreter: the
    modules imported, and each forbidden module then loaded with the module that imported it."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK_SCRIPT, package, ",".join(sorted(FORBIDDEN)), ""],
        cwd=path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["modules"], data["loaded"]


def violations(loaded: dict[str, str], package: str) -> list[str]:
    """Forbidden modules loaded, except those the standard library loads for itself."""
    bad = []
    for name, importer in sorted(loaded.items()):
        by_package = importer == package or importer.startswith(package + ".")
        if name.split(".")[0] in ALLOWED_INDIRECTLY and not by_package:
            continue
        bad.append(f"{name} (imported by {importer})")
    return bad


# --- the checks ---------------------------------------------------------------------------------


def test_no_flows_file_imports_a_forbidden_module() -> None:
    files = sorted(FLOWS.rglob("*.py"))
    assert len(files) >= 9, "every module of flows is read"
    found = [
        hit
        for path in files
        for hit in forbidden_imports(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == [], "flows must stay pure:\n" + "\n".join(found)


def test_importing_every_flows_module_loads_no_forbidden_module() -> None:
    modules, loaded = imported_at_runtime("flows", ROOT)
    assert {"flows.engine", "flows.loader", "flows.validators", "flows.state"} <= set(modules)
    assert violations(loaded, "flows") == []


# --- the checks catch what they should ----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import aiogram", "aiogram"),
        ("import sqlalchemy.orm as orm", "sqlalchemy.orm"),
        ("from sqlmodel import Session", "sqlmodel"),
        ("from reportlab.pdfgen import canvas", "reportlab.pdfgen"),
        ("import os, socket", "socket"),
        ("def f():\n    import httpx\n", "httpx"),
        ("try:\n    import requests\nexcept ImportError:\n    pass\n", "requests"),
        ("from smtplib import SMTP", "smtplib"),
        ("import importlib\nimportlib.import_module('pyhanko.sign')", "pyhanko.sign"),
        ("__import__('psycopg')", "psycopg"),
        ("if TYPE_CHECKING:\n    from aiohttp import web\n", "aiohttp"),
    ],
)
def test_the_file_check_finds_forbidden_imports(source: str, module: str) -> None:
    found = forbidden_imports(source, "x.py")
    line = source[: source.index(module.split(".", maxsplit=1)[0])].count("\n") + 1
    assert found == [f"x.py:{line}: {module}"]


@pytest.mark.parametrize(
    "source",
    [
        "import asyncio",
        "from . import socket",
        "from .sqlalchemy import x",
        "import socketserver_like_name_but_not",
        "import json\nfrom dataclasses import dataclass",
        "text = 'import aiogram'",
    ],
)
def test_the_file_check_allows_the_rest(source: str) -> None:
    assert forbidden_imports(source, "x.py") == []


def test_the_runtime_check_finds_a_module_that_breaks_the_rule(tmp_path: Path) -> None:
    package = tmp_path / "impure"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clean.py").write_text("import json\n")
    (package / "sub").mkdir()
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "a_net.py").write_text("import socket\n")
    (package / "sub" / "mail.py").write_text("import smtplib\n")
    modules, loaded = imported_at_runtime("impure", tmp_path)
    assert {"impure.clean", "impure.sub.a_net", "impure.sub.mail"} <= set(modules)
    assert violations(loaded, "impure") == [
        "smtplib (imported by impure.sub.mail)",
        "socket (imported by impure.sub.a_net)",
    ]


def test_the_runtime_check_lets_the_standard_library_load_socket(tmp_path: Path) -> None:
    package = tmp_path / "usesmail"
    package.mkdir()
    (package / "__init__.py").write_text("import email.utils\n")
    _modules, loaded = imported_at_runtime("usesmail", tmp_path)
    assert loaded.get("socket") == "email.utils"
    assert violations(loaded, "usesmail") == []

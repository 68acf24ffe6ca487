"""Importing aiogram without building a validator for each of its types up front.

``aiogram.types`` ends by calling ``model_rebuild`` on all of its ~300 pydantic models, with a
namespace of every type, to resolve their forward references. That builds a complete validator
for each one, and each validator inlines the schemas of the types it reaches: 96 MB of native
memory and 2-3 s of start-up for types the bot mostly never receives (aiogram issue 1513;
measured here: a process importing aiogram grows from 11 to 166 MB, with this module to 64 MB).

:func:`import_aiogram` imports aiogram with those rebuilds deferred: each model keeps pydantic's
placeholder validator, and the names the rebuild would have resolved are put into its module's
namespace (where aiogram imports them only for type checkers). Pydantic then builds a model's
validator the first time it is used, resolving the same names as the eager rebuild would have.
tests/bot/telegram/test_lean.py checks that every type and every method's answer still builds.

Nothing is changed if aiogram was imported before (the eager rebuilds have already happened).
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import pydantic

_lock = threading.Lock()


def import_aiogram() -> None:
    """Import ``aiogram`` (once) with the validators of its types built on first use."""
    with _lock:
        if "aiogram.types" in sys.modules:
            return
        original = pydantic.BaseModel.__dict__["model_rebuild"]
        eager = original.__func__
        deferred: list[tuple[type[Any], dict[str, Any]]] = []

        def defer(cls: type[Any], *args: Any, **kwargs: Any) -> bool | None:
            namespace = kwargs.get("_types_namespace")
            if namespace is not None and cls.__module__.startswith("aiogram.types.") and not args:
                deferred.append((cls, namespace))
                return None
            return eager(cls, *args, **kwargs)  # type: ignore[no-any-return]

        pydantic.BaseModel.model_rebuild = classmethod(defer)  # type: ignore[method-assign,assignment]
        try:
            import aiogram.types  # noqa: F401 - the import is the point
        finally:
            pydantic.BaseModel.model_rebuild = original  # type: ignore[method-assign]
        for cls, namespace in deferred:
            module = sys.modules[cls.__module__].__dict__
            for name, value in namespace.items():
                module.setdefault(name, value)

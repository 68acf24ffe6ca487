"""Core statements compiled once and run on the driver's own connection, for the hottest paths.

SQLAlchemy's ``Connection.execute`` costs about 40 µs of Python per statement even for a cached
compiled statement (execution context, parameter processing, result set set-up, events): on the
dialog step, whose three statements run for every update, that was a third of the step's CPU.
A ``DriverStatement`` keeps what SQLAlchemy would do and drops the rest: the SQL text is
SQLAlchemy's own, compiled once for the engine's dialect (casts, placeholders and all), and
each parameter goes through the same type conversion SQLAlchemy applies (``JSON`` to text and
``DateTime`` to SQLite's text format on SQLite; ``psycopg``'s ``Json`` wrapper on PostgreSQL), so
rows written either way are identical. It runs inside the caller's SQLAlchemy transaction (the
same driver connection), and driver errors become ``StorageError`` as in ``Database.session``.

What it gives up: SQLAlchemy's cursor events (statement counters do not see these statements)
and its disconnect detection on these statements (the pool's pre-ping and the rollback that
follows any error still handle a dropped connection).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Executable

from storage.errors import StorageError

Processor = Callable[[Any], Any] | None


class DriverStatement:
    """One statement for one dialect, executed on the DBAPI cursor of a SQLAlchemy connection."""

    __slots__ = ("_binds", "_errors", "_names", "_positional", "_results", "sql")

    def __init__(
        self,
        statement: Executable,
        dialect: Dialect,
        *,
        column_keys: Sequence[str] | None = None,
        results: Sequence[Any] = (),
    ) -> None:
        """Compile ``statement``; ``column_keys`` names an INSERT's columns, ``results`` lists
        the types of the selected columns (for their result conversion)."""
        compiled = statement.compile(  # type: ignore[attr-defined]
            dialect=dialect, column_keys=list(column_keys) if column_keys is not None else None
        )
        self.sql: str = compiled.string
        """The SQL text, as SQLAlchemy sends it."""
        self._positional: bool = bool(compiled.positional)
        names = compiled.positiontup if self._positional else list(compiled.binds)
        binds: list[tuple[str, Processor]] = []
        for name in names:
            bind = compiled.binds[name]
            if not bind.required:  # pragma: no cover - every hot statement names its values
                raise ValueError(f"bind parameter {name!r} has a fixed value")
            binds.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect)))
        self._binds: tuple[tuple[str, Processor], ...] = tuple(binds)
        self._names: tuple[str, ...] = tuple(name for name, _ in binds)
        self._results: tuple[Processor, ...] = tuple(
            type_.dialect_impl(dialect).result_processor(dialect, None) for type_ in results
        )
        self._errors: type[Exception] = dialect.loaded_dbapi.Error

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run with ``params`` in ``conn``'s transaction; returns the (open) DBAPI cursor."""
        try:
            values = [
                params[name] if process is None else process(params[name])
                for name, process in self._binds
            ]
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            if self._positional:
                cursor.execute(self.sql, values)
            else:
                cursor.execute(self.sql, dict(zip(self._names, values, strict=True)))
        except (self._errors, TypeError, ValueError) as exc:
            # SQLAlchemy wraps both driver errors and failed conversions (StatementError).
            raise StorageError(f"database error: {type(exc).__name__}") from exc
        return cursor

    def run(self, conn: Connection, params: Mapping[str, Any]) -> None:
        """Run a statement that returns no rows."""
        self.execute(conn, params).close()

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run and return the first row (converted like SQLAlchemy's), or ``None``."""
        cursor = self.execute(conn, params)
        try:
            row = cursor.fetchone()
        except self._errors as exc:
            raise StorageError(f"database error: {type(exc).__name__}") from exc
        finally:
            cursor.close()
        if row is None or not self._results:
            return row  # type: ignore[no-any-return]
        return tuple(
            value if process is None else process(value)
            for value, process in zip(row, self._results, strict=True)
        )

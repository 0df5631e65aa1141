"""Bulk loading on PostgreSQL: COPY with the table's secondary indexes and foreign keys dropped
for the load and rebuilt afterwards (what pg_restore does), sequences moved past the ids that
the generator assigned itself, and a progress line with rates."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connection


class Progress:
    """A one-line progress bar on a terminal, log lines otherwise; rates in rows per second."""

    def __init__(
        self, label: str, total: int, *, log: Callable[[str], None] | None = None, every: float = 2.0
    ):
        self.label, self.total, self.log, self.every = label, max(total, 1), log, every
        self.done = 0
        self.started = self.last = time.monotonic()
        self.tty = sys.stderr.isatty()

    def add(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._show(now)

    def _show(self, now: float, end: str = "") -> None:
        share = min(self.done / self.total, 1.0)
        rate = self.done / max(now - self.started, 1e-9)
        eta = (self.total - self.done) / rate if rate else 0
        bar = "#" * int(share * 30)
        line = f"{self.label}: [{bar:<30}] {self.done:,}/{self.total:,} {rate:,.0f}/s, 剩余约 {eta:.0f} s"
        if self.tty and not end:
            sys.stderr.write("\r" + line)
            sys.stderr.flush()
        elif self.log:
            self.log(line)

    def finish(self) -> float:
        now = time.monotonic()
        seconds = now - self.started
        if self.tty:
            sys.stderr.write("\r" + " " * 100 + "\r")
        if self.log:
            rate = self.done / max(seconds, 1e-9)
            self.log(f"{self.label}: {self.done:,} 行，{seconds:.1f} s（{rate:,.0f} 行/s）")
        return seconds


def next_ids(table: str, n: int) -> int:
    """Reserve `n` ids of `table` (its serial sequence) and return the first."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
        (seq,) = cur.fetchone()
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        (top,) = cur.fetchone()
        cur.execute("SELECT setval(%s, %s, true)", [seq, top + n])
    return top + 1


def copy_rows(
    table: str, columns: Iterable[str], rows: Iterable[tuple], progress: Progress | None = None
) -> int:
    """COPY `rows` into `table` (psycopg `cursor.copy`, text format)."""
    cols = ", ".join(columns)
    n = 0
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                n += 1
                if progress is not None and not n % 10_000:
                    progress.add(10_000)
    if progress is not None:
        progress.add(n % 10_000)
    return n


def _secondary(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(constraints to drop: unique and foreign keys; plain indexes) as (name, definition)."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('f', 'u')
            """,
            [table],
        )
        constraints = cur.fetchall()
        cur.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
            """,
            [table],
        )
        indexes = cur.fetchall()
    return constraints, indexes


@contextmanager
def loading(tables: Iterable[str], *, log: Callable[[str], None] | None = None):
    """Drop the tables' secondary indexes, unique constraints and foreign keys; rebuild them on
    exit (the foreign keys and unique constraints then validate every loaded row). Check
    constraints stay: each row is checked as it arrives."""
    saved = {table: _secondary(table) for table in tables}
    with connection.cursor() as cur:
        # Deferred foreign-key checks still pending in this transaction would block ALTER TABLE.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, (constraints, indexes) in saved.items():
            for name, _ in constraints:
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, (constraints, indexes) in saved.items():
                # Unique constraints first (foreign keys of other tables may need them), then
                # indexes, then foreign keys.
                for name, definition in sorted(constraints, key=lambda c: not c[1].startswith("UNIQUE")):
                    if definition.startswith("UNIQUE"):
                        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                for _name, definition in indexes:
                    cur.execute(definition)
                for name, definition in constraints:
                    if not definition.startswith("UNIQUE"):
                        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if log:
            log(f"索引与外键重建：{', '.join(saved)}，{time.monotonic() - started:.1f} s")


def copy_text(table: str, columns: Iterable[str], data: bytes) -> None:
    """COPY already formatted text (tab-separated, \\N for NULL) into `table`."""
    if not data:
        return
    cols = ", ".join(columns)
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            copy.write(data)

"""A throwaway PostgreSQL schema for one benchmark run: created, handed over as a URL whose
``search_path`` points at it, and dropped with everything in it afterwards; and ``settle``,
which makes the server write out an earlier run's leftovers before a timed one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError


@contextmanager
def throwaway_schema(base_url: str, *, prefix: str = "bench") -> Iterator[str]:
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def settle(base_url: str) -> bool:
    """Write out what earlier work left dirty (``CHECKPOINT``), so a timed run does not pay
    for the benchmark before it: the digest benchmark loads and drops a million rows, and the
    checkpoint that follows stalls every commit for a while on a small VM's disk. False when
    the role may not (it needs superuser or ``pg_checkpoint``)."""
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("CHECKPOINT"))
        return True
    except DBAPIError:
        return False
    finally:
        admin.dispose()

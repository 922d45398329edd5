"""Shared fixtures: every persistence, timer and end-to-end test runs on SQLite and, when
``GRIDBOT_TEST_DATABASE_URL`` is set, on PostgreSQL too (each test in its own schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from bot.settings import Settings, load_settings
from models.base import make_engine

pytest_plugins = ["tests.fakes", "tests.e2e.wecom_support"]

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("GRIDBOT_TEST_DATABASE_URL", "")
GENERIC_SECRET = "test-generic-secret-不要外传"


def _backends() -> list[str]:
    backends = ["sqlite"]
    if PG_URL:
        backends.append("postgresql")
    return backends


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("GRIDBOT_REQUIRE_POSTGRES") and not PG_URL:
        raise pytest.UsageError(
            "GRIDBOT_REQUIRE_POSTGRES is set but GRIDBOT_TEST_DATABASE_URL is not")
    if PG_URL:
        try:
            probe = create_engine(PG_URL)
            with probe.connect() as connection:
                connection.execute(text("SELECT 1"))
            probe.dispose()
        except Exception as err:  # CI must fail, never skip, when PostgreSQL is missing
            raise pytest.UsageError(
                f"PostgreSQL at GRIDBOT_TEST_DATABASE_URL unreachable: {err}") from err


@contextmanager
def _pg_schema() -> Iterator[str]:
    """A PostgreSQL URL bound to a fresh schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for one test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/gridbot.db"
        return
    with _pg_schema() as url:
        yield url


_NO_PG = "needs PostgreSQL: set GRIDBOT_TEST_DATABASE_URL (CI always does)"


@pytest.fixture(params=[pytest.param("postgresql", marks=[] if PG_URL else
                                     [pytest.mark.skip(reason=_NO_PG)])])
def pg_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL schema, for behaviour SQLite cannot have (row locks across
    instances). Not parametrised over SQLite at all, so nothing is skipped there."""
    with _pg_schema() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GRIDBOT_GENERIC_SECRET", GENERIC_SECRET)
    monkeypatch.chdir(ROOT)
    return load_settings(ROOT / "config.yaml", database_url=database_url,
                         sweep_interval_seconds=0.5)

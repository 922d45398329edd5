"""The duplicate check's query where the load benchmark leaves it: thousands of open tickets.

Run: ``python -m bench.duplicate_query [--without-index NAME …]`` (prints JSON; PostgreSQL
from ``GRIDBOT_BENCH_DATABASE_URL`` or ``GRIDBOT_TEST_DATABASE_URL`` when set, SQLite always).
Seeds 14,000 tickets in two chats across 40 items, 90 % of them open, all within the 72 h
window, then times ``SqlTickets.recent_report_texts`` (the repository method the check
calls for every report). ``--without-index ix_tickets_chat_item_reported`` shows the query
without the index migration 0006 added.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from bench.pgschema import throwaway_schema
from models.base import make_engine, make_session_factory
from models.migrate import upgrade
from models.tables import TicketRow
from models.uow import SqlUnitOfWork

TICKETS, ITEMS, CALLS = 14_000, 40, 300
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def _rows() -> list[dict[str, Any]]:
    chance = random.Random(9)  # the same tickets on every run and backend
    return [{"chat_id": f"chat-{n % 2}", "item_code": f"{chance.randrange(ITEMS):06d}",
             "status": "duplicate" if chance.random() < 0.1 else "dispatched",
             "reporter_id": "grid-wang", "reporter_name": "王网格员", "tag": f"A{n + 1:04d}",
             "source_message_id": f"m{n}", "source_text": "文山路菜场门口有人跨门经营",
             "reported_at": NOW - timedelta(seconds=(TICKETS - n) / 200),
             "co_departments": [], "disputed_by": []} for n in range(TICKETS)]


def measure(engine: Engine, *, without: list[str]) -> dict[str, Any]:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(insert(TicketRow), _rows())
        for name in without:
            connection.execute(text(f"DROP INDEX {name}"))
        connection.execute(text("ANALYZE"))
    uow = SqlUnitOfWork(make_session_factory(engine), route=lambda chat: "console")
    with uow:
        found = uow.tickets.recent_report_texts("chat-0", "000003",
                                                since=NOW - timedelta(hours=72))
        started = time.perf_counter()
        for _ in range(CALLS):
            uow.tickets.recent_report_texts("chat-0", "000003", since=NOW - timedelta(hours=72))
        per_call = (time.perf_counter() - started) / CALLS
    return {"rows_returned": len(found), "ms_per_call": round(per_call * 1000, 3)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--without-index", action="append", default=[], metavar="NAME")
    args = parser.parse_args(argv)
    base = os.environ.get("GRIDBOT_BENCH_DATABASE_URL") or os.environ.get(
        "GRIDBOT_TEST_DATABASE_URL")
    results = {}
    with tempfile.TemporaryDirectory(prefix="gridbot-dupq-") as tmp, ExitStack() as stack:
        databases = {"sqlite": f"sqlite:///{tmp}/dup.db"}
        if base:
            databases["postgresql"] = stack.enter_context(
                throwaway_schema(base, prefix="bench_dupq"))
        for backend, url in databases.items():
            engine = make_engine(url)
            try:
                results[backend] = measure(engine, without=args.without_index)
            finally:
                engine.dispose()
    sys.stdout.write(json.dumps({"tickets": TICKETS, "without_index": args.without_index,
                                 **results}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

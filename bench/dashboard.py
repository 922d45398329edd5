"""Dashboard queries on a large history: ``python -m bench.dashboard [N]``.

Fills a fresh PostgreSQL schema (``GRIDBOT_BENCH_DATABASE_URL``, default the local test
server) with N tickets spread over a year, two communities and the demo departments, then
times the queries behind the pages for the street and for one station head.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from bench.pgschema import throwaway_schema
from models.base import Base, make_engine
from models.dashboard_queries import Scope, TicketFilter, failing_outbox, get_ticket, list_tickets
from models.dashboard_stats import overview, timeline
from models.tables import TicketRow

URL = os.environ.get("GRIDBOT_BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
DEPARTMENTS = ["zhifa", "shijian", "ludeng", "shuiwu", "yuanlin", "wuye", "zhujian", "huanbao"]
STATUSES = ["closed"] * 8 + ["dispatched", "claimed", "resolved", "cancelled"]


def _rows(n: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    rows = []
    for i in range(1, n + 1):
        at = NOW - timedelta(minutes=rng.randrange(365 * 24 * 60))
        community = rng.choice(["xialing", "dongjiang"])
        rows.append({
            "tag": f"A{i:04d}", "chat_id": f"{community}-grid", "community_id": community,
            "status": rng.choice(STATUSES), "reporter_id": "grid-wang", "reporter_name": "王网格员",
            "source_message_id": f"m{i}", "source_text": f"第{i}号上报 文山路菜场门口跨门经营",
            "reported_at": at, "item_code": "020405", "item_name": "店外经营",
            "department": rng.choice(DEPARTMENTS), "co_departments": [], "urgency": "normal",
            "claim_deadline": at + timedelta(hours=1), "handle_deadline": at + timedelta(days=1),
            "escalation_level": 0, "stage_level": 0, "reopen_count": 0, "claim_reminded": False,
            "handle_reminded": False, "dispute_count": 0, "disputed_by": [], "extension_count": 0})
    return rows


def _time(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()  # warm the caches once, then report the best of the rest
    best = min(_elapsed(fn) for _ in range(repeat))
    return round(best * 1000, 1)


def _elapsed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(n: int = 200_000) -> dict[str, Any]:
    with throwaway_schema(URL, prefix="bench_dashboard") as url:
        engine = make_engine(url)
        try:
            Base.metadata.create_all(engine)
            rows = _rows(n)
            with Session(engine) as session:
                for start in range(0, n, 20_000):
                    session.execute(insert(TicketRow), rows[start:start + 20_000])
                session.commit()
                session.execute(text("ANALYZE"))
            return {"tickets": n, "ms": _measure(engine)}
        finally:
            engine.dispose()


def _measure(engine: Any) -> dict[str, float]:
    tz = ZoneInfo("Asia/Shanghai")
    street, head = Scope(), Scope(community="xialing", chats=("xialing-grid", "@xialing-head"))
    results = {}
    with Session(engine) as s:
        for name, scope in (("street", street), ("station_head", head)):
            results[f"{name}_overview"] = _time(lambda sc=scope: overview(s, scope=sc, now=NOW, tz=tz))
            results[f"{name}_list_page1"] = _time(lambda sc=scope: list_tickets(
                s, scope=sc, filters=TicketFilter(), now=NOW, limit=20, offset=0))
            results[f"{name}_list_overdue"] = _time(lambda sc=scope: list_tickets(
                s, scope=sc, filters=TicketFilter(overdue=True), now=NOW, limit=20, offset=0))
            results[f"{name}_search_text"] = _time(lambda sc=scope: list_tickets(
                s, scope=sc, filters=TicketFilter(query="第12345号"), now=NOW, limit=20, offset=0))
            results[f"{name}_failing_outbox"] = _time(lambda sc=scope: failing_outbox(s, scope=sc))
        results["ticket_with_timeline"] = _time(
            lambda: timeline(s, get_ticket(s, scope=street, tag="A12345")))  # type: ignore[arg-type]
    return results


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000), indent=2))  # noqa: T201

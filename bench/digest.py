"""Digest and scorecard speed on 1,000,000 historical tickets in PostgreSQL.

Run: ``python -m bench.digest`` (prints JSON). Seeds a dedicated schema with COPY, runs the
real queries (models/reporting.py) and the real rendering, then drops the schema.
Database: ``GRIDBOT_BENCH_DATABASE_URL`` (default the CI server, database ``test``).
Targets (issue #8): one community's daily digest < 500 ms, a street's yearly scorecard < 5 s.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bench.pgschema import throwaway_schema
from dispatcher.digest import DigestContext, render_digest
from models.base import make_engine
from models.migrate import upgrade
from models.reporting import digest_data, scorecards

URL = os.environ.get("GRIDBOT_BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
TICKETS = int(os.environ.get("GRIDBOT_BENCH_TICKETS", "1000000"))
COMMUNITIES = [f"c{i:02d}" for i in range(20)]
DEPARTMENTS = ["zhifa", "zhujian", "shijian", "gongan", "jiaojing", "huanbao", "ziran",
               "jiaotong", "shuiwu", "gongdian", "ranqi", "tongxin", "yuanlin", "ludeng",
               "wuye", "shequ", "jiedao", "weijian", "minzheng", "xiaofang"]
TZ = ZoneInfo("Asia/Shanghai")
END = datetime(2026, 3, 3, 0, 0, tzinfo=TZ)  # "today" of the digest
START = END - timedelta(days=365)
ROUNDS = 5  # median of five runs: the machine is shared

TICKET_COLS = ("tag", "chat_id", "community_id", "status", "reporter_id", "reporter_name",
               "source_message_id", "source_text", "reported_at", "item_code", "item_name",
               "department", "co_departments", "urgency", "claim_deadline", "handle_deadline",
               "claimed_at", "resolved_at", "closed_at", "escalation_level", "stage_level",
               "reopen_count", "claim_reminded", "handle_reminded", "dispute_count",
               "clock_started_at", "disputed_by", "extension_count")


def _ticket(n: int, rng: random.Random) -> tuple[Any, ...]:
    reported = START + timedelta(seconds=rng.randrange(int((END - START).total_seconds())))
    community = COMMUNITIES[n % len(COMMUNITIES)]
    department = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
    claim_deadline = reported + timedelta(hours=1)
    handle_deadline = reported + timedelta(days=rng.choice((1, 2, 5)))
    recent = END - reported < timedelta(days=10)
    claimed = reported + timedelta(minutes=rng.expovariate(1 / 40))
    resolved = claimed + timedelta(hours=rng.expovariate(1 / 20))
    still_open = recent and rng.random() < 0.3
    status = rng.choice(("dispatched", "claimed")) if still_open else "closed"
    if status == "dispatched":
        claimed_at = resolved_at = closed_at = None
    else:
        claimed_at = claimed
        resolved_at = None if status == "claimed" else resolved
        closed_at = None if status == "claimed" else resolved + timedelta(hours=2)
    level = rng.choices((0, 1, 2, 3), weights=(85, 9, 4, 2))[0]
    return (f"B{n:07d}", f"{community}-grid", community, status, "w", "网格员", f"m{n}",
            "文山路菜场门口有人跨门经营", reported, "020405", "店外经营", department, "[]",
            "normal", claim_deadline, handle_deadline, claimed_at, resolved_at, closed_at,
            level, 0, rng.choices((0, 1), weights=(95, 5))[0], False, False, 0, reported,
            "[]", rng.choices((0, 1), weights=(97, 3))[0])


def seed(schema_url: str) -> dict[str, float]:
    """COPY 1M tickets, their dispute events and 1M inbound messages into the schema."""
    import psycopg

    rng = random.Random(8)
    started = time.perf_counter()
    dsn = schema_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY tickets ({', '.join(TICKET_COLS)}) FROM STDIN") as copy:
            for n in range(TICKETS):
                copy.write_row(_ticket(n, rng))
        with cur.copy("COPY ticket_events (ticket_tag, kind, at, detail) FROM STDIN") as copy:
            for n in range(0, TICKETS, 20):  # 5% of tickets disputed once
                at = START + timedelta(minutes=n % 500_000)
                copy.write_row((f"B{n:07d}", "dispute", at,
                                json.dumps({"department": DEPARTMENTS[n % len(DEPARTMENTS)]})))
        with cur.copy("COPY inbound_messages (channel, message_id, chat_id, chat_type, "
                      "sender_id, sender_name, text, sent_at, received_at, mentions, "
                      "mentions_bot, recalled, status, decision, tickets) FROM STDIN") as copy:
            for n in range(TICKETS):
                at = START + timedelta(seconds=rng.randrange(int((END - START).total_seconds())))
                copy.write_row(("bench", f"i{n}", f"{COMMUNITIES[n % 20]}-grid", "group", "w",
                                "网格员", "有个东西坏了", at, at, "[]", False, False, "done",
                                "triage" if n % 10 == 0 else "dispatch", "[]"))
        cur.execute("ANALYZE")
    return {"seed_s": round(time.perf_counter() - started, 1)}


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def measure(engine: Any) -> dict[str, Any]:
    now = END + timedelta(hours=8, minutes=30)
    since = END - timedelta(days=1)
    ctx = DigestContext(community_name="下菱社区", tz=TZ, public_url="http://127.0.0.1:8000",
                        label=lambda d: d or "—")
    with Session(engine) as session:
        def digest() -> str:
            data = digest_data(session, community_id="c07", chat_id="c07-grid",
                               day=date(2026, 3, 3), since=since, now=now,
                               month_start=datetime(2026, 3, 1, tzinfo=TZ))
            return render_digest(data, ctx)

        def year() -> Any:
            return scorecards(session, start=START, end=END, as_of=now)

        digest_ms, text_out = _timed(digest)
        year_ms, cards = _timed(year)
    return {"tickets": TICKETS, "digest_ms_median": round(digest_ms, 1),
            "digest_bytes": len(text_out.encode()), "digest_target_ms": 500,
            "year_scorecard_ms_median": round(year_ms, 1), "year_scorecard_target_ms": 5000,
            "departments": len(cards), "scored_tickets": sum(c.dispatched for c in cards)}


def run() -> dict[str, Any]:
    with throwaway_schema(URL, prefix="bench_digest") as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            result = seed(url)
            result.update(measure(engine))
            result["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            return result
        finally:
            engine.dispose()


if __name__ == "__main__":
    json.dump(run(), sys.stdout, ensure_ascii=False, indent=2)
    print()  # noqa: T201

"""Load: signed generic-webhook messages at a fixed rate against a real ``gridbot serve``.

Run: ``python -m bench.load [--rate 200] [--seconds 60] [--backend sqlite|postgresql|both]``.
Loopback only, bounded in count (rate × seconds) and time. Measures the acknowledgement
latency, the end-to-end time from sending a report to its outgoing @-mention arriving at the
bridge, and proves that every accepted message produced exactly one decision.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from bench.harness import (
    INBOUND_PATH,
    ROOT,
    Arrival,
    ReceiverProcess,
    Service,
    message_body,
    signed_headers,
    write_config,
)
from bench.pgschema import settle, throwaway_schema
from models.tables import InboundRow, OutboxRow, TicketRow

TARGETS = {"ack_p99_ms": 50.0, "e2e_p99_ms": 1000.0, "lost": 0, "undecided_when_drain_ended": 0}
CHATS = (("xialing-grid", ("grid-wang", "王网格员"), ("xialing-head", "下菱社区站长")),
         ("dongjiang-grid", ("grid-zhao", "赵网格员"), ("dongjiang-head", "东江社区站长")))
CHATTERERS = (("zhifa-1", "综合执法联络员"), ("shijian-1", "市场监管联络员"),
              ("wuye-1", "物业联络员"))
DRAIN_SECONDS = 120


@dataclass(frozen=True)
class Planned:
    message_id: str
    kind: str  # report | chatter | command
    body: bytes


def _devset(intent: str) -> list[str]:
    with (ROOT / "tests" / "data" / "devset.csv").open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if row["intent"] == intent]


def plan(count: int, *, run_id: str) -> list[Planned]:
    """Half reports, a third chatter, the rest commands on tickets opened earlier."""
    reports, chatter = _devset("report"), _devset("chatter")
    planned = []
    for i in range(count):
        chat, worker, head = CHATS[i % 2]
        slot = i % 20
        if slot < 10:
            kind, sender, words = "report", worker, reports[i % len(reports)]
        elif slot < 17:
            kind, sender, words = "chatter", CHATTERERS[i % 3], chatter[i % len(chatter)]
        elif slot < 19:
            kind, sender, words = "command", head, f"进度 A{1 + i // 40:04d}"
        else:
            kind, sender, words = "command", CHATTERERS[0], f"认领 A{1 + i // 40:04d}"
        message_id = f"{run_id}-{i}"
        planned.append(Planned(message_id, kind, message_body(
            message_id, chat=chat, sender=sender, text=words, mentions_bot=kind == "command")))
    return planned


@dataclass
class Sent:
    started: dict[str, float] = field(default_factory=dict)
    ack_ms: list[float] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    max_lag_ms: float = 0.0


CONNECTIONS = 32  # keep-alive connections the load generator keeps open


async def _connection(host: str, port: int, queue: asyncio.Queue[tuple[float, Planned] | None],
                      sent: Sent) -> None:
    """One keep-alive HTTP/1.1 connection taking messages off the schedule's queue.

    A hand-written client on purpose: httpx's connection pool costs more CPU per request
    than the service under test, which would make the load generator the bottleneck.
    """
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (entry := await queue.get()) is not None:
            due, item = entry
            head = (f"POST {INBOUND_PATH} HTTP/1.1\r\nHost: {host}\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in signed_headers(item.body).items())
                    + f"Content-Length: {len(item.body)}\r\n\r\n").encode()
            sent.started[item.message_id] = time.monotonic()
            writer.write(head + item.body)
            status, body = await _read_response(reader)
            # From the scheduled moment: waiting for a free connection counts too.
            sent.ack_ms.append((time.monotonic() - due) * 1000)
            sent.statuses[status] += 1
            if status == 200 and b'"duplicate":false' in body.replace(b" ", b""):
                sent.accepted.add(item.message_id)
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(lines[0].split()[1]), body


async def drive(base_urls: list[str], items: list[Planned], *, rate: float) -> Sent:
    """Fixed-rate schedule: message i is due at t0 + i/rate, whatever the answers do.
    With several instances the connections are spread over them evenly."""
    sent = Sent()
    addresses = [url.removeprefix("http://").split(":") for url in base_urls]
    queue: asyncio.Queue[tuple[float, Planned] | None] = asyncio.Queue()
    workers = [asyncio.create_task(_connection(addresses[i % len(addresses)][0],
                                               int(addresses[i % len(addresses)][1]),
                                               queue, sent))
               for i in range(CONNECTIONS)]
    t0 = time.monotonic()
    for i, item in enumerate(items):
        due = t0 + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            sent.max_lag_ms = max(sent.max_lag_ms, -delay * 1000)
        queue.put_nowait((due, item))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return sent


def _pending(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            inbound = connection.scalar(select(func.count()).select_from(InboundRow)
                                        .where(InboundRow.status == "pending"))
            outbox = connection.scalar(select(func.count()).select_from(OutboxRow)
                                       .where(OutboxRow.status == "pending"))
        return int(inbound or 0) + int(outbox or 0)
    finally:
        engine.dispose()


async def drain(url: str) -> float:
    """Wait until nothing is pending (bounded); returns how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        if await asyncio.to_thread(_pending, url) == 0:
            break
        await asyncio.sleep(0.2)
    return time.monotonic() - started


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1)


def verify(url: str, sent: Sent, arrivals: list[Arrival]) -> dict[str, Any]:
    """Count from the database: one decision per accepted message, nothing lost or doubled."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            inbound = connection.execute(select(
                InboundRow.message_id, InboundRow.status, InboundRow.decision,
                InboundRow.tickets)).all()
            tickets = connection.execute(select(TicketRow.tag)).scalars().all()
            outbox = connection.execute(select(
                OutboxRow.chat_id, OutboxRow.ticket, OutboxRow.event, OutboxRow.text,
                OutboxRow.status)).all()
    finally:
        engine.dispose()
    stored = {row.message_id for row in inbound}
    decided = [row for row in inbound if row.status == "done" and row.decision]
    delivered = Counter((a.body["chat_id"], a.body["ticket"], a.body["event"], a.body["text"])
                        for a in arrivals)
    queued = Counter((r.chat_id, r.ticket, r.event, r.text) for r in outbox)
    return {
        "accepted": len(sent.accepted),
        "stored": len(stored),
        "decided": len(decided),
        "inbound_status": dict(Counter(row.status for row in inbound)),
        # Lost: acknowledged but not stored, or stored and failed. Still pending when the
        # bounded drain ended is not lost (it stays in the inbox) but misses the target.
        "lost": len(sent.accepted - stored) + sum(1 for r in inbound if r.status == "failed"),
        "undecided_when_drain_ended": len(sent.accepted - {row.message_id for row in decided}),
        "tickets": len(tickets), "duplicate_ticket_tags": len(tickets) - len(set(tickets)),
        "outbox": len(outbox), "outbox_status": dict(Counter(r.status for r in outbox)),
        "delivered": len(arrivals),
        "delivered_not_once": sum(1 for key, n in delivered.items() if n != queued.get(key)),
        "e2e_ms": _end_to_end(inbound, sent, arrivals),
    }


def _end_to_end(inbound: Any, sent: Sent, arrivals: list[Arrival]) -> list[float]:
    """Send of a report → first outgoing message with an @-mention about its ticket."""
    first: dict[str, float] = {}
    for arrival in arrivals:
        tag = arrival.body.get("ticket")
        if tag and arrival.body.get("mentions") and tag not in first:
            first[tag] = arrival.at
    times = []
    for row in inbound:
        arrivals = [first[tag] for tag in row.tickets or () if tag in first]
        if arrivals and row.message_id in sent.started:
            times.append((min(arrivals) - sent.started[row.message_id]) * 1000)
    return times


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    """A fresh database: a file for SQLite, a dedicated schema for PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/gridbot.db"
        return
    base = _postgres_base()
    if not base:
        raise SystemExit("set GRIDBOT_BENCH_DATABASE_URL (or GRIDBOT_TEST_DATABASE_URL)")
    with throwaway_schema(base, prefix="bench_load") as url:
        yield url


def _settle() -> None:
    """Before a timed run: PostgreSQL writes out what earlier runs left dirty, and the OS its
    dirty pages (either would otherwise stall this run's commits midway on a small disk)."""
    base = _postgres_base()
    if base:
        settle(base)
    os.sync()


def _postgres_base() -> str:
    return os.environ.get("GRIDBOT_BENCH_DATABASE_URL") or os.environ.get(
        "GRIDBOT_TEST_DATABASE_URL", "")


async def run_backend(backend: str, *, rate: float, seconds: float,
                      instances: int = 1) -> dict[str, Any]:
    if instances > 1 and backend != "postgresql":
        raise SystemExit("several instances need PostgreSQL")
    _settle()
    with tempfile.TemporaryDirectory(prefix="gridbot-load-") as tmp, \
            database(backend, Path(tmp)) as url:
        receiver = ReceiverProcess(Path(tmp) / "arrivals.jsonl").start()
        config = write_config(Path(tmp), database_url=url, callback_url=receiver.url)
        services = [Service(config, log_path=Path(tmp) / f"serve-{n}.log")
                    for n in range(instances)]
        try:
            for service in services:
                await asyncio.to_thread(service.start)
                # ready = the worker has warmed up and runs its loops (it logs so)
                await asyncio.to_thread(service.started_workers)
            cpu_at_start = sum(service.cpu_seconds() for service in services)
            items = plan(int(rate * seconds), run_id=uuid.uuid4().hex[:8])
            started = time.monotonic()
            sent = await drive([service.url for service in services], items, rate=rate)
            sending_s = time.monotonic() - started
            drain_s = await drain(url)
            cpu_s = sum(service.cpu_seconds() for service in services) - cpu_at_start
        finally:
            for service in services:
                await asyncio.to_thread(service.stop)
            receiver.stop()
        counts = await asyncio.to_thread(verify, url, sent, receiver.arrivals())
    e2e = counts.pop("e2e_ms")
    return {"backend": backend, "instances": instances, "rate": rate, "seconds": seconds, "sent": len(items),
            "sending_s": round(sending_s, 1), "scheduler_max_lag_ms": round(sent.max_lag_ms, 1),
            "http_status": dict(sent.statuses),
            "ack_p50_ms": _percentile(sent.ack_ms, 0.5), "ack_p99_ms": _percentile(sent.ack_ms, 0.99),
            "e2e_reports": len(e2e), "e2e_p50_ms": _percentile(e2e, 0.5),
            "e2e_p99_ms": _percentile(e2e, 0.99), "drain_after_send_s": round(drain_s, 1),
            "service_cpu_s": round(cpu_s, 1),
            "service_cpu_ms_per_message": round(cpu_s * 1000 / len(items), 2),
            **counts}


def run(*, rate: float = 200, seconds: float = 60, backends: tuple[str, ...] = ("postgresql", "sqlite"),
        instances: int = 1) -> list[dict[str, Any]]:
    return [asyncio.run(run_backend(b, rate=rate, seconds=seconds, instances=instances))
            for b in backends]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--instances", type=int, default=1,
                        help="gridbot serve processes on one PostgreSQL database")
    args = parser.parse_args(argv)
    backends = ("postgresql", "sqlite") if args.backend == "both" else (args.backend,)
    results = run(rate=args.rate, seconds=args.seconds, backends=backends,
                  instances=args.instances)
    sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Two ``gridbot serve`` processes on one PostgreSQL database, no proxy in front: a mixed load
(reports, the same message delivered to both, commands, due timers) happens exactly once."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from bench.harness import Receiver, Service, message_body
from models.tables import TicketEventRow
from tests.conftest import PG_URL
from tests.e2e.process_support import (
    assert_exactly_once,
    assert_timers_fired_once,
    config_for,
    post,
    report,
    rows,
    seed_overdue_tickets,
    settled,
    timers_done,
)
from tests.live import wait_for


def _mixed_load(seeded: int) -> list[tuple[str, bytes]]:
    """Reports, chatter and commands on tickets the reports open (tags follow the ids)."""
    load = []
    for i in range(60):
        load.append(report(i, prefix="multi"))
        if i % 4 == 0:
            tag = f"A{seeded + 1 + i // 2:04d}"
            chat, who = ("xialing-grid", ("zhifa-1", "综合执法联络员")) if i % 8 == 0 else \
                ("dongjiang-grid", ("dongjiang-head", "东江社区站长"))
            words = f"认领 {tag}" if i % 8 == 0 else f"进度 {tag}"
            message_id = f"cmd-{i}"
            load.append((message_id, message_body(message_id, chat=chat, sender=who,
                                                  text=words, mentions_bot=True)))
        if i % 5 == 0:
            message_id = f"chat-{i}"
            load.append((message_id, message_body(
                message_id, chat="xialing-grid", sender=("wuye-1", "物业联络员"), text="收到")))
    return load


@pytest.mark.skipif(not PG_URL, reason="several instances share one PostgreSQL database")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_instances_do_everything_exactly_once(
        tmp_path: Path, database_url: str, engine: Engine, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = config_for(tmp_path, database_url, receiver.url)
    tags = seed_overdue_tickets(config, engine, monkeypatch, count=6)
    load = _mixed_load(len(tags))
    with Service(config, log_path=tmp_path / "a.log") as first, \
            Service(config, log_path=tmp_path / "b.log") as second, \
            httpx.Client(base_url=first.url, timeout=30) as to_first, \
            httpx.Client(base_url=second.url, timeout=30) as to_second:
        clients = (to_first, to_second)

        def deliver(index: int) -> list[int]:
            body = load[index][1]
            if index % 3 == 0:  # the same message to both instances at once
                with ThreadPoolExecutor(2) as both:
                    return [r.status_code for r in both.map(lambda c: post(c, body), clients)]
            return [post(clients[index % 2], body).status_code]

        with ThreadPoolExecutor(8) as pool:
            statuses = [s for answer in pool.map(deliver, range(len(load))) for s in answer]
        assert set(statuses) == {200}
        wait_for(lambda: settled(engine) and timers_done(engine, tags), timeout=120)

    assert_exactly_once(engine, [message_id for message_id, _ in load])
    assert_timers_fired_once(engine, tags)
    events = Counter((r.ticket_tag, r.kind, r.message_id) for r in rows(
        engine, TicketEventRow.ticket_tag, TicketEventRow.kind, TicketEventRow.message_id)
        if r.message_id)
    assert [k for k, n in events.items() if n > 1] == [], "a message acted twice on a ticket"
    delivered = Counter((a.body["chat_id"], a.body["ticket"], a.body["event"], a.body["text"])
                        for a in receiver.arrivals)
    assert [k for k, n in delivered.items() if n > 1] == [], "a message was delivered twice"


"""Helpers for the tests that run real ``gridbot serve`` processes (faults, multi-instance)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from bench.harness import (
    INBOUND_PATH,
    SECRET,
    message_body,
    signed_headers,
    write_config,
)
from bot.services import build_services
from bot.settings import load_settings
from dispatcher.clock import VirtualClock
from dispatcher.messages import InboundMessage
from models.migrate import upgrade
from models.tables import InboundRow, OutboxRow, TicketEventRow, TicketRow

CHATS = (("xialing-grid", ("grid-wang", "王网格员")), ("dongjiang-grid", ("grid-zhao", "赵网格员")))
# Distinct road names, so that no report is linked to another as a duplicate.
ROADS = [a + b + c + "路" for a in "东西南北中" for b in "山水林田湖海江河" for c in "一二三四五"]


def report(i: int, *, prefix: str) -> tuple[str, bytes]:
    """Report number ``i``: one new ticket for 综合执法 in one of the two grid chats."""
    chat, sender = CHATS[i % 2]
    message_id = f"{prefix}-{i}"
    return message_id, message_body(message_id, chat=chat, sender=sender,
                                    text=f"{ROADS[i % len(ROADS)]}菜场门口有人跨门经营")


def post(client: httpx.Client, body: bytes) -> httpx.Response:
    return client.post(INBOUND_PATH, content=body, headers=signed_headers(body))


def config_for(tmp_path: Path, database_url: str, callback_url: str) -> Path:
    directory = tmp_path / f"config-{len(list(tmp_path.glob('config-*')))}"
    directory.mkdir()
    # Backoff capped at 8 s: a recovered bridge is retried within the tests' waits.
    return write_config(directory, database_url=database_url, callback_url=callback_url,
                        sweep_interval=0.5, max_backoff_seconds=8)


def seed_overdue_tickets(config: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                         count: int = 4) -> list[str]:
    """Open ``count`` tickets ten days ago, so every reminder and escalation is now due."""
    monkeypatch.setenv("GRIDBOT_GENERIC_SECRET", SECRET)
    upgrade(engine)
    past = datetime.now(UTC) - timedelta(days=10)
    services = build_services(load_settings(config), clock=VirtualClock(past), engine=engine)
    for i in range(count):
        chat, sender = CHATS[i % 2]
        services.inbox.accept(InboundMessage(
            channel="generic:bridge", message_id=f"seed-{i}", chat_id=chat,
            sender_id=sender[0], sender_name=sender[1], sent_at=past,
            text=f"{ROADS[-1 - i]}菜场门口有人跨门经营"))
    services.inbox.process_pending()
    with engine.connect() as connection:
        tags = connection.scalars(select(TicketRow.tag).where(
            TicketRow.next_timer_at <= datetime.now(UTC))).all()
    assert len(tags) == count, "every seeded ticket has a timer already due"
    return [str(tag) for tag in tags]


def rows(engine: Engine, *columns: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(*columns)).all())


def settled(engine: Engine) -> bool:
    """Nothing left to do: every inbound message processed, every outbox row delivered."""
    inbound = rows(engine, InboundRow.status)
    outbox = rows(engine, OutboxRow.status)
    return all(r.status == "done" for r in inbound) and all(r.status == "sent" for r in outbox)


def timers_done(engine: Engine, tags: list[str]) -> bool:
    """Every seeded ticket reached its last escalation level."""
    events = rows(engine, TicketEventRow.ticket_tag, TicketEventRow.kind, TicketEventRow.detail)
    top = {e.ticket_tag for e in events if e.kind == "escalation" and e.detail.get("level") == 3}
    return set(tags) <= top


def assert_exactly_once(engine: Engine, acknowledged: Iterable[str]) -> None:
    """Every acknowledged message: one row, one decision; no ticket or outbox row twice."""
    inbound = {r.message_id: r for r in rows(engine, InboundRow.message_id, InboundRow.status,
                                             InboundRow.decision)}
    for message_id in acknowledged:
        row = inbound.get(message_id)
        assert row is not None, f"acknowledged message {message_id} was lost"
        assert row.status == "done" and row.decision, f"{message_id} has no decision"
    sources = Counter(r.source_message_id for r in rows(engine, TicketRow.source_message_id))
    assert [s for s, n in sources.items() if n > 1] == [], "a message opened two tickets"
    outbox = Counter((r.chat_id, r.ticket, r.event, r.level, r.text) for r in rows(
        engine, OutboxRow.chat_id, OutboxRow.ticket, OutboxRow.event, OutboxRow.level,
        OutboxRow.text))
    assert [k for k, n in outbox.items() if n > 1] == [], "an outgoing message was queued twice"


def assert_timers_fired_once(engine: Engine, tags: list[str]) -> None:
    """Each seeded ticket: one reminder and escalation levels 1, 2, 3, each exactly once."""
    events = rows(engine, TicketEventRow.ticket_tag, TicketEventRow.kind, TicketEventRow.detail)
    for tag in tags:
        fired = Counter((e.kind, json.dumps(e.detail, sort_keys=True)) for e in events
                        if e.ticket_tag == tag and e.kind in ("reminder", "escalation"))
        assert all(n == 1 for n in fired.values()), f"{tag}: a timer fired twice: {fired}"
        levels = sorted(json.loads(d)["level"] for k, d in fired if k == "escalation")
        assert levels == [1, 2, 3], f"{tag}: escalations {levels}"
        assert sum(1 for k, _ in fired if k == "reminder") == 1
    escalations = Counter((r.ticket, r.level) for r in rows(engine, OutboxRow.ticket,
                                                             OutboxRow.level, OutboxRow.event)
                          if r.event == "escalation" and r.ticket in tags)
    assert sorted(escalations.values()) == [1] * (3 * len(tags))

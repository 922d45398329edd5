"""Replay files for disputes, rulings, precedents, extensions, verification, duplicates,
authorization, ticket naming and recalls: the event sequence each one must produce."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.replay import read_replay, run_replay
from bot.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "replay"
TIMERS = {"reminder", "escalation"}
SCHEDULED = {"digest"}  # station-head digests: asserted in tests/e2e/test_replay_digest.py


def _replay(settings: Settings, engine: Engine, name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return run_replay(settings, read_replay(lines), engine=engine)


def _said(out: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """(event, ticket) of every message the bot sent in answer to people (timers and
    scheduled digests left out)."""
    return [(o["event"], o["ticket"]) for o in out
            if o["kind"] == "message" and o["event"] not in TIMERS | SCHEDULED]


def _tickets(out: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in out if o["kind"] == "ticket"}


def _message(out: list[dict[str, Any]], event: str, ticket: str) -> dict[str, Any]:
    return next(o for o in out if o["kind"] == "message" and o["event"] == event
                and o["ticket"] == ticket)


def test_dispute_goes_to_the_next_candidate_who_accepts(settings: Settings,
                                                       engine: Engine) -> None:
    out = _replay(settings, engine, "dispute_next_candidate.jsonl")
    assert _said(out) == [("dispatch", "A0001"), ("dispute", "A0001"), ("claim_ack", "A0001"),
                          ("resolve_ack", "A0001"), ("closed", "A0001")]
    dispute = _message(out, "dispute", "A0001")
    assert dispute["mentions"][0] == "shijian-1" and "菜场里面的摊位" in dispute["text"]
    ticket = _tickets(out)["A0001"]
    assert ticket["department"] == "shijian" and ticket["status"] == "closed"
    assert ticket["claim_deadline"] == "2026-03-02T10:10:00+08:00"  # fresh from the dispute


def test_dispute_ruling_becomes_a_precedent_for_the_next_dispatch(
        settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "dispute_ruling_precedent.jsonl")
    assert _said(out) == [
        ("dispatch", "A0001"), ("dispute", "A0001"), ("transfer", "A0001"),
        ("claim_ack", "A0001"), ("dispatch", "A0002"), ("dispute", "A0002"),
        ("claim_ack", "A0002")]
    # No convincing runner-up: the station head is asked for a ruling.
    assert _message(out, "dispute", "A0001")["mentions"] == ["xialing-head"]
    assert "先例 #1" in _message(out, "transfer", "A0001")["text"]
    # The precedent changed the next dispatch: 店外经营 went to 市监 …
    assert _message(out, "dispatch", "A0002")["mentions"] == ["shijian-1"]
    # … who disputed it naming 城管: the list's owner was asked and accepted.
    assert _message(out, "dispute", "A0002")["mentions"] == ["zhifa-1"]
    tickets = _tickets(out)
    assert tickets["A0001"]["department"] == "shijian"
    assert tickets["A0001"]["claim_deadline"] == "2026-03-02T10:30:00+08:00"  # fresh clocks
    assert tickets["A0002"]["department"] == "zhifa"
    assert tickets["A0002"]["item_code"] == tickets["A0001"]["item_code"]
    assert tickets["A0002"]["status"] == "claimed"


def test_ruling_gives_the_case_back_with_its_original_deadlines(
        settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "dispute_given_back.jsonl")
    assert _said(out) == [("dispatch", "A0001"), ("dispute", "A0001"), ("transfer", "A0001"),
                          ("claim_ack", "A0001"), ("resolve_ack", "A0001"), ("closed", "A0001")]
    timers = [(o["at"], o["event"], o["level"]) for o in out
              if o["kind"] == "message" and o["event"] in TIMERS]
    assert timers == [
        ("2026-03-02T10:30:00+08:00", "escalation", 2),  # the station head's ruling clock
        ("2026-03-02T14:30:00+08:00", "escalation", 1),  # the held claim clock, counted
        ("2026-03-02T14:30:00+08:00", "escalation", 2),
        ("2026-03-02T14:40:00+08:00", "escalation", 1),  # the handling clock, claimed late
        ("2026-03-02T15:00:00+08:00", "escalation", 2),
    ]
    ticket = _tickets(out)["A0001"]
    assert ticket["claim_deadline"] == "2026-03-02T10:00:00+08:00"
    assert ticket["handle_deadline"] == "2026-03-02T11:00:00+08:00"
    assert ticket["status"] == "closed"


def test_extension_approved_and_refused(settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "extension.jsonl")
    assert _said(out) == [
        ("dispatch", "A0001"), ("claim_ack", "A0001"), ("extension_request", "A0001"),
        ("extension_decision", "A0001"), ("dispatch", "A0002"), ("claim_ack", "A0002"),
        ("extension_request", "A0002"), ("extension_decision", "A0002"),
        ("resolve_ack", "A0002"), ("closed", "A0002"), ("resolve_ack", "A0001"),
        ("closed", "A0001")]
    # 广播喇叭招揽顾客: 主办 公安 with 协办 城管, both mentioned; the lead owns the clock.
    assert _message(out, "dispatch", "A0001")["mentions"] == ["gongan-1", "zhifa-1"]
    assert _message(out, "extension_request", "A0001")["mentions"] == ["xialing-head"]
    tickets = _tickets(out)
    assert tickets["A0001"]["handle_deadline"] == "2026-03-04T11:00:00+08:00"  # +2 工作日
    assert tickets["A0002"]["handle_deadline"] == "2026-03-02T12:00:00+08:00"  # refused
    assert not [o for o in out if o["kind"] == "message" and o["ticket"] == "A0001"
                and o["event"] in TIMERS]  # extended in time: no reminder, no escalation


def test_reopen_then_silent_auto_close(settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "reopen_autoclose.jsonl")
    assert _said(out) == [("dispatch", "A0001"), ("claim_ack", "A0001"),
                          ("resolve_ack", "A0001"), ("reopened", "A0001"),
                          ("resolve_ack", "A0001"), ("closed", "A0001")]
    assert _message(out, "closed", "A0001")["at"] == "2026-03-03T10:00:00+08:00"
    ticket = _tickets(out)["A0001"]
    assert ticket["reopen_count"] == 1 and ticket["status"] == "closed"
    assert ticket["handle_deadline"] == "2026-03-02T11:00:00+08:00"


def test_duplicates_within_and_beyond_72_hours_and_merge(settings: Settings,
                                                        engine: Engine) -> None:
    out = _replay(settings, engine, "duplicates.jsonl")
    assert _said(out) == [
        ("dispatch", "A0001"), ("duplicate", "A0002"), ("dispatch", "A0003"),
        ("merge", "A0003"), ("merge", "A0003"), ("claim_ack", "A0001"),
        ("claim_ack", "A0003"), ("dispatch", "A0004")]
    duplicate = _message(out, "duplicate", "A0002")
    assert duplicate["mentions"] == ["grid-wang"]  # the reporter, not the department
    assert "A0001" in duplicate["text"] and "待认领" in duplicate["text"]
    tickets = _tickets(out)
    assert tickets["A0002"]["status"] == "duplicate"
    assert tickets["A0002"]["duplicate_of"] == "A0001"
    assert tickets["A0003"]["duplicate_of"] is None  # merged, then un-merged
    assert tickets["A0004"]["duplicate_of"] is None  # 73 hours later: a new ticket


def test_unauthorized_commands_are_refused_and_change_nothing(settings: Settings,
                                                             engine: Engine) -> None:
    out = _replay(settings, engine, "unauthorized.jsonl")
    assert _said(out) == [
        ("dispatch", "A0001"), *[("refused", "A0001")] * 6, ("claim_ack", "A0001"),
        ("extension_request", "A0001"), ("refused", "A0001"), ("refused", "A0001"),
        ("resolve_ack", "A0001"), ("closed", "A0001")]
    refusals = [o["text"] for o in out if o["kind"] == "message" and o["event"] == "refused"]
    assert all(text.startswith("抱歉") for text in refusals)
    ticket = _tickets(out)["A0001"]
    assert ticket["department"] == "zhifa"
    assert ticket["handle_deadline"] == "2026-03-02T11:00:00+08:00"  # 延期 never approved


def test_commands_name_tickets_by_tag_quote_or_only_candidate(settings: Settings,
                                                             engine: Engine) -> None:
    out = _replay(settings, engine, "naming.jsonl")
    assert _said(out) == [
        ("dispatch", "A0001"), ("dispatch", "A0002"), ("refused", None),
        ("claim_ack", "A0001"), ("claim_ack", "A0002"), ("status", "A0002"),
        ("resolve_ack", "A0001"), ("closed", "A0001"), ("resolve_ack", "A0002"),
        ("closed", "A0002")]
    question = next(o for o in out if o["kind"] == "message" and o["event"] == "refused")
    assert "A0001" in question["text"] and "A0002" in question["text"]
    assert "处置中" in _message(out, "status", "A0002")["text"]


def test_recall_cancels_an_unclaimed_ticket_and_tells_the_head_otherwise(
        settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "recall.jsonl")
    assert _said(out) == [("dispatch", "A0001"), ("cancel", "A0001"), ("dispatch", "A0002"),
                          ("claim_ack", "A0002"), ("status", "A0002")]
    assert _message(out, "status", "A0002")["mentions"] == ["xialing-head"]
    tickets = _tickets(out)
    assert tickets["A0001"]["status"] == "cancelled"
    assert tickets["A0002"]["status"] == "claimed"

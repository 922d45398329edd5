"""Digests and scorecards against replayed conversations whose figures were worked out by hand
(see the comments), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.replay import read_replay, run_replay
from bot.settings import Settings
from models.reporting import scorecards

DATA = Path(__file__).resolve().parents[1] / "data" / "replay"


def _replay(settings: Settings, engine: Engine, name: str, until: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return run_replay(settings, read_replay(lines), engine=engine,
                      until=datetime.fromisoformat(until))


def _digests(out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in out if o["kind"] == "message" and o["event"] == "digest"]


def test_daily_digest_figures(settings: Settings, engine: Engine) -> None:
    # Monday 2026-03-02 in 下菱: A0001 店外经营 (zhifa) claimed 09:05, 办结 10:00, 确认 10:30;
    # A0002 路灯 (ludeng) at 09:10, never claimed: claim limit 60 working minutes → 10:10;
    # A0003 could not be matched (triage). 东江: A0004 井盖 (shuiwu), urgent, never claimed.
    out = _replay(settings, engine, "digest_day.jsonl", "2026-03-03T09:00:00+08:00")
    digests = _digests(out)
    assert [(d["at"], d["chat_id"]) for d in digests] == [
        ("2026-03-03T08:30:00+08:00", "@xialing-head"),
        ("2026-03-03T08:30:00+08:00", "@dongjiang-head")]
    xialing = digests[0]["text"].splitlines()
    assert xialing[1] == ("> 昨日（3月2日）：上报 3 件（派单 2，待分派 1，重复 0），"
                          "认领 1，办结 1，结案 1")
    assert "**在办 2 件**" in xialing
    assert "- 路灯管理所：待认领 1" in xialing
    assert "**社区难事榜（逾期 1 件，最久的在前）**" in xialing
    assert "1. A0002 路灯 · 路灯管理所 · 认领逾期1天" in xialing  # due 3/2 10:10, now 3/3
    assert "**待分派（1 件）** 请回复「转派 编号 部门」" in xialing
    assert "**未匹配清单的消息（1 条，可据此修订清单）**" in xialing
    assert "13812345678" not in digests[0]["text"]
    assert "138****5678" in digests[0]["text"]
    # month to date: ludeng claimed 0 of 1 decided, its handling deadline (3/3 09:10) still
    # ahead; zhifa claimed and finished on time
    assert "- 路灯管理所：0% / —（1 件）" in xialing
    assert "- 综合行政执法局：100% / 100%（1 件）" in xialing
    assert xialing[-1] == "[在看板查看全部](http://127.0.0.1:8000/tickets?community=xialing)"
    dongjiang = digests[1]["text"]
    assert "上报 1 件（派单 1，待分派 0，重复 0），认领 0，办结 0，结案 0" in dongjiang
    assert "1. A0004 污水井盖 · 水务集团 · 认领逾期1天" in dongjiang
    assert all(len(d["text"].encode()) <= 4096 and d["mentions"] == [] for d in digests)


def test_quiet_community_gets_no_digest(settings: Settings, engine: Engine) -> None:
    # walkthrough: one ticket closed on Monday. Tuesday 下菱 has news (yesterday's closure),
    # Wednesday nothing at all; 东江 never has anything → only Tuesday's digest, plus the
    # street's weekly summary on Monday 3/9.
    out = _replay(settings, engine, "walkthrough.jsonl", "2026-03-10T09:00:00+08:00")
    assert [(d["at"], d["chat_id"]) for d in _digests(out)] == [
        ("2026-03-03T08:30:00+08:00", "@xialing-head"),
        ("2026-03-09T08:30:00+08:00", "lanjiang-center")]
    weekly = _digests(out)[1]["text"]
    assert "**下菱社区**：上报 1，认领 1，办结 1，结案 1；在办 0，逾期 0" in weekly
    assert "**东江社区**：上报 0" in weekly


def test_scorecards_from_replay(settings: Settings, engine: Engine) -> None:
    _replay(settings, engine, "digest_day.jsonl", "2026-03-03T09:00:00+08:00")
    start = datetime.fromisoformat("2026-03-01T00:00:00+08:00")
    end = datetime.fromisoformat("2026-04-01T00:00:00+08:00")
    as_of = datetime.fromisoformat("2026-03-03T09:00:00+08:00")
    with Session(engine) as session:
        cards = {c.department: c for c in scorecards(session, start=start, end=end,
                                                     as_of=as_of)}
    assert sorted(cards) == ["ludeng", "shuiwu", "zhifa"]  # the triage ticket has no owner
    zhifa, ludeng, shuiwu = cards["zhifa"], cards["ludeng"], cards["shuiwu"]
    assert (zhifa.dispatched, zhifa.claimed_on_time, zhifa.closed_on_time, zhifa.closed) == (
        1, 1, 1, 1)
    assert zhifa.median_claim_minutes == 5.0 and zhifa.median_handle_minutes == 60.0
    # ludeng: claim deadline passed unclaimed; handling deadline 3/3 09:10 not yet reached
    assert (ludeng.claim_decided, ludeng.claimed_on_time, ludeng.close_decided) == (1, 0, 0)
    assert ludeng.escalations == (1, 1, 0)  # level 3 would be 3/3 10:10
    # shuiwu (urgent): claim 11:15 and handling 13:00 both missed; up to the city by 13:15
    assert (shuiwu.close_decided, shuiwu.closed_on_time, shuiwu.escalations) == (1, 0, (1, 1, 1))
    with Session(engine) as session:
        (one,) = scorecards(session, start=start, end=end, as_of=as_of, community_id="dongjiang")
    assert one.department == "shuiwu"


def test_scorecard_rework_dispute_extension(settings: Settings, engine: Engine) -> None:
    # zhifa refuses A0001 (退回), the station head rules it back to zhifa (a lost dispute),
    # zhifa claims 09:40 (clock held, original 10:00 limit), 办结, the reporter says 没解决
    # (rework), 2 working days' extension approved, 办结 3/3 09:00 ≤ 3/4 11:00, confirmed.
    _replay(settings, engine, "scorecard_rework.jsonl", "2026-03-04T09:00:00+08:00")
    with Session(engine) as session:
        (card,) = scorecards(session, start=datetime.fromisoformat("2026-03-02T00:00:00+08:00"),
                             end=datetime.fromisoformat("2026-03-03T00:00:00+08:00"),
                             as_of=datetime.fromisoformat("2026-03-04T09:00:00+08:00"))
    assert card.department == "zhifa"
    assert (card.dispatched, card.claimed_on_time, card.closed_on_time, card.closed) == (1, 1, 1, 1)
    assert (card.reworks, card.disputes_raised, card.disputes_lost, card.extensions) == (1, 1, 1, 1)
    assert card.median_handle_minutes == 24 * 60  # dispatched 3/2 09:00, 办结 3/3 09:00
    from dispatcher.scorecard import ScoreWeights, score

    result = score(card, ScoreWeights())
    assert result is not None and result.total == 100 - 0.2 - 1.0


def test_reporting_port_reads_the_same_figures(settings: Settings, engine: Engine) -> None:
    from models.base import make_session_factory
    from models.reporting import SqlReporting

    _replay(settings, engine, "digest_day.jsonl", "2026-03-03T09:00:00+08:00")
    reader = SqlReporting(make_session_factory(engine), chats={"xialing": "xialing-grid"},
                          tz=settings.tz)
    data = reader.digest_data(community_id="xialing", day=date(2026, 3, 3),
                              since=datetime.fromisoformat("2026-03-02T00:00:00+08:00"),
                              now=datetime.fromisoformat("2026-03-03T08:30:00+08:00"))
    assert (data.reported, data.dispatched, data.triaged, data.claimed, data.closed) == (
        3, 2, 1, 1, 1)
    assert [b.tag for b in data.overdue] == ["A0002"] and data.unmatched_total == 1
    assert [c.department for c in data.month] == ["ludeng", "zhifa"]

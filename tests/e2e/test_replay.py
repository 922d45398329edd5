"""Replay files through the whole bot on a virtual clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.replay import read_replay, run_replay
from bot.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "replay"
ROOT = DATA.parents[2]


def _replay(settings: Settings, engine: Engine, name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return run_replay(settings, read_replay(lines), engine=engine)


def test_walkthrough_event_by_event(settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "walkthrough.jsonl")
    messages = [o for o in out if o["kind"] == "message"]
    assert [(m["at"], m["event"], m["ticket"]) for m in messages] == [
        ("2026-03-02T09:00:00+08:00", "dispatch", "A0001"),
        ("2026-03-02T09:05:00+08:00", "claim_ack", "A0001"),
        ("2026-03-02T10:00:00+08:00", "resolve_ack", "A0001"),
        ("2026-03-02T10:30:00+08:00", "closed", "A0001"),
        # Tuesday's digest to the station head, Monday's weekly summary to the street
        ("2026-03-03T08:30:00+08:00", "digest", None),
        ("2026-03-09T08:30:00+08:00", "digest", None),
    ]
    assert [m["chat_id"] for m in messages[4:]] == ["@xialing-head", "lanjiang-center"]
    assert messages[0]["mentions"] == ["zhifa-1"]
    assert "店外经营" in messages[0]["text"]
    (ticket,) = [o for o in out if o["kind"] == "ticket"]
    assert ticket["status"] == "closed"
    assert ticket["department"] == "zhifa"
    assert ticket["claimed_at"] == "2026-03-02T09:05:00+08:00"
    assert ticket["closed_at"] == "2026-03-02T10:30:00+08:00"
    assert ticket["source_message_id"] == "m1"
    assert ticket["escalation_level"] == 0


def test_never_claimed_climbs_the_ladder(settings: Settings, engine: Engine) -> None:
    out = _replay(settings, engine, "never_claimed.jsonl")
    timers = [(m["at"], m["event"], m["level"], m["chat_id"], m["mentions"])
              for m in out if m["kind"] == "message" and m["event"] not in ("dispatch", "digest")]
    # Normal item dispatched Monday 09:00: claim limit = 60 working minutes.
    assert timers == [
        ("2026-03-02T09:48:00+08:00", "reminder", None, "xialing-grid", ["zhifa-1"]),
        ("2026-03-02T10:00:00+08:00", "escalation", 1, "xialing-grid",
         ["zhifa-1", "xialing-head"]),
        ("2026-03-02T12:00:00+08:00", "escalation", 2, "lanjiang-center", ["lanjiang-duty"]),
        ("2026-03-03T10:00:00+08:00", "escalation", 3, "city-center", ["city-duty"]),
    ]
    (ticket,) = [o for o in out if o["kind"] == "ticket"]
    assert ticket["escalation_level"] == 3
    assert ticket["status"] == "dispatched"


def test_replay_cli_is_byte_identical(tmp_path: Path) -> None:
    outputs = []
    for run in range(2):
        target = tmp_path / f"out{run}.jsonl"
        subprocess.run([sys.executable, "-m", "bot", "replay", str(DATA / "walkthrough.jsonl"),
                        "--out", str(target)], check=True, cwd=ROOT)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b'"kind": "message"') == 6  # 4 in the group + 2 digests


def test_replay_cli_rejects_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"at": "2026-03-02T09:00:00", "chat_id": "c", "sender_id": "s"}\n',
                   encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "replay", str(bad)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "第 1 行" in result.stderr

"""``gridbot digest`` and ``gridbot report`` over a replayed database (SQLite and PG)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from sqlalchemy import Engine

from bot.replay import read_replay, run_replay
from bot.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "replay"
ROOT = DATA.parents[2]


@pytest.fixture
def replayed(settings: Settings, engine: Engine, database_url: str) -> dict[str, str]:
    lines = (DATA / "digest_day.jsonl").read_text(encoding="utf-8").splitlines()
    run_replay(settings, read_replay(lines), engine=engine,
               until=datetime.fromisoformat("2026-03-03T09:00:00+08:00"))
    return {**os.environ, "GRIDBOT_DATABASE_URL": database_url}


def _gridbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env)


def test_digest_prints_the_station_head_digest(replayed: dict[str, str]) -> None:
    result = _gridbot(replayed, "digest", "--community", "xialing", "--date", "2026-03-03")
    assert result.returncode == 0, result.stderr
    assert "**下菱社区每日简报** 3月3日（周二）" in result.stdout
    assert "1. A0002 路灯 · 路灯管理所 · 认领逾期1天" in result.stdout


@pytest.mark.parametrize(("args", "reason"), [
    (("digest", "--community", "nowhere", "--date", "2026-03-03"), "未知社区"),
    (("digest", "--community", "xialing", "--date", "3/3"), "日期格式"),
    (("report", "--from", "2026-03-05", "--to", "2026-03-01", "--out", "x.xlsx"), "不能早于"),
    (("report", "--from", "2026-03-01", "--to", "2026-03-05", "--out", "x.pdf"), ".xlsx 或 .csv"),
])
def test_bad_input_one_line_reason(replayed: dict[str, str], args: tuple[str, ...],
                                   reason: str) -> None:
    result = _gridbot(replayed, *args)
    assert result.returncode != 0
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_report_xlsx_figures_and_charts(replayed: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "march.xlsx"
    result = _gridbot(replayed, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                      "--out", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["总表", "按时率", "处置时长", "返工与退回", "升级", "按社区", "工单明细"]
    rows = {r[0]: r for r in book["总表"].iter_rows(min_row=3, values_only=True)}
    # zhifa: on time everywhere → 100; ludeng and shuiwu missed their claims (see
    # tests/e2e/test_replay_digest.py for how each figure follows from the conversation)
    assert rows["综合行政执法局"][1:7] == (1, 1, 5, 1, 60, 1)
    assert rows["综合行政执法局"][14] == 100
    assert rows["水务集团"][11:14] == (1, 1, 1)
    assert rows["水务集团"][14] == 0  # 0 earned, 1.5 deducted, floored at 0
    assert rows["水务集团"][15] == 1.5
    for sheet in ("总表", "按时率", "处置时长", "返工与退回", "升级", "按社区"):
        charts = book[sheet]._charts
        assert len(charts) == 1 and isinstance(charts[0], BarChart), sheet
    community = {r[0]: r for r in book["按社区"].iter_rows(min_row=3, values_only=True)}
    assert community["下菱社区"][1] == 2 and community["东江社区"][1] == 1
    details = list(book["工单明细"].iter_rows(min_row=2, values_only=True))
    assert [d[0] for d in details] == ["A0001", "A0002", "A0004"]


def test_report_csv_has_bom_and_summary(replayed: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "march.csv"
    result = _gridbot(replayed, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                      "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "部门" and len(rows) == 4
    assert [r[0] for r in rows[1:]] == ["路灯管理所", "水务集团", "综合行政执法局"]

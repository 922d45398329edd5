"""``gridbot learn``: examples are stored all-or-nothing, listed, undone, and change decisions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]
TEXT = "城隍庙那边文保碑上被人刻了字"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    (tmp_path / "responsibility_lists").symlink_to(ROOT / "responsibility_lists")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def classify(runner: CliRunner, text: str) -> dict[str, object]:
    result = runner.invoke(app, ["classify", "--json", text])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_learn_list_undo_changes_decisions(workdir: Path) -> None:
    runner = CliRunner()
    assert classify(runner, "城隍庙文保碑上又被人刻了字")["decision"] != "dispatch"
    (workdir / "history.csv").write_text(
        f"text,department,item_code\n{TEXT},文广旅体,\n", encoding="utf-8"
    )
    learned = runner.invoke(app, ["learn", "history.csv"])
    assert learned.exit_code == 0 and "1 条" in learned.output
    after = classify(runner, "城隍庙文保碑上又被人刻了字")
    assert after["decision"] == "dispatch"
    assert after["items"][0]["department"] == "wenlv"  # type: ignore[index]
    listing = runner.invoke(app, ["learn", "--list"])
    assert "1\tlearn\twenlv" in listing.output
    assert runner.invoke(app, ["learn", "--undo", "1"]).exit_code == 0
    assert classify(runner, "城隍庙文保碑上又被人刻了字")["decision"] != "dispatch"
    assert runner.invoke(app, ["learn", "--undo", "1"]).exit_code != 0


def test_bad_row_stores_nothing(workdir: Path) -> None:
    runner = CliRunner()
    (workdir / "bad.csv").write_text(
        f"text,department\n{TEXT},文广旅体\n另一条,火星局\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["learn", "bad.csv"])
    assert result.exit_code != 0
    assert "第 3 行" in result.output and "火星局" in result.output
    assert runner.invoke(app, ["learn", "--list"]).output.strip() == ""


def test_eval_json_reports_every_metric(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(ROOT / "tests/data/devset.csv"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key in (
        "intent_accuracy",
        "department_top1",
        "department_top3",
        "item_top1",
        "multi_problem_recall",
        "triage_rate",
        "dispatched_accuracy",
        "confusion_pairs",
    ):
        assert key in report


def test_station_head_rulings_become_examples(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from models.base import make_engine, make_session_factory
    from models.learning import LearnedStore
    from models.migrate import upgrade
    from models.tables import TicketEventRow, TicketRow

    engine = make_engine(f"sqlite:///{tmp_path}/rulings.db")
    upgrade(engine)
    factory = make_session_factory(engine)
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with factory.begin() as session:
        session.add(
            TicketRow(
                tag="A0001",
                chat_id="xialing-grid",
                status="open",
                reporter_id="grid-wang",
                reporter_name="王",
                source_message_id="m1",
                source_text=TEXT,
                reported_at=now,
                item_code=None,
            )
        )
        session.add_all(
            [
                TicketEventRow(
                    ticket_tag="A0001",
                    kind="ruling",
                    at=now,
                    actor_id="xialing-head",
                    detail={"department": "zhifa", "to": "wenlv"},
                ),
                TicketEventRow(
                    ticket_tag="A0001",
                    kind="transfer",
                    at=now,
                    actor_id="gridbot",
                    detail={"department": "wenlv", "to": "zhifa", "by": "dispute"},
                ),
            ]
        )
    store = LearnedStore(factory)
    assert store.import_rulings(now=now) == 1
    assert store.import_rulings(now=now) == 0  # each ruling is learned once
    [example] = store.active()
    assert (example.text, example.department, example.source) == (TEXT, "wenlv", "ruling")
    assert store.undo(example.id, now=now) and store.active() == []
    engine.dispose()

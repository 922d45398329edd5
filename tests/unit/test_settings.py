"""Configuration is validated at start-up with errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_config_loads_the_demo_organisation() -> None:
    settings = load_settings(ROOT / "config.yaml")
    org = settings.organisation
    assert org.street.command_chat == "lanjiang-center"
    assert [c.chat_id for c in org.communities] == ["xialing-grid", "dongjiang-grid"]
    assert {liaison.id for liaison in org.liaisons} >= {"zhifa-1", "gongan-1", "wuye-1"}
    assert settings.lists_dir == ROOT / "responsibility_lists" / "default"


@pytest.mark.parametrize(("bad", "field"), [
    ("timezone: Mars/Olympus\n", "timezone"),
    ("sweep_interval_seconds: -1\n", "sweep_interval_seconds"),
    ("unknown_field: 1\n", "unknown_field"),
    ("scorecard: {on_time_close: {points: 50, target: 1.5}}\n", "scorecard.on_time_close.target"),
    ("scorecard: {deductions: {rework: -1}}\n", "scorecard.deductions.rework"),
    ("scorecard: {bonus: 3}\n", "scorecard.bonus"),
    ("public_url: ftp://grid.example\n", "public_url"),
])
def test_bad_field_is_named(tmp_path: Path, bad: str, field: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text(encoding="utf-8") + bad, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert field in str(caught.value)
    assert str(config) in str(caught.value)


def test_shipped_score_weights_are_the_documented_defaults() -> None:
    from dispatcher.scorecard import ScoreWeights

    settings = load_settings(ROOT / "config.yaml")
    assert settings.scorecard.weights() == ScoreWeights()  # docs/scoring.md
    assert settings.public_url == "http://127.0.0.1:8000"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_settings(tmp_path / "nope.yaml")

"""The ``timers:`` section of config.yaml: contract defaults, overrides, errors naming the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.services import timer_policy
from bot.settings import ConfigError, Settings, load_settings
from dispatcher.lists import TimeLimit, Urgency
from dispatcher.timing import TimerPolicy
from models.lists import ListHolder

ROOT = Path(__file__).resolve().parents[2]
_SECTION = re.compile(r"^timers:\n(?:[ #].*\n)*", re.MULTILINE)


def _with_timers(tmp_path: Path, section: str) -> Path:
    """The shipped config with its ``timers:`` section replaced by ``section``."""
    shipped = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert _SECTION.search(shipped), "config.yaml must ship a timers: section"
    config = tmp_path / "config.yaml"
    config.write_text(_SECTION.sub(section, shipped, count=1), encoding="utf-8")
    return config


def test_shipped_timers_are_the_contract_defaults() -> None:
    assert load_settings(ROOT / "config.yaml").timers.policy() == TimerPolicy()


def test_absent_section_means_contract_defaults(tmp_path: Path) -> None:
    assert load_settings(_with_timers(tmp_path, "")).timers.policy() == TimerPolicy()


def test_overrides_per_urgency_and_per_item(tmp_path: Path) -> None:
    config = _with_timers(tmp_path, (
        "timers:\n"
        "  reminder_fraction: 0.5\n"
        "  triage_assign_limit: 30分钟\n"
        "  verification_window: 2工作日\n"
        "  normal: {claim_limit: 2工作时, level2_after: 3工作时, level3_after: 2工作日}\n"
        "  items:\n"
        "    \"020502\": {claim_limit: 10分钟}\n"))
    policy = load_settings(config).timers.policy()
    assert policy.reminder_fraction == 0.5
    assert policy.triage_assign_limit == TimeLimit.parse("30分钟")
    assert policy.auto_close_after == TimeLimit.parse("2工作日")
    assert policy.urgent == TimerPolicy().urgent  # not configured: contract default
    normal = policy.timers_for(Urgency.NORMAL)
    assert (str(normal.claim_limit), str(normal.level2_after), str(normal.level3_after)) == (
        "2工作时", "3工作时", "2工作日")
    gas = policy.timers_for(Urgency.URGENT, "020502")
    assert (str(gas.claim_limit), str(gas.level2_after), str(gas.level3_after)) == (
        "10分钟", "30分钟", "2小时")  # only the claim limit is the item's own


@pytest.mark.parametrize(("section", "field"), [
    ("timers:\n  urgent: {claim_limit: 15 minutes, level2_after: 30分钟, level3_after: 2小时}\n",
     "timers.urgent.claim_limit"),
    ("timers:\n  normal: {claim_limit: 1工作时, level2_after: 0工作时, level3_after: 1工作日}\n",
     "timers.normal.level2_after"),
    ("timers:\n  reminder_fraction: 1.2\n", "timers.reminder_fraction"),
    ("timers:\n  verification_window: 一天\n", "timers.verification_window"),
    ("timers:\n  items: {\"020502\": {claim_limt: 10分钟}}\n", "timers.items.020502.claim_limt"),
    ("timers:\n  normal: {claim_limit: 1工作时}\n", "timers.normal.level2_after"),
])
def test_bad_timer_field_is_named(tmp_path: Path, section: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_with_timers(tmp_path, section))
    assert field in str(caught.value)


def test_bad_limit_error_says_what_a_limit_looks_like(tmp_path: Path) -> None:
    section = "timers:\n  triage_assign_limit: soon\n"
    with pytest.raises(ConfigError, match="无法识别的处置时限「soon」"):
        load_settings(_with_timers(tmp_path, section))


def test_item_code_missing_from_the_list_stops_the_start(tmp_path: Path) -> None:
    config = _with_timers(tmp_path, "timers:\n  items: {\"999999\": {claim_limit: 5分钟}}\n")
    settings: Settings = load_settings(config)
    lst = ListHolder(ROOT / "responsibility_lists" / "default").load()
    with pytest.raises(ConfigError, match=r"timers\.items\.999999"):
        timer_policy(settings, lst)


def test_unquoted_item_codes_are_refused_with_a_hint() -> None:
    import yaml
    from pydantic import ValidationError

    from bot.timer_settings import TimerSettings

    raw = yaml.safe_load("items:\n  020405:\n    claim_limit: 30分钟\n")
    assert raw["items"] == {8453: {"claim_limit": "30分钟"}}  # what YAML really hands us
    with pytest.raises(ValidationError, match="条目编码必须加引号"):
        TimerSettings.model_validate(raw)

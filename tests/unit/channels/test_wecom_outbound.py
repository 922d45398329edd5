"""Which channel delivers a chat once WeCom is configured, and which senders exist."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.channels.wecom.outbound import build_wecom_outbound
from bot.channels.wecom.senders import AppSender, RobotSender
from bot.channels.wecom.settings import WeComConfigError, WeComSettings
from bot.services import make_router
from bot.settings import load_settings
from dispatcher.clock import SystemClock

ROOT = Path(__file__).resolve().parents[3]
WECOM: dict[str, Any] = {
    "corp_id": "wwcorp",
    "robots": {"xialing-grid": {"key_env": "ROBOT_KEY"}},
    "apps": {"liaison": {"agent_id": 1000002, "secret_env": "APP_SECRET",
                         "token_env": "APP_TOKEN", "aes_key_env": "APP_AES"}},
}

ENV = {"ROBOT_KEY": "k", "APP_SECRET": "s", "APP_TOKEN": "t", "APP_AES": "a" * 43}


def test_router_prefers_config_then_wecom_then_default() -> None:
    settings = load_settings(ROOT / "config.yaml", wecom=WECOM,
                             outbound={"chats": {"dongjiang-grid": "generic:bridge"}})
    route = make_router(settings)
    assert route("xialing-grid") == "wecom-robot"
    assert route("@zhifa-1") == "wecom-app"
    assert route("dongjiang-grid") == "generic:bridge"
    assert route("lanjiang-center") == "console"


def test_without_wecom_everything_stays_on_the_default() -> None:
    route = make_router(load_settings(ROOT / "config.yaml"))
    assert route("xialing-grid") == route("@zhifa-1") == "console"


def test_senders_for_what_is_configured() -> None:
    settings = WeComSettings.model_validate(WECOM)
    outbound = build_wecom_outbound(settings, clock=SystemClock(), environ=ENV)
    try:
        assert isinstance(outbound.senders["wecom-robot"], RobotSender)
        assert isinstance(outbound.senders["wecom-app"], AppSender)
        assert outbound.http is not None
    finally:
        asyncio.run(outbound.aclose())
    assert outbound.http.is_closed
    empty = build_wecom_outbound(WeComSettings(), clock=SystemClock())
    assert (empty.senders, empty.http) == ({}, None)


@pytest.mark.parametrize("missing", sorted(ENV))
def test_a_missing_secret_refuses_to_start(missing: str) -> None:
    settings = WeComSettings.model_validate(WECOM)
    environ = {name: value for name, value in ENV.items() if name != missing}
    with pytest.raises(WeComConfigError, match=missing):
        build_wecom_outbound(settings, clock=SystemClock(), environ=environ)


def test_a_malformed_aes_key_refuses_to_start() -> None:
    settings = WeComSettings.model_validate(WECOM)
    with pytest.raises(WeComConfigError, match=r"wecom\.apps\.liaison"):
        build_wecom_outbound(settings, clock=SystemClock(), environ=ENV | {"APP_AES": "short"})

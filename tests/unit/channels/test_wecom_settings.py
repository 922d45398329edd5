"""The wecom: config section: shape validation and secrets from the environment."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from bot.channels.wecom.settings import WeComConfigError, WeComSettings

KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CONFIG: dict[str, Any] = {
    "corp_id": "ww1436e0e65a779aee",
    "aibots": {"grid": {"name": "网格助手", "token_env": "AIBOT_TOKEN",
                        "aes_key_env": "AIBOT_AES_KEY"}},
    "apps": {"liaison": {"agent_id": 1000002, "secret_env": "APP_SECRET",
                         "token_env": "APP_TOKEN", "aes_key_env": "APP_AES_KEY"}},
    "robots": {"xialing-grid": {"key_env": "XIALING_ROBOT_KEY"}},
}
ENV = {"AIBOT_TOKEN": "t1", "AIBOT_AES_KEY": KEY, "APP_SECRET": "s", "APP_TOKEN": "t2",
       "APP_AES_KEY": KEY, "XIALING_ROBOT_KEY": "robot-key"}


def test_defaults_point_at_wecom() -> None:
    settings = WeComSettings()
    assert settings.base_url == "https://qyapi.weixin.qq.com"
    assert settings.robots == {}


def test_secrets_come_from_the_environment() -> None:
    settings = WeComSettings.model_validate(CONFIG)
    assert settings.robot_key("xialing-grid", environ=ENV) == "robot-key"
    assert settings.app_secret("liaison", environ=ENV) == "s"
    settings.aibot_crypto("grid", environ=ENV)
    settings.app_crypto("liaison", environ=ENV)


@pytest.mark.parametrize(
    ("call", "message"),
    [(lambda s, e: s.robot_key("xialing-grid", environ=e), "XIALING_ROBOT_KEY"),
     (lambda s, e: s.robot_key("city-center", environ=e), "city-center"),
     (lambda s, e: s.app_secret("liaison", environ=e), "wecom.apps.liaison.secret_env"),
     (lambda s, e: s.aibot_crypto("grid", environ=e), "AIBOT_TOKEN"),
     (lambda s, e: s.aibot_crypto("nope", environ=e), "nope"),
     (lambda s, e: s.app_crypto("nope", environ=e), "nope")],
)
def test_missing_secret_or_unknown_name_is_named(call: Any, message: str) -> None:
    with pytest.raises(WeComConfigError, match=re.escape(message)):
        call(WeComSettings.model_validate(CONFIG), {})


def test_bad_aes_key_in_environment_names_the_component() -> None:
    with pytest.raises(WeComConfigError, match=re.escape("wecom.aibots.grid")):
        WeComSettings.model_validate(CONFIG).aibot_crypto(
            "grid", environ=ENV | {"AIBOT_AES_KEY": "short"})


@pytest.mark.parametrize(
    ("patch", "field"),
    [({"robots": {"c": {"key_env": "sk-literal-secret"}}}, "robots.c.key_env"),
     ({"robots": {"c": {"key": "x"}}}, "robots.c.key"),
     ({"apps": {"a": {**CONFIG["apps"]["liaison"], "agent_id": 0}}}, "apps.a.agent_id"),
     ({"base_url": "qyapi.weixin.qq.com"}, "base_url"),
     ({"corp_id": ""}, "corp_id"),
     ({"aibots": {"grid": {"token_env": "A", "aes_key_env": "B"}}}, "aibots.grid.name")],
)
def test_validation_errors_name_the_field(patch: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        WeComSettings.model_validate(CONFIG | patch)
    text = str(info.value)
    assert field in text

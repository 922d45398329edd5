"""The ``wecom:`` section of config.yaml.

Only environment-variable *names* live in the config; the secrets themselves (callback
Token/EncodingAESKey, app secrets, robot webhook keys) are read from the environment when a
component is built, so config.yaml can be committed and shown to anyone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bot.channels.wecom import texts
from bot.channels.wecom.crypto import CallbackCrypto


class WeComConfigError(ValueError):
    """A WeCom component cannot be built from the configuration / environment."""


def _env_name(value: str) -> str:
    if not value or not all(c.isupper() or c.isdigit() or c == "_" for c in value) or (
        value[0].isdigit()
    ):
        raise ValueError(texts.BAD_ENV_NAME)
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AiBotSettings(_Strict):
    """One 智能机器人 in API mode; ``name`` is its display name as typed after "@"."""

    name: str = Field(min_length=1)
    token_env: EnvName
    aes_key_env: EnvName


class AppSettings(_Strict):
    """One self-built app (自建应用)."""

    agent_id: int = Field(gt=0)
    secret_env: EnvName
    token_env: EnvName
    aes_key_env: EnvName


class RobotSettings(_Strict):
    """The group robot (消息推送 webhook) of one chat."""

    key_env: EnvName


class WeComSettings(_Strict):
    base_url: str = Field(default="https://qyapi.weixin.qq.com", pattern=r"^https?://\S+$")
    corp_id: str = ""
    timeout_seconds: float = Field(default=5.0, gt=0)
    aibots: dict[str, AiBotSettings] = Field(default_factory=dict)
    apps: dict[str, AppSettings] = Field(default_factory=dict)
    robots: dict[str, RobotSettings] = Field(default_factory=dict)
    # userid → mobile, for members whose corp userid the robot cannot @ (mentioned_mobile_list)
    mobiles: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _apps_need_corp_id(self) -> WeComSettings:
        if self.apps and not self.corp_id:
            raise ValueError(texts.APPS_NEED_CORP_ID)
        return self

    def aibot_crypto(self, bot: str, *, environ: Mapping[str, str] = os.environ) -> CallbackCrypto:
        """Crypto of the AI bot callback ``/channels/wecom-aibot/{bot}`` (receive id "")."""
        cfg = self.aibots.get(bot)
        if cfg is None:
            raise WeComConfigError(texts.UNKNOWN_AIBOT.format(name=bot))
        field = f"wecom.aibots.{bot}"
        return _callback_crypto(
            token=_secret(environ, cfg.token_env, f"{field}.token_env"),
            aes_key=_secret(environ, cfg.aes_key_env, f"{field}.aes_key_env"),
            receive_id="",
            field=field,
        )

    def app_crypto(self, app: str, *, environ: Mapping[str, str] = os.environ) -> CallbackCrypto:
        """Crypto of the app callback ``/channels/wecom-app/{app}`` (receive id = CorpID)."""
        cfg = self.app(app)
        field = f"wecom.apps.{app}"
        return _callback_crypto(
            token=_secret(environ, cfg.token_env, f"{field}.token_env"),
            aes_key=_secret(environ, cfg.aes_key_env, f"{field}.aes_key_env"),
            receive_id=self.corp_id,
            field=field,
        )

    def app(self, app: str) -> AppSettings:
        cfg = self.apps.get(app)
        if cfg is None:
            raise WeComConfigError(texts.UNKNOWN_APP.format(name=app))
        return cfg

    def app_secret(self, app: str, *, environ: Mapping[str, str] = os.environ) -> str:
        return _secret(environ, self.app(app).secret_env, f"wecom.apps.{app}.secret_env")

    def robot_key(self, chat_id: str, *, environ: Mapping[str, str] = os.environ) -> str:
        cfg = self.robots.get(chat_id)
        if cfg is None:
            raise WeComConfigError(texts.UNKNOWN_ROBOT.format(chat=chat_id))
        return _secret(environ, cfg.key_env, f"wecom.robots.{chat_id}.key_env")


def _secret(environ: Mapping[str, str], env: str, field: str) -> str:
    value = environ.get(env, "").strip()
    if not value:
        raise WeComConfigError(texts.MISSING_ENV.format(field=field, env=env))
    return value


def _callback_crypto(*, token: str, aes_key: str, receive_id: str, field: str) -> CallbackCrypto:
    try:
        return CallbackCrypto(token=token, encoding_aes_key=aes_key, receive_id=receive_id)
    except ValueError as exc:
        raise WeComConfigError(f"企业微信配置 {field}：{exc}") from exc

"""What the WeCom end-to-end tests share: settings pointing at the fake WeCom server, the
secrets they read from the environment, and callbacks sealed the way WeCom seals them."""

from __future__ import annotations

import base64
import time

import pytest

from bot.channels.wecom.crypto import CallbackCrypto
from bot.channels.wecom.settings import WeComSettings
from bot.settings import Settings
from tests.fakes.fake_wecom import FakeWeCom

AIBOT_URL, APP_URL = "/channels/wecom-aibot/grid", "/channels/wecom-app/liaison"
TOKEN, CORP = "test-callback-token", "wwfakecorp"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
ROBOT_KEY, APP_SECRET = "key-xialing", "app-secret"
SECRETS_ENV = {"T_AIBOT_TOKEN": TOKEN, "T_AES_KEY": AES_KEY,
               "T_ROBOT_XIALING": ROBOT_KEY, "T_APP_SECRET": APP_SECRET}


@pytest.fixture
def wecom_settings(settings: Settings, fake_wecom: FakeWeCom,
                   monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in SECRETS_ENV.items():
        monkeypatch.setenv(name, value)
    wecom = WeComSettings.model_validate({
        "base_url": fake_wecom.base_url, "corp_id": CORP, "timeout_seconds": 2,
        "aibots": {"grid": {"name": "网格助手", "token_env": "T_AIBOT_TOKEN",
                            "aes_key_env": "T_AES_KEY"}},
        "apps": {"liaison": {"agent_id": 1000002, "secret_env": "T_APP_SECRET",
                             "token_env": "T_AIBOT_TOKEN", "aes_key_env": "T_AES_KEY"}},
        "robots": {"xialing-grid": {"key_env": "T_ROBOT_XIALING"}},
    })
    return settings.model_copy(update={"wecom": wecom})


def sealed(plaintext: str, *, receive_id: str = "", aes_key: str = AES_KEY,
           timestamp: int | None = None) -> tuple[dict[str, str], str]:
    """Query parameters and the encrypted field, as WeCom would send them."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    crypto = CallbackCrypto(token=TOKEN, encoding_aes_key=aes_key, receive_id=receive_id)
    reply = crypto.encrypt_reply(plaintext, nonce="n0nce", timestamp=stamp)
    return {"msg_signature": reply.msg_signature, "timestamp": stamp,
            "nonce": "n0nce"}, reply.encrypt


def app_envelope(encrypt: str) -> bytes:
    """The self-built app's encrypted XML body around ``encrypt``."""
    return (f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            "<AgentID><![CDATA[1000002]]></AgentID></xml>").encode()

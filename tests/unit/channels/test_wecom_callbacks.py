"""Callback entry points the routes call: verify, decrypt, translate, reject."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.channels.wecom.callbacks import (
    aibot_inbound,
    app_inbound,
    verify_aibot_url,
    verify_app_url,
)
from bot.channels.wecom.crypto import CallbackCrypto, WeComPayloadError, WeComSignatureError
from bot.channels.wecom.settings import WeComSettings
from dispatcher.messages import InboundMessage

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wecom"
VECTORS = {v["id"][:3]: v for v in json.loads(
    (FIXTURES / "crypto_vectors.json").read_text("utf-8"))["vectors"]}
V2A, V2B = VECTORS["V2a"], VECTORS["V2b"]
AES_KEY = V2B["encoding_aes_key"]
SETTINGS = WeComSettings.model_validate({
    "corp_id": V2B["receive_id"],
    "aibots": {"grid": {"name": "网格助手", "token_env": "BOT_TOKEN", "aes_key_env": "AES"}},
    "apps": {"liaison": {"agent_id": 1000002, "secret_env": "SECRET",
                         "token_env": "APP_TOKEN", "aes_key_env": "AES"}},
})
ENV = {"BOT_TOKEN": "bot-token", "APP_TOKEN": V2B["token"], "AES": AES_KEY, "SECRET": "s"}
NOW = 1772413260


def _at(ts: int | str) -> Any:
    return lambda: datetime.fromtimestamp(int(ts), UTC)


def _aibot_request(payload: str, *, aes_key: str = AES_KEY, token: str = "bot-token") -> tuple[
    dict[str, str], bytes
]:
    crypto = CallbackCrypto(token=token, encoding_aes_key=aes_key, receive_id="")
    sealed = crypto.encrypt_reply(payload, nonce="42", timestamp=str(NOW))
    query = {"msg_signature": sealed.msg_signature, "timestamp": str(NOW), "nonce": "42"}
    return query, json.dumps({"encrypt": sealed.encrypt}).encode()


GROUP_TEXT = (FIXTURES / "aibot" / "group_text.json").read_text("utf-8")


def test_aibot_post_becomes_an_inbound_message() -> None:
    query, body = _aibot_request(GROUP_TEXT)
    msg = aibot_inbound(SETTINGS, "grid", query, body, now=_at(NOW), environ=ENV)
    assert isinstance(msg, InboundMessage)
    assert (msg.channel, msg.chat_id, msg.text) == (
        "wecom-aibot:grid", "xialing-grid", "文山路菜场门口有人跨门经营")


def test_aibot_bad_signature_is_rejected() -> None:
    query, body = _aibot_request(GROUP_TEXT, token="someone-else")
    with pytest.raises(WeComSignatureError):
        aibot_inbound(SETTINGS, "grid", query, body, now=_at(NOW), environ=ENV)


def test_aibot_forged_payload_is_rejected() -> None:
    """Signed with the right token but sealed with another key: never reaches the parser."""
    other_key = VECTORS["V1a"]["encoding_aes_key"]
    query, body = _aibot_request(GROUP_TEXT, aes_key=other_key)
    with pytest.raises(WeComPayloadError):
        aibot_inbound(SETTINGS, "grid", query, body, now=_at(NOW), environ=ENV)


def test_aibot_non_json_plaintext_is_rejected() -> None:
    query, body = _aibot_request("<xml>not json</xml>")
    with pytest.raises(WeComPayloadError):
        aibot_inbound(SETTINGS, "grid", query, body, now=_at(NOW), environ=ENV)


def test_stale_timestamp_is_rejected() -> None:
    query, body = _aibot_request(GROUP_TEXT)
    with pytest.raises(WeComPayloadError, match="timestamp"):
        aibot_inbound(SETTINGS, "grid", query, body, now=_at(NOW + 3600), environ=ENV)


def test_missing_query_parameter_is_rejected() -> None:
    query, body = _aibot_request(GROUP_TEXT)
    del query["nonce"]
    with pytest.raises(WeComSignatureError, match="nonce"):  # nothing to authenticate with
        aibot_inbound(SETTINGS, "grid", query, body, now=_at(NOW), environ=ENV)


def test_aibot_url_verification_round_trip() -> None:
    crypto = CallbackCrypto(token="bot-token", encoding_aes_key=AES_KEY, receive_id="")
    sealed = crypto.encrypt_reply("8437213791", nonce="7", timestamp=str(NOW))
    query = {"msg_signature": sealed.msg_signature, "timestamp": str(NOW), "nonce": "7",
             "echostr": sealed.encrypt}
    assert verify_aibot_url(SETTINGS, "grid", query, now=_at(NOW), environ=ENV) == "8437213791"


def test_app_url_verification_with_the_official_vector() -> None:
    settings = SETTINGS.model_copy(update={"corp_id": V2A["receive_id"]})
    env = ENV | {"APP_TOKEN": V2A["token"], "AES": V2A["encoding_aes_key"]}
    query = {"msg_signature": V2A["msg_signature"], "timestamp": V2A["timestamp"],
             "nonce": V2A["nonce"], "echostr": V2A["encrypt"]}
    got = verify_app_url(settings, "liaison", query, now=_at(V2A["timestamp"]), environ=env)
    assert got == V2A["plaintext"]


def test_app_post_with_the_official_vector() -> None:
    query = {"msg_signature": V2B["msg_signature"], "timestamp": V2B["timestamp"],
             "nonce": V2B["nonce"]}
    body = f"<xml><Encrypt><![CDATA[{V2B['encrypt']}]]></Encrypt></xml>".encode()
    msg = app_inbound(SETTINGS, "liaison", query, body, now=_at(V2B["timestamp"]), environ=ENV)
    assert isinstance(msg, InboundMessage)
    assert (msg.channel, msg.chat_id, msg.text) == ("wecom-app:liaison", "@ChenJiaShun", "你好")

"""WeCom callback crypto against Tencent's / wechatpy's published vectors, plus rejects."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from bot.channels.wecom.crypto import (
    CallbackCrypto,
    WeComPayloadError,
    WeComSignatureError,
    check_fresh,
    sign,
)

# A verbatim copy of the shared research vectors (public Tencent / wechatpy samples).
VECTORS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "wecom" / "crypto_vectors.json"


def _vectors(kind: str) -> list[dict[str, Any]]:
    vectors = json.loads(VECTORS_FILE.read_text("utf-8"))["vectors"]
    found = [v for v in vectors if v["kind"] == kind]
    assert found, f"no {kind} vectors"
    return found


def _crypto(v: dict[str, Any], **override: str) -> CallbackCrypto:
    return CallbackCrypto(
        token=override.get("token", v["token"]),
        encoding_aes_key=override.get("encoding_aes_key", v["encoding_aes_key"]),
        receive_id=override.get("receive_id", v["receive_id"]),
    )


def _params(v: dict[str, Any]) -> dict[str, str]:
    return {"msg_signature": v["msg_signature"], "timestamp": v["timestamp"], "nonce": v["nonce"]}


def _xml_body(encrypt: str) -> str:
    return (
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID>218</AgentID></xml>"
    )


@pytest.mark.parametrize("v", _vectors("verify_url"), ids=lambda v: v["id"])
def test_verify_url_vectors(v: dict[str, Any]) -> None:
    assert _crypto(v).verify_url(echostr=v["encrypt"], **_params(v)) == v["plaintext"]


@pytest.mark.parametrize("v", _vectors("decrypt_xml"), ids=lambda v: v["id"])
def test_decrypt_xml_vectors(v: dict[str, Any]) -> None:
    body = _xml_body(v["encrypt"]).encode("utf-8")
    assert _crypto(v).decrypt_xml(body, **_params(v)) == v["plaintext"]


@pytest.mark.parametrize("v", _vectors("decrypt_json"), ids=lambda v: v["id"])
def test_decrypt_json_vectors(v: dict[str, Any]) -> None:
    body = json.dumps({"tousername": "x", "encrypt": v["encrypt"], "agentid": 218})
    assert _crypto(v).decrypt_json(body, **_params(v)) == v["plaintext"]


@pytest.mark.parametrize("v", _vectors("encrypt_xml"), ids=lambda v: v["id"])
def test_deterministic_encrypt_vector(v: dict[str, Any]) -> None:
    reply = _crypto(v).encrypt_reply(
        v["plaintext"], nonce=v["nonce"], timestamp=v["timestamp"], random16=v["random16"]
    )
    assert reply.encrypt == v["encrypt"]
    assert reply.msg_signature == v["msg_signature"]
    assert f"<Encrypt><![CDATA[{v['encrypt']}]]></Encrypt>" in reply.as_xml()


def test_ai_bot_round_trip_with_empty_receive_id() -> None:
    v = _vectors("verify_url")[0]
    bot = _crypto(v, receive_id="")
    plaintext = json.dumps({"msgid": "m1", "text": {"content": "@网格助手 井盖丢了"}},
                           ensure_ascii=False)
    reply = bot.encrypt_reply(plaintext, nonce="n1", timestamp="1700000000")
    envelope = json.loads(reply.as_json())
    assert set(envelope) == {"encrypt", "msgsignature", "timestamp", "nonce"}
    body = json.dumps({"encrypt": envelope["encrypt"]})
    got = bot.decrypt_json(
        body, msg_signature=envelope["msgsignature"], timestamp="1700000000", nonce="n1"
    )
    assert got == plaintext


# -- rejects ---------------------------------------------------------------------------------

V1B = _vectors("decrypt_xml")[0]


def test_tampered_signature_is_rejected() -> None:
    params = _params(V1B) | {"msg_signature": "0" * 40}
    with pytest.raises(WeComSignatureError):
        _crypto(V1B).decrypt_xml(_xml_body(V1B["encrypt"]), **params)


def test_flipped_nonce_is_rejected() -> None:
    v = next(x for x in _vectors("verify_url") if x["id"].startswith("V3a"))
    params = _params(v) | {"nonce": "437374424"}
    with pytest.raises(WeComSignatureError):
        _crypto(v).verify_url(echostr=v["encrypt"], **params)


def test_wrong_token_is_rejected() -> None:
    with pytest.raises(WeComSignatureError):
        _crypto(V1B, token="not-the-token").decrypt_xml(_xml_body(V1B["encrypt"]), **_params(V1B))


def test_forged_ciphertext_with_stolen_signature_is_rejected() -> None:
    forged = base64.b64encode(b"\x00" * 64).decode()
    with pytest.raises(WeComSignatureError):
        _crypto(V1B).decrypt_xml(_xml_body(forged), **_params(V1B))


def test_wrong_aes_key_is_rejected_even_with_empty_receive_id() -> None:
    other_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
    for receive_id in (V1B["receive_id"], ""):
        crypto = _crypto(V1B, encoding_aes_key=other_key, receive_id=receive_id)
        with pytest.raises(WeComPayloadError):
            crypto.decrypt_xml(_xml_body(V1B["encrypt"]), **_params(V1B))


def test_wrong_receive_id_is_rejected() -> None:
    v = next(x for x in _vectors("decrypt_xml") if x["id"].startswith("V2b"))
    with pytest.raises(WeComPayloadError, match="receive id"):
        _crypto(v, receive_id="wx5823bf96d3bd56c7").decrypt_xml(_xml_body(v["encrypt"]),
                                                                  **_params(v))


def test_payload_for_an_app_is_rejected_by_the_ai_bot() -> None:
    with pytest.raises(WeComPayloadError, match="receive id"):
        _crypto(V1B, receive_id="").decrypt_xml(_xml_body(V1B["encrypt"]), **_params(V1B))


@pytest.mark.parametrize("cut", [1, 4, 24, 100])
def test_truncated_ciphertext_is_rejected(cut: int) -> None:
    truncated = V1B["encrypt"][:-cut]
    signature = sign(token=V1B["token"], timestamp=V1B["timestamp"], nonce=V1B["nonce"],
                     encrypt=truncated)
    with pytest.raises(WeComPayloadError):
        _crypto(V1B).decrypt_xml(_xml_body(truncated), **(_params(V1B) | {
            "msg_signature": signature}))


@pytest.mark.parametrize(
    "body", ["", "not json", "[]", '{"encrypt": 5}', '{"Encrypt": "abc"}', '{"encrypt": ""}']
)
def test_malformed_json_body_is_rejected(body: str) -> None:
    with pytest.raises(WeComPayloadError):
        _crypto(V1B).decrypt_json(body, **_params(V1B))


@pytest.mark.parametrize("body", ["", "<xml>", "<xml><Other>1</Other></xml>", "{}"])
def test_malformed_xml_body_is_rejected(body: str) -> None:
    with pytest.raises(WeComPayloadError):
        _crypto(V1B).decrypt_xml(body, **_params(V1B))


@pytest.mark.parametrize("key", ["short", "!" * 43, "a" * 42])
def test_bad_encoding_aes_key_is_a_config_error(key: str) -> None:
    with pytest.raises(ValueError, match="EncodingAESKey 必须"):
        CallbackCrypto(token="t", encoding_aes_key=key, receive_id="")


def test_fresh_timestamp_passes_and_stale_one_is_rejected() -> None:
    check_fresh("1700000000", now=1700000290)
    with pytest.raises(WeComPayloadError, match="timestamp"):
        check_fresh("1700000000", now=1700000301)
    with pytest.raises(WeComPayloadError, match="integer"):
        check_fresh("soon", now=1700000000)

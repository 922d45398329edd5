"""Hostile bodies on every callback (generic, WeCom AI bot, WeCom app), over real HTTP:
oversized, invalid UTF-8, XML bombs, external entities and JSON nesting bombs are answered
with a clear 4xx and store nothing; signatures are checked before the body is parsed and
stale timestamps are refused."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import Engine, func, select

from bot.app import create_app
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from models.migrate import upgrade
from models.tables import InboundRow, OutboxRow, TicketRow
from tests.conftest import GENERIC_SECRET
from tests.e2e.wecom_support import AIBOT_URL, APP_URL, CORP, app_envelope, sealed
from tests.live import serve, signed_post

GENERIC_URL = "/channels/generic/bridge"
LIMIT = 65536  # Settings.max_body_bytes
CJK = re.compile(r"[\u4e00-\u9fff]")

BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
                  + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                             for i in range(9))
                  + b"]><xml><Encrypt>&j;</Encrypt></xml>")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   b"<xml><Encrypt>&x;</Encrypt></xml>")
JSON_NESTING_BOMB = b"[" * 60000
JSON_OBJECT_BOMB = b'{"a":' * 6000 + b"1" + b"}" * 6000
INVALID_UTF8 = b'{"encrypt": "\xff\xfe\xfd", "text": "\xc3\x28"}'

HOSTILE = {"billion_laughs": BILLION_LAUGHS, "external_entity": EXTERNAL_ENTITY,
           "json_nesting_bomb": JSON_NESTING_BOMB, "json_object_bomb": JSON_OBJECT_BOMB,
           "invalid_utf8": INVALID_UTF8, "empty": b""}


@pytest.fixture
def live(wecom_settings: Settings, engine: Engine,
         wecom_clock: VirtualClock) -> Iterator[httpx.Client]:
    upgrade(engine)
    with serve(create_app(wecom_settings, clock=wecom_clock)) as base, \
            httpx.Client(base_url=base, timeout=10) as client:  # a hang fails, never blocks
        yield client


def _nothing_stored(engine: Engine) -> bool:
    with engine.connect() as connection:
        return all(connection.scalar(select(func.count()).select_from(t)) == 0
                   for t in (InboundRow, TicketRow, OutboxRow))


def _clear_4xx(answer: httpx.Response, *statuses: int) -> None:
    assert answer.status_code in statuses, (answer.status_code, answer.text[:200])
    detail = answer.json()["detail"]
    assert CJK.search(detail), detail  # a clear reason, in Chinese


def _wecom_query() -> dict[str, str]:
    query, _ = sealed("irrelevant")
    return query


Post = Callable[[httpx.Client, bytes], httpx.Response]
SIGNED_POSTS: dict[str, Post] = {
    "generic": lambda c, body: signed_post(c, GENERIC_URL, body, GENERIC_SECRET),
    "wecom-aibot": lambda c, body: c.post(AIBOT_URL, params=_wecom_query(), content=body),
    "wecom-app": lambda c, body: c.post(APP_URL, params=_wecom_query(), content=body),
}


@pytest.mark.parametrize("endpoint", list(SIGNED_POSTS))
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_bodies_get_a_clear_4xx_and_store_nothing(
        live: httpx.Client, engine: Engine, endpoint: str, case: str) -> None:
    answer = SIGNED_POSTS[endpoint](live, HOSTILE[case])
    # The generic channel checks its HMAC over the raw bytes first, so a correctly signed
    # hostile body reaches the parser (422); WeCom signs only the Encrypt field, so a body
    # with no usable Encrypt field cannot be authenticated at all (401).
    _clear_4xx(answer, 422 if endpoint == "generic" else 401)
    assert _nothing_stored(engine)


@pytest.mark.parametrize("url", [GENERIC_URL, AIBOT_URL, APP_URL])
@pytest.mark.parametrize("declared", [True, False])
def test_oversized_bodies_are_refused_before_anything_else(
        live: httpx.Client, engine: Engine, url: str, declared: bool) -> None:
    body = b"{" * (LIMIT + 1)
    if declared:
        answer = live.post(url, content=body)
    else:  # chunked, no Content-Length: the limit is enforced while streaming
        answer = live.post(url, content=iter([body[:40000], body[40000:]]))
    _clear_4xx(answer, 413)
    assert _nothing_stored(engine)


def test_encrypted_xml_bomb_inside_a_valid_app_callback_is_refused(
        live: httpx.Client, engine: Engine) -> None:
    """Even a body sealed with our own key may not carry a DTD into wechatpy's parser."""
    for inner in (BILLION_LAUGHS, EXTERNAL_ENTITY):
        query, encrypt = sealed(inner.decode(), receive_id=CORP)
        _clear_4xx(live.post(APP_URL, params=query, content=app_envelope(encrypt)), 400)
    assert _nothing_stored(engine)


def test_encrypted_json_bomb_inside_a_valid_aibot_callback_is_refused(
        live: httpx.Client, engine: Engine) -> None:
    query, encrypt = sealed(JSON_NESTING_BOMB.decode()[:20000])
    answer = live.post(AIBOT_URL, params=query, content=json.dumps({"encrypt": encrypt}))
    _clear_4xx(answer, 400)
    assert _nothing_stored(engine)


# -- signatures before parsing, and replay ---------------------------------------------------

def _bad_signature(endpoint: str, body: bytes) -> Callable[[httpx.Client], httpx.Response]:
    stamp = str(int(time.time()))
    if endpoint == "generic":
        headers = {"X-Gridbot-Timestamp": stamp, "X-Gridbot-Signature": "sha256=" + "0" * 64}
        return lambda c: c.post(GENERIC_URL, content=body, headers=headers)
    query = {"msg_signature": "0" * 40, "timestamp": stamp, "nonce": "n"}
    url = AIBOT_URL if endpoint == "wecom-aibot" else APP_URL
    return lambda c: c.post(url, params=query, content=body)


@pytest.mark.parametrize("endpoint", list(SIGNED_POSTS))
@pytest.mark.parametrize("body", [b"{not json", b'{"message_id": 5}', BILLION_LAUGHS,
                                  JSON_NESTING_BOMB, INVALID_UTF8])
def test_bad_signature_with_malformed_body_is_401_not_422(
        live: httpx.Client, engine: Engine, endpoint: str, body: bytes) -> None:
    _clear_4xx(_bad_signature(endpoint, body)(live), 401)
    assert _nothing_stored(engine)


def test_bad_signature_on_a_well_formed_wecom_body_is_401(live: httpx.Client,
                                                          engine: Engine) -> None:
    query, encrypt = sealed('{"msgid": "m1"}')
    query["msg_signature"] = "f" * 40
    _clear_4xx(live.post(AIBOT_URL, params=query, content=json.dumps({"encrypt": encrypt})), 401)
    app_query, app_encrypt = sealed("<xml/>", receive_id=CORP)
    app_query["msg_signature"] = "f" * 40
    _clear_4xx(live.post(APP_URL, params=app_query, content=app_envelope(app_encrypt)), 401)
    assert _nothing_stored(engine)


def _generic_body(message_id: str) -> bytes:
    return json.dumps({"message_id": message_id, "chat": {"id": "xialing-grid"},
                       "sender": {"id": "grid-wang"}, "text": "文山路菜场门口跨门经营",
                       "mentions_bot": True}, ensure_ascii=False).encode()


def test_a_replayed_generic_request_with_an_old_timestamp_is_refused(
        live: httpx.Client, engine: Engine) -> None:
    old = int(time.time()) - 3600  # captured an hour ago, signature still valid for its bytes
    answer = signed_post(live, GENERIC_URL, _generic_body("replay-1"), GENERIC_SECRET,
                         timestamp=old)
    _clear_4xx(answer, 401)
    assert "防重放" in answer.json()["detail"]
    assert _nothing_stored(engine)


def test_a_replay_inside_the_window_is_a_duplicate_not_a_second_message(
        live: httpx.Client, engine: Engine) -> None:
    stamp = int(time.time())
    first, again = (signed_post(live, GENERIC_URL, _generic_body("replay-2"), GENERIC_SECRET,
                                timestamp=stamp) for _ in range(2))
    assert (first.json(), again.json()) == ({"ok": True, "duplicate": False},
                                            {"ok": True, "duplicate": True})
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(InboundRow)) == 1


@pytest.mark.parametrize("url", [AIBOT_URL, APP_URL])
def test_a_replayed_wecom_callback_with_an_old_timestamp_is_refused(
        live: httpx.Client, engine: Engine, url: str) -> None:
    receive_id = CORP if url == APP_URL else ""
    query, encrypt = sealed("{}", receive_id=receive_id, timestamp=int(time.time()) - 3600)
    body = app_envelope(encrypt) if url == APP_URL else json.dumps({"encrypt": encrypt}).encode()
    answer = live.post(url, params=query, content=body)
    _clear_4xx(answer, 401)
    assert "防重放" in answer.json()["detail"]
    assert _nothing_stored(engine)


def test_nul_characters_never_reach_the_database_as_a_500(live: httpx.Client,
                                                          engine: Engine) -> None:
    """PostgreSQL refuses NUL in text; a NUL in any field is a clear 422, never a crash."""
    body = json.dumps({"message_id": "nul\u0000-1", "chat": {"id": "xialing-grid"},
                       "sender": {"id": "grid-wang\u0000"}, "text": "跨门\u0000经营"}).encode()
    _clear_4xx(signed_post(live, GENERIC_URL, body, GENERIC_SECRET), 422)
    console = live.post("/console/api/messages", json={
        "chat_id": "xialing-grid", "sender_id": "grid-wang", "text": "跨门\u0000经营"})
    _clear_4xx(console, 422)
    _clear_4xx(live.get("/console/api/conversation", params={"chat_id": "a\u0000b"}), 422)
    assert _nothing_stored(engine)


def test_a_nul_inside_an_authenticated_wecom_message_is_dropped_not_a_crash(
        live: httpx.Client, engine: Engine) -> None:
    payload = {"msgid": "nul-9", "chatid": "xialing-grid", "chattype": "group",
               "from": {"userid": "grid-wang"}, "msgtype": "text",
               "text": {"content": "@网格助手 文山路\u0000跨门经营"}}
    query, encrypt = sealed(json.dumps(payload, ensure_ascii=False))
    answer = live.post(AIBOT_URL, params=query, content=json.dumps({"encrypt": encrypt}))
    assert answer.status_code == 200
    with engine.connect() as connection:
        assert connection.scalar(select(InboundRow.text)) == "文山路跨门经营"


@pytest.mark.parametrize("sent_at", [1e300, 1e12, "Infinity"])
def test_an_impossible_sent_at_is_a_clear_422(live: httpx.Client, engine: Engine,
                                              sent_at: float | str) -> None:
    raw = _generic_body("far-future")[:-1] + f', "sent_at": {sent_at}}}'.encode()
    _clear_4xx(signed_post(live, GENERIC_URL, raw, GENERIC_SECRET), 422)
    assert _nothing_stored(engine)


# -- the refusal log (the access log is off by default: bot/refusals.py) ---------------------

def test_a_refusal_is_logged_with_its_path_and_status_but_never_its_query(
        live: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.refusals")
    _clear_4xx(_bad_signature("generic", _generic_body("bad-1"))(live), 401)
    query, encrypt = sealed('{"msgid": "m1"}')
    query["msg_signature"] = "f" * 40
    _clear_4xx(live.post(AIBOT_URL, params=query, content=json.dumps({"encrypt": encrypt})), 401)
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.refusals"]
    assert lines == [f"refused POST {GENERIC_URL} with 401 (client 127.0.0.1)",
                     f"refused POST {AIBOT_URL} with 401 (client 127.0.0.1)"]
    assert not any(query["nonce"] in line or "f" * 40 in line for line in lines)


def test_an_accepted_message_adds_no_log_line(live: httpx.Client, engine: Engine,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.refusals")
    answer = signed_post(live, GENERIC_URL, _generic_body("fine-1"), GENERIC_SECRET)
    assert answer.json() == {"ok": True, "duplicate": False}
    assert [r for r in caplog.records if r.name == "bot.refusals"] == []
    with engine.connect() as connection:  # its record is the stored message
        assert connection.scalar(select(InboundRow.message_id)) == "fine-1"

"""Property tests of the inbound parsers: any bytes given to the generic body parser, any
JSON to the AI-bot translator, any XML to the app translator → a typed message, an
"ignored" note, or the channel's own clear error; never anything else."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.generic import GenericIn, _parse
from bot.channels.wecom.aibot import Ignored, parse_aibot_json, translate_aibot_callback
from bot.channels.wecom.app_inbound import translate_app_callback
from bot.channels.wecom.crypto import WeComPayloadError
from dispatcher.messages import InboundMessage

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20)
# Shapes close to a real generic body, so validation (not only JSON decoding) is exercised.

NEAR_GENERIC = st.fixed_dictionaries({
    "message_id": st.one_of(st.text(min_size=1, max_size=160), st.text(max_size=200), SCALARS),
    "chat": st.one_of(st.fixed_dictionaries({"id": st.text(min_size=1, max_size=128)}, optional={
        "type": st.sampled_from(["group", "private", "channel", ""]),
        "name": SCALARS}), JSON),
    "sender": st.one_of(st.fixed_dictionaries({"id": st.text(min_size=1, max_size=128)},
                                              optional={"name": SCALARS}), JSON),
}, optional={
    "text": st.one_of(st.text(max_size=300), SCALARS),
    "mentions": st.one_of(st.lists(st.text(max_size=10), max_size=120), JSON),
    "quote": st.one_of(st.none(), st.fixed_dictionaries({}, optional={
        "message_id": SCALARS, "text": SCALARS}), JSON),
    "sent_at": st.one_of(st.floats(), st.integers(), st.sampled_from([1e12, 1e300, -1, 2**63]),
                         SCALARS),
    "recalled": SCALARS,
})


def _generic(body: bytes) -> None:
    try:
        parsed = _parse(body)
    except HTTPException as err:
        refusal = err
    else:
        refusal = None
    if refusal is not None:
        assert refusal.status_code == 422
        assert CJK.search(str(refusal.detail)), refusal.detail
        return
    assert isinstance(parsed, GenericIn)
    message = parsed.to_message(source="bridge", received=NOW)
    assert isinstance(message, InboundMessage)
    assert message.sent_at.tzinfo is not None


@FUZZ
@given(body=st.binary(max_size=400))
def test_generic_parser_on_any_bytes(body: bytes) -> None:
    _generic(body)


# Every field well-typed, values anywhere in their type: what passes validation must also
# become a message (e.g. a sent_at far beyond the year 9999).
WELL_TYPED_GENERIC = st.fixed_dictionaries({
    "message_id": st.text(min_size=1, max_size=160),
    "chat": st.fixed_dictionaries({"id": st.text(min_size=1, max_size=128),
                                   "type": st.sampled_from(["group", "private"])}),
    "sender": st.fixed_dictionaries({"id": st.text(min_size=1, max_size=128),
                                     "name": st.text(max_size=128)}),
}, optional={
    "text": st.text(max_size=300), "mentions": st.lists(st.text(max_size=10), max_size=100),
    "mentions_bot": st.booleans(), "recalled": st.booleans(),
    "quote": st.fixed_dictionaries({}, optional={"message_id": st.text(max_size=160),
                                                 "text": st.text(max_size=300)}),
    "sent_at": st.one_of(st.floats(min_value=0), st.integers(min_value=0)),
})


@FUZZ
@given(document=st.one_of(JSON, NEAR_GENERIC, WELL_TYPED_GENERIC))
def test_generic_parser_on_any_json(document: Any) -> None:
    _generic(json.dumps(document, ensure_ascii=bool(len(str(document)) % 2)).encode())


AIBOT_LIKE = st.fixed_dictionaries({}, optional={
    "msgid": SCALARS, "chatid": SCALARS, "create_time": SCALARS,
    "chattype": st.sampled_from(["group", "single", "", "x"]),
    "from": st.one_of(st.fixed_dictionaries({"userid": SCALARS}), JSON),
    "msgtype": st.sampled_from(["text", "voice", "image", "file", "video", "mixed", "event",
                                "stream", "markdown", ""]),
    "text": st.one_of(st.fixed_dictionaries({"content": SCALARS}), JSON),
    "mixed": st.one_of(st.fixed_dictionaries({"msg_item": st.lists(JSON, max_size=3)}), JSON),
    "quote": JSON,
    "event": st.one_of(st.fixed_dictionaries({"eventtype": st.sampled_from(
        ["recall", "enter_chat", "x", ""])}, optional={"recall": JSON, "msgid": SCALARS}), JSON),
})


@FUZZ
@given(document=st.one_of(JSON, AIBOT_LIKE))
def test_aibot_translation_on_any_json(document: Any) -> None:
    try:
        payload = parse_aibot_json(json.dumps(document))
        result = translate_aibot_callback(payload, bot="grid", bot_name="网格助手",
                                          received_at=NOW)
    except WeComPayloadError:
        return
    assert isinstance(result, InboundMessage | Ignored)


XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30).map(
    lambda s: s.replace("]]>", ""))
APP_XML = st.builds(
    lambda fields: "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    + "</xml>",
    st.dictionaries(st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType",
                                     "Content", "MsgId", "AgentID", "Event", "Recognition"]),
                    st.one_of(XML_TEXT, st.sampled_from(["text", "event", "voice", "image",
                                                         "recall", "1000002", "1772413200"])),
                    max_size=9))


@FUZZ
@given(xml=st.one_of(APP_XML, st.text(max_size=200)))
def test_app_translation_on_any_xml(xml: str) -> None:
    try:
        result = translate_app_callback(xml, app="liaison", agent_id=1000002)
    except WeComPayloadError:
        return
    assert isinstance(result, InboundMessage | Ignored)

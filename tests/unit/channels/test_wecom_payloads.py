"""Robot/app payloads, UTF-8 cutting, errcode checks, rate limiter and coalescing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.base import SendError
from bot.channels.wecom.payloads import (
    ROBOT_MARKDOWN_LIMIT,
    ROBOT_TEXT_LIMIT,
    WeComApiError,
    app_payload,
    check_errcode,
    cut_utf8,
    robot_payload,
    utf8_len,
)
from bot.channels.wecom.ratelimit import RateLimiter, coalesce
from dispatcher.messages import OutboundMessage

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@given(st.text(), st.integers(min_value=0, max_value=64))
def test_cut_utf8_fits_and_keeps_a_prefix(text: str, limit: int) -> None:
    cut = cut_utf8(text, limit, mark="…")
    assert utf8_len(cut) <= limit
    if utf8_len(text) <= limit:
        assert cut == text
    else:
        assert text.startswith(cut.removesuffix("…"))


def test_cut_utf8_never_splits_a_chinese_character() -> None:
    text = "井盖" * 1000  # 6000 bytes
    cut = cut_utf8(text, ROBOT_TEXT_LIMIT)
    assert utf8_len(cut) <= ROBOT_TEXT_LIMIT
    assert cut.endswith("已截断）")
    assert set(cut.split("…")[0]) == {"井", "盖"}


def test_robot_text_mentions_by_userid_and_mobile_fallback() -> None:
    msg = OutboundMessage(chat_id="xialing-grid", text="【#A0012】请认领",
                          mentions=("zhifa-1", "x-1"))
    body = robot_payload(msg, mobiles={"x-1": "13800001111"})
    assert body == {"msgtype": "text", "text": {
        "content": "【#A0012】请认领", "mentioned_list": ["zhifa-1"],
        "mentioned_mobile_list": ["13800001111"]}}


def test_robot_markdown_mentions_inline_and_is_cut_at_4096_bytes() -> None:
    msg = OutboundMessage(chat_id="c", text="**日报**\n" + "网" * 3000, markdown=True,
                          mentions=("xialing-head",))
    body = robot_payload(msg, mobiles={})
    assert body["msgtype"] == "markdown"
    assert utf8_len(body["markdown"]["content"]) <= ROBOT_MARKDOWN_LIMIT
    short = robot_payload(OutboundMessage(chat_id="c", text="hi", markdown=True,
                                          mentions=("xialing-head",)), mobiles={})
    assert short["markdown"]["content"] == "hi\n<@xialing-head>"


def test_app_payload() -> None:
    body = app_payload(OutboundMessage(chat_id="@zhifa-1", text="你好"), agent_id=7,
                       users=["zhifa-1"])
    assert body == {"touser": "zhifa-1", "msgtype": "text", "agentid": 7,
                    "text": {"content": "你好"}}


@pytest.mark.parametrize(
    ("errcode", "retryable"),
    [(-1, True), (45009, True), (45033, True), (40001, False), (93000, False), (60020, False),
     (40014, False)],
)
def test_errcodes_are_classified(errcode: int, retryable: bool) -> None:
    with pytest.raises(WeComApiError) as info:
        check_errcode({"errcode": errcode, "errmsg": "x"}, what="robot")
    assert info.value.retryable is retryable
    assert info.value.errcode == errcode


def test_errcode_zero_passes_and_garbage_is_retryable() -> None:
    check_errcode({"errcode": 0, "errmsg": "ok"}, what="robot")
    with pytest.raises(SendError) as info:
        check_errcode({"errcode": "boom"}, what="robot")
    assert info.value.retryable


# -- rate limiter ---------------------------------------------------------------------------


def test_limiter_allows_twenty_then_waits_for_the_oldest_to_age_out() -> None:
    limiter = RateLimiter()
    for i in range(20):
        now = T0 + timedelta(seconds=i)
        assert limiter.next_allowed_at("k", now) == now
        limiter.record("k", now)
    assert limiter.next_allowed_at("k", T0 + timedelta(seconds=20)) == T0 + timedelta(seconds=60)
    assert limiter.next_allowed_at("other", T0) == T0  # per key


def test_limiter_hold_after_45009() -> None:
    limiter = RateLimiter()
    limiter.hold("k", T0 + timedelta(seconds=30))
    assert limiter.next_allowed_at("k", T0) == T0 + timedelta(seconds=30)
    assert limiter.next_allowed_at("k", T0 + timedelta(seconds=31)) == T0 + timedelta(seconds=31)


@given(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=80))
def test_worker_following_the_limiter_never_exceeds_twenty_per_window(arrivals: list[int]) -> None:
    limiter, sent = RateLimiter(), []
    for at in sorted(arrivals):
        now = limiter.next_allowed_at("k", T0 + timedelta(seconds=at))
        limiter.record("k", now)
        sent.append(now)
    assert len(sent) == len(arrivals)  # none dropped
    for start in sent:
        in_window = [t for t in sent if start <= t < start + timedelta(seconds=60)]
        assert len(in_window) <= 20


# -- coalescing -----------------------------------------------------------------------------


def _m(chat: str, text: str, *, markdown: bool = False, mentions: tuple[str, ...] = ()) -> (
    OutboundMessage
):
    return OutboundMessage(chat_id=chat, text=text, markdown=markdown, mentions=mentions)


def test_coalesce_joins_same_chat_and_format_in_order() -> None:
    batches = coalesce([
        _m("a", "一", mentions=("zhifa-1",)), _m("a", "二", mentions=("zhifa-1", "shuiwu-1")),
        _m("b", "三"), _m("a", "四", markdown=True), _m("a", "五", markdown=True),
    ])
    assert [b.sources for b in batches] == [(0, 1), (2,), (3, 4)]
    assert batches[0].message.text == "一\n\n二"
    assert batches[0].message.mentions == ("zhifa-1", "shuiwu-1")


def test_coalesce_respects_the_byte_limit() -> None:
    msgs = [_m("a", "网" * 300) for _ in range(5)]  # 900 bytes each
    batches = coalesce(msgs)
    assert [b.sources for b in batches] == [(0, 1), (2, 3), (4,)]
    assert all(utf8_len(b.message.text) <= ROBOT_TEXT_LIMIT for b in batches)
    assert [b.sources for b in coalesce(msgs, limit_bytes=900)] == [(i,) for i in range(5)]


def test_coalesce_keeps_ticket_only_when_shared() -> None:
    a = OutboundMessage(chat_id="a", text="x", ticket="A0001")
    b = OutboundMessage(chat_id="a", text="y", ticket="A0002")
    assert coalesce([a, b])[0].message.ticket is None
    assert coalesce([a, a])[0].message.ticket == "A0001"

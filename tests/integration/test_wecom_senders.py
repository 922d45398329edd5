"""RobotSender / AppSender over real HTTP against the local fake WeCom server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import httpx
import pytest

from bot.channels.base import Deferred, SendError
from bot.channels.wecom.payloads import utf8_len
from bot.channels.wecom.ratelimit import RateLimiter, coalesce
from bot.channels.wecom.senders import AppSender, RobotSender, make_http_client
from bot.channels.wecom.settings import WeComSettings
from dispatcher.clock import VirtualClock
from dispatcher.messages import OutboundMessage
from tests.fakes.fake_wecom import FakeWeCom

ROBOT, APP_SEND, GETTOKEN = "/cgi-bin/webhook/send", "/cgi-bin/message/send", "/cgi-bin/gettoken"
ENV = {"XIALING_ROBOT_KEY": "key-xialing", "DONGJIANG_ROBOT_KEY": "key-dongjiang",
       "LIAISON_APP_SECRET": "app-secret", "T": "token", "K": "k" * 43}
T = TypeVar("T")


# A hang is cut short by the client's timeout. Any other call gets a timeout no loaded CI
# machine reaches: with 0.5 s, a first call whose handler started late was abandoned, the
# retry reached the fake first and took the failure scripted for the first.
HANG_TIMEOUT_S, TIMEOUT_S = 0.5, 10.0


def _settings(base_url: str, *, timeout_s: float = TIMEOUT_S) -> WeComSettings:
    return WeComSettings.model_validate({
        "base_url": base_url, "corp_id": "wwfakecorp", "timeout_seconds": timeout_s,
        "robots": {"xialing-grid": {"key_env": "XIALING_ROBOT_KEY"},
                   "dongjiang-grid": {"key_env": "DONGJIANG_ROBOT_KEY"},
                   "lanjiang-center": {"key_env": "UNSET_ROBOT_KEY"}},
        "apps": {"liaison": {"agent_id": 1000002, "secret_env": "LIAISON_APP_SECRET",
                             "token_env": "T", "aes_key_env": "K"}},
        "mobiles": {"wuye-1": "13800001111"},
    })


def _run(make: Callable[[httpx.AsyncClient], Awaitable[T]], fake: FakeWeCom, *,
         timeout_s: float = TIMEOUT_S) -> T:
    async def main() -> T:
        settings = _settings(fake.base_url, timeout_s=timeout_s)
        async with make_http_client(settings) as http:
            return await make(http)
    return asyncio.run(main())


def _robot(http: httpx.AsyncClient, fake: FakeWeCom, clock: VirtualClock) -> RobotSender:
    return RobotSender(http=http, settings=_settings(fake.base_url), clock=clock, environ=ENV)


def _app(http: httpx.AsyncClient, fake: FakeWeCom, clock: VirtualClock) -> AppSender:
    return AppSender(http=http, settings=_settings(fake.base_url), app="liaison", clock=clock,
                     environ=ENV)


CLAIM = OutboundMessage(chat_id="xialing-grid", text="【#A0012】文山路跨门经营，请认领",
                        mentions=("zhifa-1", "wuye-1"), ticket="A0012")


# -- robot ----------------------------------------------------------------------------------


def test_robot_text_carries_mentions(fake_wecom: FakeWeCom, wecom_clock: VirtualClock) -> None:
    async def go(http: httpx.AsyncClient) -> None:
        await _robot(http, fake_wecom, wecom_clock).send(CLAIM, target="xialing-grid")
    _run(go, fake_wecom)
    (call,) = fake_wecom.calls
    assert call.query == {"key": "key-xialing"}
    assert call.body == {"msgtype": "text", "text": {
        "content": CLAIM.text, "mentioned_list": ["zhifa-1"],
        "mentioned_mobile_list": ["13800001111"]}}


def test_robot_cuts_long_text_by_utf8_bytes(fake_wecom: FakeWeCom,
                                            wecom_clock: VirtualClock) -> None:
    long = OutboundMessage(chat_id="xialing-grid", text="网格" * 2000)
    digest = OutboundMessage(chat_id="xialing-grid", text="## 日报\n" + "办" * 3000, markdown=True)

    async def go(http: httpx.AsyncClient) -> None:
        robot = _robot(http, fake_wecom, wecom_clock)
        await robot.send(long, target="xialing-grid")
        await robot.send(digest, target="xialing-grid")
    _run(go, fake_wecom)
    text, markdown = fake_wecom.delivered(ROBOT)
    assert 2000 < utf8_len(text["text"]["content"]) <= 2048
    assert 4000 < utf8_len(markdown["markdown"]["content"]) <= 4096


@pytest.mark.parametrize(
    ("mode", "errcode"), [("errcode", 45009), ("errcode", -1), ("http500", 0), ("hang", 0)]
)
def test_robot_transient_failures_are_retryable_and_deliver_once(
    fake_wecom: FakeWeCom, wecom_clock: VirtualClock, mode: str, errcode: int
) -> None:
    fake_wecom.fail_next(1, path=ROBOT, mode=mode, errcode=errcode)

    async def go(http: httpx.AsyncClient) -> SendError:
        robot = _robot(http, fake_wecom, wecom_clock)
        with pytest.raises(SendError) as info:
            await robot.send(CLAIM, target="xialing-grid")
        wecom_clock.advance(timedelta(seconds=61))  # what the outbox's retry delay does
        await robot.send(CLAIM, target="xialing-grid")
        return info.value
    error = _run(go, fake_wecom, timeout_s=HANG_TIMEOUT_S if mode == "hang" else TIMEOUT_S)
    assert error.retryable
    assert "key-xialing" not in error.reason
    assert len(fake_wecom.delivered(ROBOT)) == 1


def test_robot_45009_holds_the_key_for_a_minute(fake_wecom: FakeWeCom,
                                                wecom_clock: VirtualClock) -> None:
    fake_wecom.fail_next(1, path=ROBOT, errcode=45009)

    async def go(http: httpx.AsyncClient) -> Deferred:
        robot = _robot(http, fake_wecom, wecom_clock)
        with pytest.raises(SendError):
            await robot.send(CLAIM, target="xialing-grid")
        with pytest.raises(Deferred) as info:  # refused locally, WeCom not bothered
            await robot.send(CLAIM, target="xialing-grid")
        return info.value
    error = _run(go, fake_wecom)
    assert error.retry_at == wecom_clock.now() + timedelta(seconds=60)
    assert fake_wecom.count(ROBOT) == 1


@pytest.mark.parametrize("target", ["lanjiang-center", "no-such-chat"])
def test_robot_without_key_is_not_retryable(fake_wecom: FakeWeCom, wecom_clock: VirtualClock,
                                            target: str) -> None:
    async def go(http: httpx.AsyncClient) -> SendError:
        with pytest.raises(SendError) as info:
            await _robot(http, fake_wecom, wecom_clock).send(CLAIM, target=target)
        return info.value
    assert not _run(go, fake_wecom).retryable
    assert fake_wecom.calls == []


def test_robot_invalid_key_is_not_retryable(fake_wecom: FakeWeCom,
                                            wecom_clock: VirtualClock) -> None:
    fake_wecom.invalid_keys.add("key-xialing")

    async def go(http: httpx.AsyncClient) -> SendError:
        with pytest.raises(SendError) as info:
            await _robot(http, fake_wecom, wecom_clock).send(CLAIM, target="xialing-grid")
        return info.value
    error = _run(go, fake_wecom)
    assert not error.retryable
    assert "93000" in error.reason


def test_robot_rate_limit_queues_and_drops_nothing(fake_wecom: FakeWeCom,
                                                   wecom_clock: VirtualClock) -> None:
    """A worker that follows next_allowed_at sends 50 messages to one chat without a 45009."""
    queue = [OutboundMessage(chat_id="xialing-grid", text=f"消息{i}") for i in range(50)]
    queue += [OutboundMessage(chat_id="dongjiang-grid", text="另一个群")]
    sent_at: list[tuple[str, datetime]] = []

    async def go(http: httpx.AsyncClient) -> None:
        robot = _robot(http, fake_wecom, wecom_clock)
        for msg in queue:
            wecom_clock.set(robot.next_allowed_at(msg.chat_id, wecom_clock.now()))
            await robot.send(msg, target=msg.chat_id)
            sent_at.append((msg.chat_id, wecom_clock.now()))
    _run(go, fake_wecom)
    assert [b["text"]["content"] for b in fake_wecom.delivered(ROBOT)] == [m.text for m in queue]
    times = [t for chat, t in sent_at if chat == "xialing-grid"]
    for start in times:
        assert sum(1 for t in times if start <= t < start + timedelta(seconds=60)) <= 20
    assert times[-1] - times[0] >= timedelta(seconds=120)  # 50 sends need three windows


def test_coalesced_backlog_goes_out_in_fewer_sends(fake_wecom: FakeWeCom,
                                                   wecom_clock: VirtualClock) -> None:
    backlog = [OutboundMessage(chat_id="xialing-grid", text=f"【#A00{i:02d}】提醒",
                               mentions=("zhifa-1",)) for i in range(30)]

    async def go(http: httpx.AsyncClient) -> None:
        robot = _robot(http, fake_wecom, wecom_clock)
        for batch in coalesce(backlog):
            await robot.send(batch.message, target="xialing-grid")
    _run(go, fake_wecom)
    (only,) = fake_wecom.delivered(ROBOT)
    assert all(m.text in only["text"]["content"] for m in backlog)
    assert only["text"]["mentioned_list"] == ["zhifa-1"]


def test_limiter_is_shared_per_key_not_per_sender(fake_wecom: FakeWeCom,
                                                  wecom_clock: VirtualClock) -> None:
    limiter = RateLimiter(limit=2)

    async def go(http: httpx.AsyncClient) -> Deferred:
        settings = _settings(fake_wecom.base_url)
        a, b = (RobotSender(http=http, settings=settings, limiter=limiter, clock=wecom_clock,
                            environ=ENV) for _ in range(2))
        await a.send(CLAIM, target="xialing-grid")
        await b.send(CLAIM, target="xialing-grid")
        with pytest.raises(Deferred) as info:
            await a.send(CLAIM, target="xialing-grid")
        return info.value
    assert _run(go, fake_wecom).retry_at > wecom_clock.now()
    assert fake_wecom.count(ROBOT) == 2
    assert fake_wecom.count(ROBOT) == 2


# -- app ------------------------------------------------------------------------------------

PRIVATE = OutboundMessage(chat_id="@zhifa-1", text="A0012 认领时限还剩 12 分钟")


def test_app_fetches_a_token_once_and_reuses_it(fake_wecom: FakeWeCom,
                                                wecom_clock: VirtualClock) -> None:
    async def go(http: httpx.AsyncClient) -> None:
        app = _app(http, fake_wecom, wecom_clock)
        await app.send(PRIVATE, target="@zhifa-1")
        wecom_clock.advance(timedelta(hours=1))
        await app.send(PRIVATE, target="@zhifa-1")
    _run(go, fake_wecom)
    assert fake_wecom.count(GETTOKEN) == 1
    first, second = fake_wecom.delivered(APP_SEND)
    assert first == {"touser": "zhifa-1", "msgtype": "text", "agentid": 1000002,
                     "text": {"content": PRIVATE.text}}
    assert first == second


def test_app_refreshes_the_token_before_it_expires(fake_wecom: FakeWeCom,
                                                   wecom_clock: VirtualClock) -> None:
    async def go(http: httpx.AsyncClient) -> None:
        app = _app(http, fake_wecom, wecom_clock)
        await app.send(PRIVATE, target="@zhifa-1")
        wecom_clock.advance(timedelta(seconds=7200 - 60))  # inside the safety margin
        await app.send(PRIVATE, target="@zhifa-1")
    _run(go, fake_wecom)
    assert fake_wecom.count(GETTOKEN) == 2
    assert [c.delivered for c in fake_wecom.calls if c.path == APP_SEND] == [True, True]


def test_app_retries_once_with_a_new_token_when_wecom_expires_it(
    fake_wecom: FakeWeCom, wecom_clock: VirtualClock
) -> None:
    async def go(http: httpx.AsyncClient) -> None:
        app = _app(http, fake_wecom, wecom_clock)
        await app.send(PRIVATE, target="@zhifa-1")
        fake_wecom.expire_tokens()  # WeCom revoked it early (42001)
        await app.send(PRIVATE, target="@zhifa-1")
    _run(go, fake_wecom)
    assert fake_wecom.count(GETTOKEN) == 2
    assert [c.delivered for c in fake_wecom.calls if c.path == APP_SEND] == [True, False, True]
    assert len(fake_wecom.delivered(APP_SEND)) == 2


def test_app_bad_secret_is_not_retryable(fake_wecom: FakeWeCom,
                                         wecom_clock: VirtualClock) -> None:
    fake_wecom.secrets.clear()

    async def go(http: httpx.AsyncClient) -> SendError:
        with pytest.raises(SendError) as info:
            await _app(http, fake_wecom, wecom_clock).send(PRIVATE, target="@zhifa-1")
        return info.value
    error = _run(go, fake_wecom)
    assert not error.retryable
    assert "40001" in error.reason
    assert "app-secret" not in error.reason


@pytest.mark.parametrize(("path", "mode"), [(GETTOKEN, "http500"), (APP_SEND, "errcode"),
                                            (APP_SEND, "hang")])
def test_app_transient_failures_are_retryable_and_deliver_once(
    fake_wecom: FakeWeCom, wecom_clock: VirtualClock, path: str, mode: str
) -> None:
    fake_wecom.fail_next(1, path=path, mode=mode)

    async def go(http: httpx.AsyncClient) -> SendError:
        app = _app(http, fake_wecom, wecom_clock)
        with pytest.raises(SendError) as info:
            await app.send(PRIVATE, target="@zhifa-1")
        await app.send(PRIVATE, target="@zhifa-1")
        return info.value
    timeout_s = HANG_TIMEOUT_S if mode == "hang" else TIMEOUT_S
    assert _run(go, fake_wecom, timeout_s=timeout_s).retryable
    assert len(fake_wecom.delivered(APP_SEND)) == 1

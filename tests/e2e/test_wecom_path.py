"""The WeCom path over real HTTP: encrypted callbacks in, robot @-mentions out to the local
fake WeCom server, with duplicates, failures, rejected callbacks and a restart."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from dispatcher.messages import OutboundMessage
from models.migrate import upgrade
from models.tables import InboundRow, OutboxRow, TicketRow
from tests.e2e.wecom_support import AIBOT_URL, APP_URL, CORP, app_envelope, sealed
from tests.fakes.fake_wecom import FakeWeCom
from tests.live import serve, wait_for

ROBOT, APP_SEND = "/cgi-bin/webhook/send", "/cgi-bin/message/send"
REPORT = "@网格助手 文山路菜场门口有人跨门经营"


@contextmanager
def _running(settings: Settings, clock: VirtualClock) -> Iterator[httpx.Client]:
    with serve(create_app(settings, clock=clock)) as base, \
            httpx.Client(base_url=base, timeout=10) as client:
        yield client


@pytest.fixture
def live(wecom_settings: Settings, engine: Engine,
         wecom_clock: VirtualClock) -> Iterator[httpx.Client]:
    upgrade(engine)
    with _running(wecom_settings, wecom_clock) as client:
        yield client


def _aibot_callback(client: httpx.Client, clock: VirtualClock, *, msgid: str = "msg-1",
                    text: str = REPORT, **seal: Any) -> httpx.Response:
    payload = {"msgid": msgid, "aibotid": "AIBOT", "chatid": "xialing-grid",
               "chattype": "group", "from": {"userid": "grid-wang"},
               "create_time": int(clock.now().timestamp()), "msgtype": "text",
               "text": {"content": text}}
    query, encrypt = sealed(json.dumps(payload, ensure_ascii=False), **seal)
    return client.post(AIBOT_URL, params=query, content=json.dumps({"encrypt": encrypt}))


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def _robot_outbox(engine: Engine) -> list[OutboxRow]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.channel == "wecom-robot")))


def _last_error_has(engine: Engine, text: str) -> bool:
    return any(text in (row.last_error or "") for row in _robot_outbox(engine))


def _failures(client: httpx.Client) -> float:
    """gridbot_outbox_failures_total for the robot channel, retryable attempts only."""
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if (sample.name == "gridbot_outbox_failures_total"
                    and sample.labels == {"channel": "wecom-robot", "final": "false"}):
                return float(sample.value)
    return 0.0


def test_report_becomes_a_ticket_and_a_robot_mention(
        live: httpx.Client, engine: Engine, fake_wecom: FakeWeCom,
        wecom_clock: VirtualClock) -> None:
    answer = _aibot_callback(live, wecom_clock)
    assert answer.status_code == 200
    assert answer.text == ""
    (sent,) = wait_for(lambda: fake_wecom.delivered(ROBOT))
    assert sent["msgtype"] == "text"
    assert sent["text"]["mentioned_list"] == ["zhifa-1"]
    assert "A0001" in sent["text"]["content"]
    assert _count(engine, TicketRow) == 1
    assert fake_wecom.calls[0].query == {"key": "key-xialing"}


def test_the_same_callback_three_times_is_one_ticket(
        live: httpx.Client, engine: Engine, fake_wecom: FakeWeCom,
        wecom_clock: VirtualClock) -> None:
    answers = [_aibot_callback(live, wecom_clock, msgid="dup-1") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    wait_for(lambda: fake_wecom.delivered(ROBOT))
    assert _count(engine, InboundRow) == 1
    assert _count(engine, TicketRow) == 1
    assert len(fake_wecom.delivered(ROBOT)) == 1


def test_busy_then_broken_then_ok_is_delivered_once_and_counted(
        live: httpx.Client, engine: Engine, fake_wecom: FakeWeCom,
        wecom_clock: VirtualClock) -> None:
    before = _failures(live)
    fake_wecom.fail_next(1, path=ROBOT, mode="errcode", errcode=45009)
    fake_wecom.fail_next(1, path=ROBOT, mode="http500")
    _aibot_callback(live, wecom_clock, msgid="flaky-1")
    # The clock moves only once the worker has recorded the failure and its next attempt.
    wait_for(lambda: _last_error_has(engine, "errcode 45009"))
    wecom_clock.advance(timedelta(seconds=61))  # 45009: the robot waits out the minute
    wait_for(lambda: _last_error_has(engine, "HTTP 500"))
    wecom_clock.advance(timedelta(seconds=10))  # HTTP 500: exponential backoff
    wait_for(lambda: fake_wecom.delivered(ROBOT))
    (row,) = wait_for(lambda: [r for r in _robot_outbox(engine) if r.status == "sent"])
    assert row.attempts == 3
    assert fake_wecom.count(ROBOT) == 3
    assert len(fake_wecom.delivered(ROBOT)) == 1
    assert _failures(live) == before + 2


@pytest.mark.parametrize("case", ["bad_signature", "forged_payload", "stale", "not_json"])
def test_rejected_callbacks_store_nothing(live: httpx.Client, engine: Engine,
                                          wecom_clock: VirtualClock, case: str) -> None:
    if case == "bad_signature":
        query, encrypt = sealed('{"msgid": "x"}')
        query["msg_signature"] = "0" * 40
        answer = live.post(AIBOT_URL, params=query, content=json.dumps({"encrypt": encrypt}))
    elif case == "forged_payload":  # signed with the right token, sealed with another key
        other = base64.b64encode(bytes(range(1, 33))).decode().rstrip("=")
        answer = _aibot_callback(live, wecom_clock, aes_key=other)
    elif case == "stale":
        answer = _aibot_callback(live, wecom_clock, timestamp=int(time.time()) - 600)
    else:
        query, _ = sealed("x")
        answer = live.post(AIBOT_URL, params=query, content=b"{not json")
    assert answer.status_code in {400, 401}
    assert _count(engine, InboundRow) == 0


def test_unknown_bot_and_oversize_body(live: httpx.Client, engine: Engine) -> None:
    assert live.post("/channels/wecom-aibot/nobody", content=b"{}").status_code == 404
    assert live.get("/channels/wecom-app/nobody").status_code == 404
    assert live.post(AIBOT_URL, content=b"x" * 70_000).status_code == 413
    assert _count(engine, InboundRow) == 0


def test_url_verification_returns_the_bare_plaintext(live: httpx.Client) -> None:
    query, echostr = sealed("echo-1234567890")
    answer = live.get(AIBOT_URL, params={**query, "echostr": echostr})
    assert answer.status_code == 200
    assert answer.text == "echo-1234567890"
    app_query, app_echo = sealed("app-echo-42", receive_id=CORP)
    assert live.get(APP_URL, params={**app_query, "echostr": app_echo}).text == "app-echo-42"


def test_recall_is_stored_beside_the_original(live: httpx.Client, engine: Engine,
                                              wecom_clock: VirtualClock) -> None:
    assert _aibot_callback(live, wecom_clock, msgid="orig-1").status_code == 200
    recall = {"msgid": "evt-9", "chatid": "xialing-grid", "chattype": "group",
              "from": {"userid": "grid-wang"}, "msgtype": "event",
              "event": {"eventtype": "recall", "recall": {"msgid": "orig-1"}}}
    query, encrypt = sealed(json.dumps(recall))
    assert live.post(AIBOT_URL, params=query,
                     content=json.dumps({"encrypt": encrypt})).status_code == 200
    with engine.connect() as connection:
        rows = connection.execute(
            select(InboundRow.message_id, InboundRow.recalled).order_by(InboundRow.id)).all()
    assert [tuple(r) for r in rows] == [("orig-1", False), ("orig-1#recall", True)]


def test_app_callback_is_stored_and_acknowledged(live: httpx.Client, engine: Engine,
                                                 wecom_clock: VirtualClock) -> None:
    xml = ("<xml><ToUserName><![CDATA[wwfakecorp]]></ToUserName>"
           "<FromUserName><![CDATA[zhifa-1]]></FromUserName>"
           f"<CreateTime>{int(wecom_clock.now().timestamp())}</CreateTime>"
           "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[认领]]></Content>"
           "<MsgId>7001</MsgId><AgentID>1000002</AgentID></xml>")
    query, encrypt = sealed(xml, receive_id=CORP)
    body = app_envelope(encrypt)
    for _ in range(2):
        answer = live.post(APP_URL, params=query, content=body)
        assert (answer.status_code, answer.text) == (200, "success")
    with engine.connect() as connection:
        rows = connection.execute(select(InboundRow.channel, InboundRow.chat_id)).all()
    assert [tuple(r) for r in rows] == [("wecom-app:liaison", "@zhifa-1")]


def test_unsent_messages_survive_a_restart(wecom_settings: Settings, engine: Engine,
                                           fake_wecom: FakeWeCom,
                                           wecom_clock: VirtualClock) -> None:
    upgrade(engine)
    fake_wecom.fail_next(100, path=ROBOT, mode="http500")
    with _running(wecom_settings, wecom_clock) as client:
        assert _aibot_callback(client, wecom_clock, msgid="restart-1").status_code == 200
        wait_for(lambda: fake_wecom.count(ROBOT) >= 1)
    assert [r.status for r in _robot_outbox(engine)] == ["pending"]
    fake_wecom.heal()
    with _running(wecom_settings, wecom_clock):
        wecom_clock.advance(timedelta(seconds=61))
        wait_for(lambda: [r for r in _robot_outbox(engine) if r.status == "sent"])
    assert len(fake_wecom.delivered(ROBOT)) == 1
    assert _count(engine, TicketRow) == 1


def test_private_messages_go_out_through_the_app(wecom_settings: Settings, engine: Engine,
                                                 fake_wecom: FakeWeCom,
                                                 wecom_clock: VirtualClock) -> None:
    upgrade(engine)
    app = create_app(wecom_settings, clock=wecom_clock)
    with serve(app):
        services = app.state.runtime.services
        with services.unit_of_work() as uow:  # what the desk does for a private reply
            uow.outbox.post(OutboundMessage(chat_id="@zhifa-1", text="您有一张待认领的工单"),
                            at=wecom_clock.now())
            uow.commit()
        (sent,) = wait_for(lambda: fake_wecom.delivered(APP_SEND))
    assert sent["touser"] == "zhifa-1"
    assert sent["agentid"] == 1000002
    assert sent["text"] == {"content": "您有一张待认领的工单"}

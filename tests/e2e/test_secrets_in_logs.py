"""An end-to-end run (generic channel, WeCom AI bot in, group robot and app out through the
fake WeCom server, a failed send) with every log captured at DEBUG — ours, uvicorn's, httpx's:
no configured secret, no access token, no robot webhook key and no full phone number appears."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine, func, select

from bot import logredact
from bot.app import create_app
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from dispatcher.messages import OutboundMessage
from models.migrate import upgrade
from models.tables import OutboxRow
from tests.conftest import GENERIC_SECRET
from tests.e2e.wecom_support import AIBOT_URL, SECRETS_ENV, sealed
from tests.fakes.fake_wecom import FakeWeCom
from tests.live import serve, signed_post, wait_for

ROBOT, APP_SEND = "/cgi-bin/webhook/send", "/cgi-bin/message/send"
PHONE = "13812345678"
LOGGERS = ["", "bot", "dispatcher", "models", "uvicorn", "uvicorn.error", "uvicorn.access",
           "httpx", "httpcore", "apscheduler", "sqlalchemy.engine"]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Capture]:
    """A DEBUG handler on every logger that matters (uvicorn's do not propagate to root)."""
    handler = Capture()
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name, level in saved.items():
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(level)


def _debug_everywhere() -> None:
    # After uvicorn has configured its own loggers (it sets them to the serve() level).
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def _failed_sends(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(OutboxRow)
                                     .where(OutboxRow.last_error.is_not(None))) or 0)


def _report(client: httpx.Client, msgid: str, text: str) -> None:
    payload = {"msgid": msgid, "chatid": "xialing-grid", "chattype": "group",
               "from": {"userid": "grid-wang"}, "msgtype": "text", "text": {"content": text}}
    query, encrypt = sealed(json.dumps(payload, ensure_ascii=False))
    assert client.post(AIBOT_URL, params=query,
                       content=json.dumps({"encrypt": encrypt})).status_code == 200


def test_an_end_to_end_run_logs_no_secret_and_no_phone(
        wecom_settings: Settings, engine: Engine, fake_wecom: FakeWeCom,
        wecom_clock: VirtualClock, captured: Capture) -> None:
    upgrade(engine)
    fake_wecom.fail_next(1, path=ROBOT, mode="http500")  # a failure is logged too
    app = create_app(wecom_settings, clock=wecom_clock)
    with serve(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        _debug_everywhere()
        body = json.dumps({"message_id": "g-1", "chat": {"id": "xialing-grid"},
                           "sender": {"id": "grid-wang"}, "mentions_bot": True,
                           "text": f"文山路菜场门口有人跨门经营，联系人{PHONE}"},
                          ensure_ascii=False).encode()
        assert signed_post(client, "/channels/generic/bridge", body, GENERIC_SECRET).is_success
        _report(client, "w-1", f"@网格助手 兰江路有人占道经营 电话{PHONE}")
        wait_for(lambda: fake_wecom.count(ROBOT) >= 1)
        # The failure must be on record before the clock moves: its retry time is counted
        # from the virtual now, so advancing first would put the retry out of reach.
        wait_for(lambda: _failed_sends(engine))
        wecom_clock.advance(timedelta(seconds=30))  # past the backoff of the failed send
        wait_for(lambda: fake_wecom.delivered(ROBOT))
        with app.state.runtime.services.unit_of_work() as uow:
            uow.outbox.post(OutboundMessage(chat_id="@zhifa-1", text=f"请回电 {PHONE}"),
                            at=wecom_clock.now())
            uow.commit()
        wait_for(lambda: fake_wecom.delivered(APP_SEND))
        logging.getLogger("bot.test").warning("来电人 %s 反映问题", PHONE)
        try:
            raise RuntimeError(f"failure carrying {SECRETS_ENV['T_APP_SECRET']}")
        except RuntimeError:
            logging.getLogger("bot.test").exception("a crash")
    text = "\n".join(captured.lines)
    access_tokens = [c.query["access_token"] for c in fake_wecom.calls if c.path == APP_SEND]
    secrets = [GENERIC_SECRET, *SECRETS_ENV.values(), *access_tokens]
    assert access_tokens and all(len(s) >= 4 for s in secrets)
    # The run really logged: httpx request lines for the robot, the token and the app.
    assert "cgi-bin/webhook/send?key=***" in text
    assert "access_token=***" in text and "corpsecret=***" in text
    for secret in secrets:
        assert secret not in text, secret
    assert PHONE not in text
    assert "来电人 138****5678 反映问题" in text
    assert "failure carrying ***" in text


def test_redaction_rules() -> None:
    logredact.add_secrets(["s3cr3t-value", "ab"])  # too short to mask safely: ignored
    assert logredact.redact("x s3cr3t-value y ab") == "x *** y ab"
    assert logredact.redact("GET /send?key=abc-123&x=1 HTTP") == "GET /send?key=***&x=1 HTTP"
    assert logredact.redact("电话 0574-62345678 或 13912345678") == "电话 0574-****5678 或 139****5678"

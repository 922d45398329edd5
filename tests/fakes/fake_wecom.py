"""A local fake WeCom server: a real HTTP server on 127.0.0.1 for sender tests.

Implements ``/cgi-bin/gettoken``, ``/cgi-bin/message/send`` and ``/cgi-bin/webhook/send``,
records every call, enforces the robot limit (20 per rolling 60 s per key, on the test's
clock) and can be scripted to fail the next calls (errcode, HTTP 500, or hang until the
client gives up).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Clock = Callable[[], datetime]
ROBOT_LIMIT, ROBOT_WINDOW = 20, timedelta(seconds=60)
HANG_CAP_SECONDS = 10.0  # a hung request is released at teardown, or after this at worst


@dataclass(frozen=True)
class Call:
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    delivered: bool  # answered errcode 0
    at: datetime | None = None  # arrival time on the test's clock


@dataclass
class _Failure:
    path: str
    mode: str  # "errcode" | "http500" | "hang"
    errcode: int


@dataclass
class FakeWeCom:
    clock: Clock
    corp_id: str = "wwfakecorp"
    secrets: set[str] = field(default_factory=lambda: {"app-secret"})
    token_lifetime: int = 7200
    invalid_keys: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    base_url: str = ""
    _failures: deque[_Failure] = field(default_factory=deque)
    _tokens: dict[str, datetime] = field(default_factory=dict)
    _robot_sends: dict[str, deque[datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _release: threading.Event = field(default_factory=threading.Event)

    # -- scripting ------------------------------------------------------------------------

    def fail_next(self, n: int, *, path: str, mode: str = "errcode", errcode: int = 45009) -> None:
        """The next ``n`` calls to ``path`` fail the given way."""
        assert mode in {"errcode", "http500", "hang"}
        with self._lock:
            self._failures.extend(_Failure(path, mode, errcode) for _ in range(n))

    def heal(self) -> None:
        """Forget every scripted failure that has not happened yet."""
        with self._lock:
            self._failures.clear()

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens = {token: self.clock() for token in self._tokens}

    def delivered(self, path: str) -> list[dict[str, Any]]:
        return [c.body or {} for c in self.calls if c.path == path and c.delivered]

    def arrivals(self, path: str) -> list[datetime]:
        """When (on the test's clock) each call to ``path`` arrived, delivered or not."""
        return [c.at for c in self.calls if c.path == path and c.at is not None]

    def count(self, path: str) -> int:
        return sum(1 for c in self.calls if c.path == path)

    # -- request handling (server threads) ------------------------------------------------

    def handle(self, path: str, query: dict[str, str], body: dict[str, Any] | None) -> tuple[
        int, dict[str, Any]
    ]:
        arrived = self.clock()
        failure = self._take_failure(path)
        if failure is not None and failure.mode == "hang":
            self._release.wait(HANG_CAP_SECONDS)
        status, answer = self._answer(failure, path, query, body)
        with self._lock:
            delivered = status == 200 and answer.get("errcode") == 0
            self.calls.append(Call(path, query, body, delivered, arrived))
        return status, answer

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.path == path:
                    self._failures.remove(failure)
                    return failure
        return None

    def _answer(self, failure: _Failure | None, path: str, query: dict[str, str],
                body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        if failure is not None and failure.mode == "http500":
            return 500, {"error": "internal"}
        if failure is not None:  # errcode, or a hang that finally answers busy
            code = failure.errcode if failure.mode == "errcode" else -1
            return 200, {"errcode": code, "errmsg": "scripted failure"}
        route = {"/cgi-bin/gettoken": self._gettoken, "/cgi-bin/message/send": self._message,
                 "/cgi-bin/webhook/send": self._webhook}.get(path)
        if route is None:
            return 404, {"errcode": 404, "errmsg": "no such path"}
        with self._lock:
            return 200, route(query, body or {})

    def _gettoken(self, query: dict[str, str], _body: dict[str, Any]) -> dict[str, Any]:
        if query.get("corpid") != self.corp_id or query.get("corpsecret") not in self.secrets:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        token = f"token-{len(self._tokens) + 1}"
        self._tokens[token] = self.clock() + timedelta(seconds=self.token_lifetime)
        return {"errcode": 0, "errmsg": "ok", "access_token": token,
                "expires_in": self.token_lifetime}

    def _message(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        expires = self._tokens.get(query.get("access_token", ""))
        if expires is None:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if self.clock() >= expires:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if not body.get("touser") or not body.get("agentid"):
            return {"errcode": 40003, "errmsg": "invalid userid"}
        return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}

    def _webhook(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        key = query.get("key", "")
        if not key or key in self.invalid_keys:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        now = self.clock()
        sent = self._robot_sends.setdefault(key, deque())
        while sent and sent[0] <= now - ROBOT_WINDOW:
            sent.popleft()
        if len(sent) >= ROBOT_LIMIT:
            return {"errcode": 45009, "errmsg": "api freq out of limit"}
        sent.append(now)
        if body.get("msgtype") not in {"text", "markdown"}:
            return {"errcode": 40008, "errmsg": "invalid message type"}
        return {"errcode": 0, "errmsg": "ok"}


def _handler_for(fake: FakeWeCom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            self._serve(json.loads(raw) if raw else {})

        def _serve(self, body: dict[str, Any] | None) -> None:
            url = urlsplit(self.path)
            status, answer = fake.handle(url.path, dict(parse_qsl(url.query)), body)
            data = json.dumps(answer).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

    return Handler


class FakeWeComServer:
    """Runs a FakeWeCom on a free 127.0.0.1 port in a background thread."""

    def __init__(self, fake: FakeWeCom) -> None:
        self.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        fake.base_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeWeCom:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self.fake._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

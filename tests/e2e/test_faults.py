"""Faults against real ``gridbot serve`` processes: SIGKILL mid-burst, the database gone for
30 s, and a failing or hanging outbound bridge. Bounded in time; see docs/reliability.md."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, make_url

from bench.harness import Receiver, Service, live_group
from models.tables import InboundRow, OutboxRow
from tests.conftest import PG_URL
from tests.e2e.process_support import (
    assert_exactly_once,
    assert_timers_fired_once,
    config_for,
    post,
    report,
    rows,
    seed_overdue_tickets,
    settled,
    timers_done,
)
from tests.live import wait_for


def _burst(base: str, items: list[tuple[str, bytes]], acked: list[str]) -> None:
    """Send until the service stops answering; remember what it acknowledged."""
    with httpx.Client(base_url=base, timeout=5) as client:
        for message_id, body in items:
            try:
                response = post(client, body)
            except httpx.HTTPError:
                return
            if response.status_code == 200:
                acked.append(message_id)



def test_sigkill_mid_burst_loses_and_doubles_nothing(
        tmp_path: Path, database_url: str, engine: Engine, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = config_for(tmp_path, database_url, receiver.url)
    tags = seed_overdue_tickets(config, engine, monkeypatch)
    items = [report(i, prefix="kill") for i in range(150)]
    acked: list[str] = []
    service = Service(config, log_path=tmp_path / "serve-1.log").start()
    sender = threading.Thread(target=_burst, args=(service.url, items, acked))
    sender.start()
    try:
        wait_for(lambda: len(acked) >= 30, timeout=60)
    finally:
        service.kill()  # SIGKILL while the burst is still arriving
        sender.join(timeout=30)
    assert 30 <= len(acked) < len(items), "the kill landed in the middle of the burst"

    with Service(config, log_path=tmp_path / "serve-2.log") as restarted, \
            httpx.Client(base_url=restarted.url, timeout=10) as client:
        # The bridge redelivers what was not acknowledged, and some of what was.
        redelivered = [item for item in items if item[0] not in acked] + items[:5]
        for message_id, body in redelivered:
            assert post(client, body).status_code == 200
            acked.append(message_id)
        wait_for(lambda: settled(engine) and timers_done(engine, tags), timeout=120)

    assert_exactly_once(engine, acked)
    assert_timers_fired_once(engine, tags)
    assert len(receiver.arrivals) >= len(rows(engine, OutboxRow.id))


class TcpProxy:
    """A loopback TCP relay to PostgreSQL that the test can cut (refuse and drop) and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.up = True
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                sock.close()

    def cut(self) -> None:
        self.up = False
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._sockets.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


OUTAGE_SECONDS = 30


@pytest.mark.skipif(not PG_URL, reason="the outage test cuts a PostgreSQL connection")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_database_outage_fails_cleanly_and_recovers(
        tmp_path: Path, database_url: str, engine: Engine, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    config = config_for(tmp_path, proxied, receiver.url)
    seed_overdue_tickets(config, engine, monkeypatch, count=1)
    before = [report(i, prefix="before") for i in range(5)]
    during = [report(i, prefix="during") for i in range(5, 10)]
    after = [report(i, prefix="after") for i in range(10, 15)]
    try:
        with Service(config, log_path=tmp_path / "serve.log") as service, \
                httpx.Client(base_url=service.url, timeout=30) as client:
            receiver.mode = "fail"  # outgoing messages pile up: pending work for the outage
            assert all(post(client, body).status_code == 200 for _, body in before)
            wait_for(lambda: receiver.attempts >= 5, timeout=60)

            proxy.cut()
            wait_for(lambda: client.get("/healthz").status_code == 503, timeout=30)
            health = client.get("/healthz").json()
            assert health["database"] == "unreachable"
            answers = [post(client, body) for _, body in during]
            assert [r.status_code for r in answers] == [503] * len(during)
            assert all("数据库" in r.json()["detail"] for r in answers)
            receiver.mode = "ok"
            threading.Event().wait(OUTAGE_SECONDS)  # the outage itself: real time on purpose
            assert client.get("/healthz").status_code == 503
            proxy.restore()

            wait_for(lambda: client.get("/healthz").status_code == 200, timeout=60)
            assert service.process is not None and service.process.poll() is None
            stored = {r.message_id for r in rows(engine, InboundRow.message_id)}
            assert not stored & {m for m, _ in during}, "a refused message was half-stored"
            for _, body in during + after:  # the bridge retries what was refused
                assert post(client, body).status_code == 200
            wait_for(lambda: settled(engine), timeout=150)
    finally:
        proxy.close()
    assert_exactly_once(engine, [m for m, _ in before + during + after])


def _rss_kb(service: Service) -> int:
    """Resident memory of the service: the HTTP process and its worker child, which holds
    the outbox batch."""
    assert service.process is not None
    total = 0
    for pid in live_group(service.process.pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def test_failing_then_hanging_bridge_retries_without_duplicates(
        tmp_path: Path, database_url: str, engine: Engine, receiver: Receiver) -> None:
    config = config_for(tmp_path, database_url, receiver.url)
    receiver.mode = "fail"
    with Service(config, log_path=tmp_path / "serve.log") as service, \
            httpx.Client(base_url=service.url, timeout=30) as client:
        service.started_workers()
        rss_before = _rss_kb(service)
        for _, body in [report(i, prefix="fail") for i in range(3)]:
            assert post(client, body).status_code == 200
        # One chat keeps its order: the first message is retried, the two after it wait
        # behind it without spending attempts (bot/outbox.py).
        wait_for(lambda: len(rows(engine, OutboxRow.id)) == 3
                 and max(r.attempts for r in rows(engine, OutboxRow.attempts)) >= 3, timeout=60)
        outbox = rows(engine, OutboxRow.attempts, OutboxRow.status, OutboxRow.last_error)
        assert all(r.status == "pending" for r in outbox)
        assert "500" in (max(outbox, key=lambda r: r.attempts).last_error or "")
        # Backoff: 2, 4, 8 … seconds between attempts, not one request per poll.
        assert receiver.attempts <= sum(r.attempts for r in outbox) + 3

        receiver.mode = "hang"
        hanging = report(3, prefix="hang")
        assert post(client, hanging[1]).status_code == 200
        wait_for(lambda: receiver.attempts > sum(r.attempts for r in outbox), timeout=60)
        # While a send hangs, new messages are still acknowledged and processed.
        late = report(4, prefix="late")
        assert post(client, late[1]).status_code == 200
        wait_for(lambda: rows(engine, InboundRow.status, InboundRow.message_id)
                 and all(r.status == "done" for r in rows(engine, InboundRow.status)),
                 timeout=30)

        receiver.mode = "ok"
        wait_for(lambda: settled(engine) and len(rows(engine, OutboxRow.id)) == 5, timeout=120)
        rss_after = _rss_kb(service)
    delivered = [(a.body["ticket"], a.body["event"]) for a in receiver.arrivals]
    assert len(delivered) == len(set(delivered)) == 5
    assert rss_after - rss_before < 50_000, "memory grew while the bridge was down"
    stuck = rows(engine, OutboxRow.attempts)
    assert max(r.attempts for r in stuck) >= 3

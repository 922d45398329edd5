"""Real ``gridbot serve`` processes, a receiving bridge and signed senders.

Shared by the load benchmark (bench/load.py) and the fault and multi-instance tests
(tests/e2e/test_faults.py, test_multi_instance.py). Everything listens on loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml

from bot.channels.signing import sign

ROOT = Path(__file__).resolve().parents[1]
SECRET = "harness-generic-secret"
SOURCE = "bridge"
INBOUND_PATH = f"/channels/generic/{SOURCE}"
ROLES = ("decide", "deliver")  # the worker children of ``gridbot serve``


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chat_ids(org: dict[str, Any]) -> list[str]:
    """Every chat the demo organisation can be written to, group and private."""
    chats = [org["street"]["command_chat"], org["city"]["chat_id"]]
    people = [org["street"]["duty_officer"], org["city"]["duty_officer"], *org["liaisons"]]
    for community in org["communities"]:
        chats.append(community["chat_id"])
        people += [community["station_head"], *community["grid_workers"]]
    return chats + [f"@{person['id']}" for person in people]


def write_config(directory: Path, *, database_url: str, callback_url: str,
                 sweep_interval: float = 1.0, max_backoff_seconds: float = 600) -> Path:
    """A config file for one service: the demo organisation, every chat routed to the bridge."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["database_url"] = database_url
    data["lists_dir"] = str(ROOT / data["lists_dir"])
    data["sweep_interval_seconds"] = sweep_interval
    data["generic"] = {SOURCE: {"secret_env": "GRIDBOT_GENERIC_SECRET",
                                "callback_url": callback_url}}
    data["outbound"] = {"default_channel": "console", "max_backoff_seconds": max_backoff_seconds,
                        "chats": dict.fromkeys(_chat_ids(data["organisation"]), f"generic:{SOURCE}")}
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (Linux): [0] state,
    [1] ppid, [2] process group, [11] utime, [12] stime, [13] cutime, [14] cstime (ticks).
    None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def processes() -> Iterator[tuple[int, list[str]]]:
    """Every process on the machine with its stat fields (zombies included)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := proc_stat(int(entry))) is not None:
            yield int(entry), fields


def _command(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def live_children(pid: int) -> list[int]:
    return [child for child, f in processes() if int(f[1]) == pid and f[0] != "Z"]


def live_group(pgid: int) -> list[int]:
    return [member for member, f in processes() if int(f[2]) == pgid and f[0] != "Z"]


class Service:
    """One ``gridbot serve`` subprocess (with its worker children, by default); its output
    and the workers' go to ``log_path``. It leads a process group of its own."""

    def __init__(self, config: Path, *, log_path: Path, port: int | None = None) -> None:
        self.config = config
        self.log_path = log_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60.0) -> Service:
        env = {**os.environ, "GRIDBOT_GENERIC_SECRET": SECRET}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--config", str(self.config),
                 "--port", str(self.port)], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gridbot serve exited: see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gridbot serve did not become healthy: see {self.log_path}")

    def worker_pids(self) -> dict[str, int]:
        """The live ``gridbot work`` children by role (``decide``, ``deliver``); a child being
        restarted is missing."""
        assert self.process is not None
        found = {}
        for pid in live_children(self.process.pid):
            command = _command(pid)
            if "--role" in command:
                found[command[command.index("--role") + 1]] = pid
        return found

    def started_workers(self, *, timeout: float = 60.0) -> dict[str, int]:
        """The worker children once both have started their loops (each logs so): before
        that they are still importing and building their services, so their memory is not
        settled."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log_path.read_text(encoding="utf-8", errors="replace")
            workers = self.worker_pids()
            if len(workers) == len(ROLES) and all(
                    f"[worker {pid}] bot.worker_process: background work started ({role})" in log
                    for role, pid in workers.items()):
                return workers
            time.sleep(0.05)
        raise RuntimeError(f"the worker processes did not start: see {self.log_path}")

    def cpu_seconds(self) -> float:
        """User + system CPU used so far by the process group (the service and its worker),
        plus what exited workers left in the service's account (``cutime``, ``cstime``)."""
        assert self.process is not None
        ticks = 0
        for pid, f in processes():
            if int(f[2]) == self.process.pid:
                ticks += int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14])
                                                    if pid == self.process.pid else 0)
        return ticks / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, exactly like a crash. The worker dies with the
        service (it asked the kernel to); the group kill makes sure of it, and it is sent
        before the service is reaped, so the group id cannot have been reused."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while live_group(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def message_body(message_id: str, *, chat: str, sender: tuple[str, str], text: str,
                 mentions_bot: bool = False) -> bytes:
    return json.dumps({
        "message_id": message_id, "chat": {"id": chat, "type": "group"},
        "sender": {"id": sender[0], "name": sender[1]}, "text": text,
        "mentions": ["gridbot"] if mentions_bot else [], "mentions_bot": mentions_bot,
        "sent_at": time.time()}, ensure_ascii=False).encode()


def signed_headers(body: bytes, *, secret: str = SECRET) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {"Content-Type": "application/json", "X-Gridbot-Timestamp": stamp,
            "X-Gridbot-Signature": sign(secret, stamp, body)}


@dataclass
class Arrival:
    at: float  # time.monotonic(): one system-wide clock, comparable across processes
    body: dict[str, Any]


@dataclass
class Receiver:
    """The bridge's callback: records every outgoing message gridbot delivers.

    ``mode`` switches its behaviour while running: ``ok`` (200), ``fail`` (500) or
    ``hang`` (never answers), to test the outbox against a broken bridge.
    """

    mode: str = "ok"
    record_to: Path | None = None  # also append each arrival there, as a JSON line
    arrivals: list[Arrival] = field(default_factory=list)
    attempts: int = 0
    port: int = field(default_factory=free_port)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/outbound"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            event = await receive()
            chunks.append(event.get("body", b""))
            if not event.get("more_body"):
                break
        self.attempts += 1
        if self.mode == "hang":
            await asyncio.sleep(3600)
        status = 500 if self.mode == "fail" else 200
        if status == 200:
            arrival = Arrival(time.monotonic(), json.loads(b"".join(chunks)))
            self.arrivals.append(arrival)
            if self.record_to is not None:
                with self.record_to.open("a", encoding="utf-8") as out:
                    out.write(json.dumps({"at": arrival.at, "body": arrival.body},
                                         ensure_ascii=False) + "\n")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"ok": true}'})

    def server(self) -> uvicorn.Server:
        self._server = uvicorn.Server(uvicorn.Config(
            self, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
            access_log=False))
        return self._server

    def start_in_thread(self) -> Receiver:
        server = self.server()
        self._thread = threading.Thread(target=server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("receiver did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True  # hanging requests must not hold the test
        if self._thread is not None:
            self._thread.join(timeout=10)


class ReceiverProcess:
    """A ``Receiver`` in a process of its own, so the load generator does not slow it down."""

    def __init__(self, record_to: Path) -> None:
        self.port = free_port()
        self.record_to = record_to
        self.url = f"http://127.0.0.1:{self.port}/outbound"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ReceiverProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.harness", str(self.port), str(self.record_to)],
            cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("receiver process did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def arrivals(self) -> list[Arrival]:
        if not self.record_to.exists():
            return []
        lines = self.record_to.read_text(encoding="utf-8").splitlines()
        return [Arrival(entry["at"], entry["body"]) for entry in map(json.loads, lines)]


if __name__ == "__main__":  # python -m bench.harness <port> <record_to>: a receiver process
    Receiver(port=int(sys.argv[1]), record_to=Path(sys.argv[2])).server().run()

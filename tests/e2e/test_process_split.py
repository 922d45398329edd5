"""``gridbot serve`` acknowledges in one process and works in two supervised ``gridbot work``
children (bot/background.py, bot/worker_process.py), one deciding and one delivering: they do
the work, each is restarted when it dies without losing what arrived meanwhile, both die
with a killed service, and each stops cleanly when its wake pipe closes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from bench.harness import ROOT, SECRET, Receiver, Service, proc_stat
from bot.app import create_app
from bot.settings import load_settings
from bot.worker_process import WORKER_NICENESS
from dispatcher.clock import SystemClock
from models.base import make_engine
from models.migrate import upgrade
from tests.e2e.process_support import assert_exactly_once, config_for, post, report, settled
from tests.live import wait_for


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie waiting for whoever adopted it to reap it."""
    fields = proc_stat(pid)
    return fields is None or fields[0] == "Z"


def _niceness(pid: int) -> int:
    fields = proc_stat(pid)
    assert fields is not None
    return int(fields[16])


def _scheduler(client: httpx.Client) -> str:
    return str(client.get("/healthz").json()["scheduler"])


@pytest.fixture
def service(tmp_path: Path, database_url: str, receiver: Receiver) -> Iterator[Service]:
    config = config_for(tmp_path, database_url, receiver.url)
    with Service(config, log_path=tmp_path / "serve.log") as running:
        yield running


def test_the_worker_children_process_what_the_http_process_stored(
        service: Service, engine: Engine, receiver: Receiver) -> None:
    assert service.process is not None
    workers = service.started_workers()
    assert sorted(workers) == ["decide", "deliver"]
    for worker in workers.values():
        command = Path(f"/proc/{worker}/cmdline").read_bytes().split(b"\0")
        assert command[1:4] == [b"-m", b"bot", b"work"] and b"--wake-fd" in command
        assert b"--outbox-fd" in command
        # below the HTTP process's CPU priority, so acknowledgements never queue behind work
        assert _niceness(worker) == min(19, _niceness(service.process.pid) + WORKER_NICENESS)
    with httpx.Client(base_url=service.url, timeout=10) as client:
        assert _scheduler(client) == "running"
        message_id, body = report(0, prefix="split")
        assert post(client, body).status_code == 200
        (arrival,) = wait_for(lambda: receiver.arrivals, timeout=30)
    assert "综合执法" in arrival.body["text"]
    wait_for(lambda: settled(engine), timeout=30)
    assert_exactly_once(engine, [message_id])


@pytest.mark.parametrize("role", ["decide", "deliver"])
def test_a_killed_worker_is_restarted_and_loses_nothing(
        service: Service, engine: Engine, receiver: Receiver, tmp_path: Path, role: str) -> None:
    first = service.started_workers()
    with httpx.Client(base_url=service.url, timeout=10) as client:
        os.kill(first[role], signal.SIGKILL)
        # The supervisor waits a second before restarting: a message arriving in that gap
        # is stored and acknowledged, and must be decided and delivered once both run again.
        wait_for(lambda: _scheduler(client) == "stopped", timeout=10)
        assert role not in service.worker_pids()
        message_id, body = report(1, prefix="gap")
        assert post(client, body).status_code == 200
        wait_for(lambda: _scheduler(client) == "running", timeout=30)
        second = service.started_workers()
        wait_for(lambda: receiver.arrivals, timeout=60)
    assert second[role] != first[role]
    other = "deliver" if role == "decide" else "decide"
    assert second[other] == first[other]  # only the dead one is restarted
    wait_for(lambda: settled(engine), timeout=30)
    assert_exactly_once(engine, [message_id])
    assert "exited unexpectedly" in (tmp_path / "serve.log").read_text(encoding="utf-8")


def test_a_sigkilled_service_takes_its_workers_along(service: Service, tmp_path: Path) -> None:
    assert service.process is not None
    # Past their start-up, so it is the kernel's parent-death signal that must end them (a
    # worker whose parent died even earlier refuses to start at all).
    workers = list(service.started_workers().values())
    metrics_dir = _metrics_dir(workers[0])
    try:
        service.process.send_signal(signal.SIGKILL)  # the service only, not its group
        service.process.wait(timeout=30)
        for worker in workers:
            wait_for(lambda worker=worker: _gone(worker), timeout=10)
    finally:
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGKILL)  # never leave an orphan behind a failed test
    assert metrics_dir.is_dir()  # a killed service cannot clean up; the next one does
    with Service(service.config, log_path=tmp_path / "again.log"):
        assert not metrics_dir.exists()


def _start_work(config: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    read_end, write_end = os.pipe()
    env = {**os.environ, "GRIDBOT_GENERIC_SECRET": SECRET}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "work", "--config", str(config),
             "--wake-fd", str(read_end)], pass_fds=(read_end,), cwd=ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT)
    os.close(read_end)
    return process, write_end


@pytest.mark.parametrize("stop_by", ["closing the pipe", "SIGTERM"])
def test_work_stops_cleanly(tmp_path: Path, stop_by: str) -> None:
    database_url = f"sqlite:///{tmp_path}/gridbot.db"
    config = config_for(tmp_path, database_url, "http://127.0.0.1:9/nothing-is-sent")
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    log = tmp_path / "work.log"
    process, wake = _start_work(config, log)
    try:
        wait_for(lambda: "background work started" in log.read_text(encoding="utf-8"),
                 timeout=60)
        os.write(wake, b"io")
        if stop_by == "SIGTERM":
            process.send_signal(signal.SIGTERM)
        else:
            os.close(wake)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(OSError):
            os.close(wake)
    assert "background work stopped" in log.read_text(encoding="utf-8")


def test_work_with_a_bad_config_says_why_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "work", "--config", str(tmp_path / "missing.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"错误：找不到配置文件 {tmp_path}/missing.yaml"]


def test_a_worker_process_needs_the_config_file_and_no_test_doubles() -> None:
    settings = load_settings(ROOT / "config.yaml")
    with pytest.raises(ValueError, match="config_path"):
        create_app(settings, background="process")
    with pytest.raises(ValueError, match="clock"):
        create_app(settings, background="process", config_path=ROOT / "config.yaml",
                   clock=SystemClock())


def _metrics_dir(worker: int) -> Path:
    """The directory the service handed its children for their counters."""
    environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
    (shared,) = [Path(v.split(b"=", 1)[1].decode()) for v in environ
                 if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return shared


def _metric(client: httpx.Client, name: str) -> float:
    samples = [line.rsplit(" ", 1) for line in client.get("/metrics").text.splitlines()
               if line.startswith(name)]
    return sum(float(value) for _, value in samples)


def test_metrics_count_what_the_children_did_and_their_directory_goes_with_the_service(
        tmp_path: Path, database_url: str, receiver: Receiver, engine: Engine) -> None:
    config = config_for(tmp_path, database_url, receiver.url)
    with Service(config, log_path=tmp_path / "serve.log") as service, \
            httpx.Client(base_url=service.url, timeout=10) as client:
        shared = _metrics_dir(service.started_workers()["deliver"])
        assert _metric(client, "gridbot_outbox_sent_total{") == 0
        message_id, body = report(0, prefix="metrics")
        assert post(client, body).status_code == 200
        wait_for(lambda: receiver.arrivals, timeout=30)
        wait_for(lambda: settled(engine), timeout=30)
        assert_exactly_once(engine, [message_id])
        # counted in the deliver child, shown by the HTTP process
        assert _metric(client, "gridbot_outbox_sent_total{") == len(receiver.arrivals) == 1
        assert shared.is_dir()
    assert not shared.exists()  # an earlier run's counts never add to the next one's

"""A real uvicorn server in a background thread, for end-to-end tests over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from bot.channels.signing import sign


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def wait_for(predicate: Callable[[], Any], *, timeout: float = 20.0) -> Any:
    """Poll until ``predicate`` returns something truthy (bounded; never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def signed_post(client: httpx.Client, url: str, body: bytes, secret: str,
                timestamp: int | None = None) -> httpx.Response:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return client.post(url, content=body, headers={
        "Content-Type": "application/json", "X-Gridbot-Timestamp": stamp,
        "X-Gridbot-Signature": sign(secret, stamp, body)})

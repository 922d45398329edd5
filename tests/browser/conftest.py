"""Real Debian chromium driven by playwright (the pip wheel; no `playwright install`).

If /usr/bin/chromium (or a Chinese font, without which the screenshots show empty boxes) is
missing, the session installs it with apt-get; if that fails the tests fail with the
reason — they are never skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT = "fonts-wqy-microhei"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(["apt-get", *args], capture_output=True, text=True, env=env,
                          check=False, timeout=900)


def _has_chinese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listing = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True,
                             check=False)
    return bool(listing.stdout.strip())


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    missing = [] if CHROMIUM.exists() else ["chromium"]
    if not _has_chinese_font():
        missing.append(CJK_FONT)
    if not missing:
        return CHROMIUM
    result = _apt("install", "-y", *missing)
    if result.returncode != 0:  # a stale package index: refresh once and retry
        _apt("update")
        result = _apt("install", "-y", *missing)
    if result.returncode != 0 or not CHROMIUM.exists():
        pytest.fail(f"browser tests need {' and '.join(missing)} and "
                    f"`apt-get install -y {' '.join(missing)}` failed:\n{result.stderr[-2000:]}")
    return CHROMIUM


# Module scope, not session: while the sync driver runs, this thread has a running event
# loop, and later tests that call asyncio.run() would fail.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium_path: Path) -> Iterator[Browser]:
    # --no-sandbox: the test run is root inside a container, where chromium's sandbox
    # cannot start; the pages are our own, served on loopback.
    launched = playwright.chromium.launch(executable_path=str(chromium_path), headless=True,
                                          args=["--no-sandbox", "--disable-gpu"])
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

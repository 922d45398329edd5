"""Password hashes, the login backoff, dashboard user config and the hash-password CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.dashboard.auth import LoginThrottle, safe_next
from bot.dashboard.passwords import hash_password, is_valid_hash, verify_password
from bot.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_hash_is_self_describing_salted_and_verifies() -> None:
    first, second = hash_password("密码 demo"), hash_password("密码 demo")
    assert first != second  # salted
    assert first.startswith("scrypt$16384$8$1$")
    assert is_valid_hash(first)
    assert verify_password("密码 demo", first)
    assert not verify_password("密码 dem0", first)
    cheap = hash_password("x", n=2**10)
    assert cheap.split("$")[1] == "1024"
    assert verify_password("x", cheap)  # the cost is read from the hash


@pytest.mark.parametrize("stored", ["", "plain", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AA==$AA==",
                                    "scrypt$16384$8$1$!!$AA=="])
def test_unreadable_hash_never_verifies(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_empty_password_is_refused() -> None:
    with pytest.raises(ValueError, match="密码不能为空"):
        hash_password("")


def test_throttle_locks_after_the_limit_and_doubles() -> None:
    clock = [1000.0]
    throttle = LoginThrottle(max_failures=3, lockout_seconds=10, now=lambda: clock[0])
    for _ in range(2):
        throttle.failed("zhifa")
    assert throttle.wait_seconds("zhifa") == 0
    throttle.failed("zhifa")
    assert throttle.wait_seconds("zhifa") == 10
    assert throttle.wait_seconds("lanjiang") == 0
    clock[0] += 10
    assert throttle.wait_seconds("zhifa") == 0
    throttle.failed("zhifa")  # one more wrong guess after the wait: twice as long
    assert throttle.wait_seconds("zhifa") == 20
    throttle.succeeded("zhifa")
    assert throttle.wait_seconds("zhifa") == 0


def test_throttle_table_is_bounded() -> None:
    throttle = LoginThrottle(max_failures=1, lockout_seconds=10, now=lambda: 0.0, capacity=3)
    for name in ("a", "b", "c", "d"):
        throttle.failed(name)
    assert throttle.wait_seconds("a") == 0
    assert throttle.wait_seconds("d") == 10


@pytest.mark.parametrize(("given", "expected"), [
    ("/tickets?status=claimed", "/tickets?status=claimed"), (None, "/"), ("", "/"),
    ("https://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil", "/")])
def test_next_is_only_a_local_path(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


def test_demo_users_in_the_shipped_config() -> None:
    users = {u.username: u for u in load_settings(ROOT / "config.yaml").dashboard.users}
    assert {name: u.role.value for name, u in users.items()} == {
        "lanjiang": "street", "xialing-head": "station_head", "dongjiang-head": "station_head",
        "zhifa": "department"}
    assert users["xialing-head"].community == "xialing"
    assert users["zhifa"].department == "zhifa"
    assert all(verify_password("demo1234", u.password_hash) for u in users.values())


@pytest.mark.parametrize(("user", "message"), [
    ("{username: h, name: 站长, role: station_head, password_hash: x}", "community"),
    ("{username: d, name: 部门, role: department, password_hash: x}", "department"),
    ("{username: s, name: 街道, role: mayor, password_hash: x}", "role"),
])
def test_bad_dashboard_user_is_named(tmp_path: Path, user: str, message: str) -> None:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    text = text.split("\ndashboard:\n")[0] + f"\ndashboard:\n  users:\n    - {user}\n"
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_cli_prints_a_hash_that_verifies() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "dashboard", "hash-password",
                             "--password", "s3cret-口令"], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert verify_password("s3cret-口令", result.stdout.strip())
    empty = subprocess.run([sys.executable, "-m", "bot", "dashboard", "hash-password",
                            "--password", ""], capture_output=True, text=True, cwd=ROOT)
    assert empty.returncode != 0
    assert "密码不能为空" in empty.stderr

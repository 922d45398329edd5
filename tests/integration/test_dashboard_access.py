"""Dashboard login and authorisation, role by role, over the real app on SQLite and
PostgreSQL: no page or API answer without a session, and each role sees only its tickets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.settings import Settings
from tests.dashboard_seed import OVERDUE, PASSWORD, VISIBLE, dashboard_app, seed

PAGES = ["/", "/tickets", "/tickets/A0001", "/lists", "/classify", "/tickets?status=claimed"]
APIS = ["/api/tickets", "/api/tickets/A0001", "/api/stats", "/api/lists", "/api/me"]


@pytest.fixture
def client(settings: Settings, engine: Engine,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("GRIDBOT_SESSION_SECRET", "test-session-secret")
    seed(settings, engine)
    with TestClient(dashboard_app(settings, engine), follow_redirects=False) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"username": username, "password": password,
                                           "next": "/tickets"})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/tickets"


def tags(client: TestClient, **params: str) -> set[str]:
    response = client.get("/api/tickets", params=params)
    assert response.status_code == 200, response.text
    return {item["tag"] for item in response.json()["items"]}


def test_nothing_readable_without_login(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2F"), path
    for path in APIS:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "请先登录"}
    assert client.post("/api/classify", json={"text": "路灯不亮"}).status_code == 401
    assert client.post("/classify", data={"text": "路灯不亮"}).status_code == 303
    page = client.get("/login")
    assert page.status_code == 200
    assert "登录" in page.text
    assert "A0001" not in page.text


def test_session_cookie_is_signed_httponly_lax(client: TestClient) -> None:
    response = client.post("/login", data={"username": "lanjiang", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("gridbot_session=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert PASSWORD not in cookie
    forged = TestClient(client.app, cookies={"gridbot_session": "eyJ1c2VyIjogImxhbmppYW5nIn0="})
    assert forged.get("/api/me").status_code == 401


def test_wrong_password_is_a_chinese_error_and_repeats_lock_the_account(
        client: TestClient) -> None:
    for _ in range(5):
        response = client.post("/login", data={"username": "zhifa", "password": "guess"})
        assert response.status_code == 401
        assert "用户名或密码错误" in response.text
    locked = client.post("/login", data={"username": "zhifa", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.text
    assert client.get("/api/me").status_code == 401
    unknown = client.post("/login", data={"username": "nobody", "password": PASSWORD})
    assert unknown.status_code == 401
    login(client, "lanjiang")  # another account is not affected


def test_logout_ends_the_session(client: TestClient) -> None:
    login(client, "lanjiang")
    assert client.get("/api/me").json()["role"] == "street"
    assert client.post("/logout").status_code == 303
    assert client.get("/api/me").status_code == 401


def test_open_redirect_is_refused(client: TestClient) -> None:
    response = client.post("/login", data={"username": "lanjiang", "password": PASSWORD,
                                           "next": "//evil.example/"})
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_sees_only_its_tickets(client: TestClient, username: str) -> None:
    login(client, username)
    visible = VISIBLE[username]
    assert tags(client) == visible
    assert tags(client, overdue="true") == visible & OVERDUE
    for tag in sorted(VISIBLE["lanjiang"]):
        api = client.get(f"/api/tickets/{tag}")
        page = client.get(f"/tickets/{tag}")
        if tag in visible:
            assert api.status_code == 200
            assert page.status_code == 200
            assert api.json()["ticket"]["tag"] == tag
        else:
            assert api.status_code == 404
            assert api.json()["detail"] == "工单不存在，或您无权查看"
            assert page.status_code == 404
            assert "无权查看" in page.text
    # A filter never widens the scope.
    assert tags(client, community="dongjiang") <= visible
    assert tags(client, department="ludeng") <= visible
    stats = client.get("/api/stats").json()
    assert stats["open_total"] == len(visible - {"A0001"})
    assert stats["overdue"] == len(visible & OVERDUE)
    assert sum(stats["by_status"].values()) == len(visible)


def test_failed_deliveries_are_visible_to_who_owns_them(client: TestClient) -> None:
    expected = {"lanjiang": True, "dongjiang-head": True, "zhifa": True, "xialing-head": False}
    for username, sees in expected.items():
        login(client, username)
        stats = client.get("/api/stats").json()
        assert (stats["failing_outbox"] > 0) is sees, username
        for row in stats["failing"]:
            assert row["chat_id"] == "dongjiang-grid"
            assert row["status"] == "dead"
            assert "93000" in row["last_error"]
        if username == "zhifa":
            assert {row["ticket"] for row in stats["failing"]} == {"A0006"}
        client.post("/logout")
    login(client, "lanjiang")
    assert "发送失败" in client.get("/").text

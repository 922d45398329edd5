"""Scorecards in the dashboard: the seeded conversation's figures, scoped by role."""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.settings import Settings
from tests.dashboard_seed import dashboard_app, seed
from tests.integration.test_dashboard_access import login

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def client(settings: Settings, engine: Engine,
           monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("GRIDBOT_SESSION_SECRET", "test-session-secret")
    seed(settings, engine)
    return TestClient(dashboard_app(settings, engine), follow_redirects=False)


def _cards(client: TestClient) -> dict[str, dict[str, object]]:
    response = client.get("/api/scorecards", params=MARCH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["date_from"], body["date_to"]) == ("2026-03-01", "2026-03-31")
    return {card["department"]: card for card in body["cards"]}


def _dispatched_in_view(client: TestClient) -> Counter[str]:
    items = client.get("/api/tickets").json()["items"]
    return Counter(item["department"] for item in items if item["department"])


def test_street_sees_every_department_with_the_seed_figures(client: TestClient) -> None:
    with client:
        login(client, "lanjiang")
        cards = _cards(client)
        assert {d: c["dispatched"] for d, c in cards.items()} == {
            "zhifa": 3, "ludeng": 1, "shuili": 1, "shuiwu": 1}
        zhifa = cards["zhifa"]
        assert zhifa["department_name"] == "综合行政执法局"
        assert zhifa["close_rate"] == pytest.approx(1 / 3)  # one of its three closed
        assert len(zhifa["escalations"]) == 3
        assert isinstance(zhifa["score"], float)


def test_station_head_sees_only_her_community(client: TestClient) -> None:
    with client:
        login(client, "xialing-head")
        cards = _cards(client)
        in_view = _dispatched_in_view(client)
        assert {d: c["dispatched"] for d, c in cards.items()} == dict(in_view)
        assert sum(in_view.values()) < 6  # the street has six tickets; she sees fewer


def test_department_user_sees_only_its_own_card(client: TestClient) -> None:
    with client:
        login(client, "zhifa")
        assert list(_cards(client)) == ["zhifa"]


def test_bad_periods_get_a_chinese_reason(client: TestClient) -> None:
    with client:
        login(client, "lanjiang")
        backwards = client.get("/api/scorecards",
                               params={"date_from": "2026-03-31", "date_to": "2026-03-01"})
        assert backwards.status_code == 422
        assert "截止日期不能早于起始日期" in backwards.text
        page = client.get("/scorecards", params={"date_from": "2026-13-01"})
        assert page.status_code == 422
        assert "日期格式应为" in page.text


def test_page_shows_table_and_chart_and_needs_login(client: TestClient) -> None:
    with client:
        assert client.get("/scorecards").status_code == 303
        assert client.get("/api/scorecards").status_code == 401
        login(client, "lanjiang")
        page = client.get("/scorecards", params=MARCH)
        assert page.status_code == 200
        assert "综合行政执法局" in page.text
        assert page.text.count("<svg") == 1

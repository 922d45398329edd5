"""What the dashboard shows, checked against the seeded conversation (known answers): the
timeline of a ticket, filters and search, charts' numbers, lists, classify, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.settings import Settings
from tests.dashboard_seed import dashboard_app, seed
from tests.integration.test_dashboard_access import login, tags


@pytest.fixture
def street(settings: Settings, engine: Engine,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("GRIDBOT_SESSION_SECRET", "test-session-secret")
    seed(settings, engine)
    with TestClient(dashboard_app(settings, engine), follow_redirects=False) as client:
        login(client, "lanjiang")
        yield client


def test_timeline_has_every_message_and_event_in_order(street: TestClient) -> None:
    detail = street.get("/api/tickets/A0001").json()
    assert detail["ticket"]["status"] == "closed"
    timeline = detail["timeline"]
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    inbound = [e["text"] for e in timeline if e["kind"] == "inbound"]
    assert inbound == ["文山路菜场门口有人跨门经营", "认领", "已办结 A0001 已劝离", "确认"]
    events = [e["event"] for e in timeline if e["kind"] == "event"]
    assert events == ["dispatch", "claim", "resolve", "close"]
    sent = [(e["event"], e["delivery"]) for e in timeline if e["kind"] == "outbox"]
    assert sent == [("dispatch", "sent"), ("claim_ack", "sent"), ("resolve_ack", "sent"),
                    ("closed", "sent")]
    assert timeline[0]["kind"] == "inbound"
    assert timeline[1]["event_label"] == "派单"
    page = street.get("/tickets/a0001")  # tags are case-insensitive
    assert "全程留痕" in page.text
    assert "已办结 A0001 已劝离" in page.text


def test_escalations_in_other_chats_are_on_the_timeline(street: TestClient) -> None:
    timeline = street.get("/api/tickets/A0002").json()["timeline"]
    escalations = [(e["chat_id"], e["delivery"]) for e in timeline
                   if e["kind"] == "outbox" and e["event"] == "escalation"]
    assert escalations == [("dongjiang-grid", "dead"), ("lanjiang-center", "sent"),
                           ("city-center", "sent")]


def test_filters_and_search(street: TestClient) -> None:
    assert tags(street, status="dispatched") == {"A0002", "A0004", "A0005", "A0006"}
    assert tags(street, department="zhifa") == {"A0001", "A0003", "A0006"}
    assert tags(street, community="xialing") == {"A0001", "A0003", "A0005"}
    assert tags(street, item="020405") == {"A0001", "A0006"}
    assert tags(street, q="窨井盖") == {"A0005"}
    assert tags(street, q="#a0003") == {"A0003"}
    assert tags(street, q="跨门 江滨路") == {"A0006"}
    assert tags(street, date_from="2026-03-03", date_to="2026-03-03") == {"A0004", "A0005",
                                                                          "A0006"}
    assert tags(street, date_to="2026-03-02", overdue="true") == {"A0002", "A0003"}
    bad = street.get("/api/tickets", params={"date_from": "3月3日"})
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.json()["detail"]
    page = street.get("/tickets", params={"q": "窨井盖"})
    assert "A0005" in page.text
    assert "A0001" not in page.text
    assert "日期格式" in street.get("/tickets", params={"date_to": "x"}).text


def test_stats_are_the_seed_numbers(street: TestClient) -> None:
    stats = street.get("/api/stats").json()
    assert stats["by_status"] == {"closed": 1, "claimed": 1, "dispatched": 4}
    assert stats["overdue"] == 5
    by_day = {d["day"]: d["count"] for d in stats["by_day"]}
    assert len(by_day) == 30
    assert (by_day["2026-03-02"], by_day["2026-03-03"], by_day["2026-03-04"]) == (3, 3, 0)
    assert {d["key"]: d["count"] for d in stats["by_department"]} == {
        "zhifa": 3, "ludeng": 1, "shuili": 1, "shuiwu": 1}
    heat = {(c["community"], c["department"]): c["count"] for c in stats["overdue_heat"]}
    assert heat == {("dongjiang", "ludeng"): 1, ("dongjiang", "shuili"): 1,
                    ("dongjiang", "zhifa"): 1, ("xialing", "zhifa"): 1, ("xialing", "shuiwu"): 1}
    page = street.get("/").text
    assert page.count("<svg") == 4
    assert "cdn" not in page.lower()


def test_lists_and_classify(street: TestClient) -> None:
    lists = street.get("/api/lists", params={"q": "路灯"}).json()
    names = [i["name"] for c in lists["categories"] for i in c["items"]]
    assert "路灯" in names
    assert lists["total_items"] == len(names)
    assert all(i["conditions"] for c in lists["categories"] for i in c["items"])
    everything = street.get("/api/lists").json()
    assert everything["total_items"] == 254
    result = street.post("/api/classify", json={"text": "文山路菜场门口有人跨门经营"}).json()
    assert (result["intent"], result["decision"]) == ("report", "dispatch")
    assert result["items"][0]["department"] == "zhifa"
    assert result["items"][0]["evidence"]
    assert street.post("/api/classify", json={"text": "  "}).status_code == 422
    page = street.post("/classify", data={"text": "文山路菜场门口有人跨门经营"})
    assert "直接派单" in page.text
    assert "店外经营" in page.text
    assert "请输入" in street.post("/classify", data={"text": ""}).text


def test_openapi_documents_the_api_and_its_cookie_auth(street: TestClient) -> None:
    schema = street.get("/openapi.json").json()
    scheme = schema["components"]["securitySchemes"]["APIKeyCookie"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "cookie",
                                                              "gridbot_session")
    for path in ("/api/tickets", "/api/tickets/{tag}", "/api/stats", "/api/lists"):
        operation = schema["paths"][path]["get"]
        assert operation["security"] == [{"APIKeyCookie": []}]
        assert "200" in operation["responses"]
    assert "/api/classify" in schema["paths"]
    assert "TicketPageOut" in schema["components"]["schemas"]
    assert "/tickets" not in schema["paths"]  # pages are not API

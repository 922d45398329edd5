"""The dashboard in a real browser against a live uvicorn on loopback, over the seeded
conversation: login, filter, search, open a ticket and its timeline, the classify box, and
no page readable without login. Saves a screenshot of each main page (desktop and phone)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from bot.settings import Settings
from tests.dashboard_seed import PASSWORD, dashboard_app, seed
from tests.live import serve

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/tickets", "/tickets/A0002", "/scorecards", "/lists", "/classify"]


@pytest.fixture
def base_url(settings: Settings, engine: Engine,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GRIDBOT_SESSION_SECRET", "browser-test-secret")
    seed(settings, engine)
    with serve(dashboard_app(settings, engine)) as url:
        yield url


def _login(page: Page, base_url: str, username: str, target: str = "/") -> None:
    page.goto(f"{base_url}{target}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header .who")).to_contain_text("退出")


def _shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_no_page_readable_without_login(browser: Browser, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    for path in PAGES:
        page.goto(f"{base_url}{path}")
        expect(page).to_have_url(re.compile(r"/login\?next=%2F"))
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
        content = page.content()
        assert "路灯不亮" not in content  # no ticket text leaks onto the login page
        assert "全程留痕" not in content
    response = page.goto(f"{base_url}/api/tickets")
    assert response is not None and response.status == 401
    assert "请先登录" in page.content()
    page.get_by_text("请先登录").wait_for()
    page.goto(f"{base_url}/login")
    page.get_by_label("用户名").fill("lanjiang")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    context.close()


def test_street_walks_through_the_dashboard(browser: Browser, base_url: str,
                                            screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/login")
    _shoot(page, screenshots, "login")
    _login(page, base_url, "lanjiang")
    expect(page.get_by_role("heading", name="概览")).to_be_visible()
    expect(page.locator(".tile.warn b")).to_have_text("5")
    assert page.locator("svg.chart").count() == 4
    _shoot(page, screenshots, "overview")

    page.get_by_role("link", name="工单", exact=True).click()
    expect(page.locator(".ticket-row")).to_have_count(6)
    page.locator("select[name=community]").select_option("dongjiang")
    page.get_by_label("只看超时").check()
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".ticket-row .tag")).to_have_text(["A0006", "A0004", "A0002"])
    _shoot(page, screenshots, "tickets")
    page.get_by_role("link", name="清除").click()
    page.locator("input[name=q]").fill("窨井盖")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".ticket-row .tag")).to_have_text(["A0005"])

    page.goto(f"{base_url}/tickets")
    page.get_by_role("link", name=re.compile("A0002")).click()
    expect(page.get_by_role("heading", name=re.compile("A0002"))).to_be_visible()
    timeline = page.locator(".timeline .entry")
    expect(timeline.first).to_contain_text("东江路口的路灯不亮了")
    expect(page.locator(".timeline .outbox")).to_have_count(5)
    expect(page.locator(".timeline")).to_contain_text("发送失败")
    expect(page.locator(".timeline")).to_contain_text("lanjiang-center")
    _shoot(page, screenshots, "ticket")

    page.get_by_role("link", name="考核").click()
    page.locator("input[name=date_from]").fill("2026-03-01")
    page.locator("input[name=date_to]").fill("2026-03-31")
    page.get_by_role("button", name="统计").click()
    expect(page.locator("table.scorecards tbody tr")).to_have_count(4)
    expect(page.locator("table.scorecards")).to_contain_text("综合行政执法局")
    _shoot(page, screenshots, "scorecards")

    page.get_by_role("link", name="责任清单").click()
    page.get_by_placeholder("名称、编码、别名或部门").fill("路灯")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("details.category table").first).to_contain_text("路灯管理所")
    _shoot(page, screenshots, "lists")

    page.get_by_role("link", name="试分类").click()
    page.get_by_label("输入一句群消息").fill("文山路菜场门口有人跨门经营")
    page.get_by_role("button", name="分类").click()
    expect(page.locator(".result .decision")).to_have_text("直接派单")
    expect(page.locator(".result .match").first).to_contain_text("综合行政执法局")
    _shoot(page, screenshots, "classify")

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{base_url}/tickets/A0002")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    context.close()


def test_station_head_on_a_phone(browser: Browser, base_url: str, screenshots: Path) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    _login(page, base_url, "xialing-head")
    for path, name in [("/", "overview"), ("/tickets", "tickets"), ("/tickets/A0003", "ticket"),
                       ("/scorecards?date_from=2026-03-01", "scorecards"),
                       ("/lists?q=井盖", "lists"), ("/classify", "classify")]:
        page.goto(f"{base_url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a phone"
        _shoot(page, screenshots, f"{name}-phone")
    page.goto(f"{base_url}/tickets")
    expect(page.locator(".ticket-row .tag")).to_have_text(["A0005", "A0003", "A0001"])
    page.goto(f"{base_url}/tickets/A0002")  # 东江's ticket: not for 下菱's head
    expect(page.get_by_text("工单不存在，或您无权查看")).to_be_visible()
    context.close()

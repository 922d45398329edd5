"""``gridbot digest`` and ``gridbot report`` (contract §5)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.settings import Settings

ConfigOption = Annotated[Path, typer.Option("--config", help="配置文件路径")]


def _fail(message: str) -> typer.Exit:
    from bot.cli import fail

    return fail(message)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} 日期格式应为 YYYY-MM-DD，收到「{value}」") from None


def _services(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.services import build_services
    from dispatcher.clock import SystemClock
    from models.base import make_engine

    engine = make_engine(settings.database_url)
    try:
        return build_services(settings, clock=SystemClock(), engine=engine)
    except Exception as err:
        engine.dispose()
        raise _fail(f"无法打开数据库或清单：{err}") from None


def digest(community: Annotated[str, typer.Option("--community", help="社区 id")],
           day: Annotated[str, typer.Option("--date", help="日期 YYYY-MM-DD")],
           config: ConfigOption = Path("config.yaml")) -> None:
    """打印某社区某天 08:30 的站长每日简报。"""
    from bot.cli import settings_from
    from bot.digests import digest_text

    settings = settings_from(config)
    when = _day(day, "--date")
    known = [c.id for c in settings.organisation.communities]
    if community not in known:
        raise _fail(f"未知社区「{community}」，可选：{'、'.join(known)}")
    services = _services(settings)
    try:
        typer.echo(digest_text(services, community_id=community, day=when))
    except Exception as err:
        raise _fail(f"生成简报失败：{err}") from None
    finally:
        services.engine.dispose()


def report(start: Annotated[str, typer.Option("--from", help="起始日期 YYYY-MM-DD")],
           end: Annotated[str, typer.Option("--to", help="截止日期 YYYY-MM-DD（含）")],
           out: Annotated[Path, typer.Option("--out", help="输出文件 .xlsx 或 .csv")],
           config: ConfigOption = Path("config.yaml")) -> None:
    """导出各部门考核记分卡（XLSX 含图表，CSV 为总表）。"""
    from bot.cli import settings_from

    settings = settings_from(config)
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise _fail("--to 不能早于 --from")
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise _fail(f"--out 只支持 .xlsx 或 .csv，收到「{out.name}」")
    if not out.parent.is_dir():
        raise _fail(f"输出目录不存在：{out.parent}")
    tz = settings.tz
    services = _services(settings)
    try:
        _write(services, out, datetime.combine(first, time(0), tzinfo=tz),
               datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz))
    except OSError as err:
        raise _fail(f"无法写入 {out}：{err}") from None
    finally:
        services.engine.dispose()
    typer.echo(f"已导出 {out}")


def _write(services, out: Path, start: datetime, end: datetime) -> None:  # type: ignore[no-untyped-def]
    from bot.report_book import ReportData, write_csv, write_xlsx
    from models.reporting import scorecards, ticket_details

    settings = services.settings
    as_of = services.clock.now()
    with services.session_factory() as session:
        cards = scorecards(session, start=start, end=end, as_of=as_of)
        communities = [(c.name, scorecards(session, start=start, end=end, as_of=as_of,
                                           community_id=c.id))
                       for c in services.desk.org.communities]
        last = (end - timedelta(days=1)).date()
        data = ReportData(
            title=f"{services.desk.org.street_name} 部门考核记分卡 {start.date()} 至 {last}",
            cards=cards, communities=communities,
            details=ticket_details(session, start=start, end=end),
            weights=settings.scorecard.weights(), label=services.lists.current.department_label,
            tz=settings.tz)
        if out.suffix.lower() == ".csv":
            write_csv(data, out)
        else:
            write_xlsx(data, out)

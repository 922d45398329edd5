"""The ``gridbot`` command line (contract §5). Bad input: one-line reason, non-zero exit."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.settings import ConfigError, Settings, load_settings

app = typer.Typer(help="gridbot：全科网格群派单机器人", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
app.add_typer(db_app, name="db")

ConfigOption = Annotated[Path, typer.Option("--config", help="配置文件路径")]


def fail(message: str) -> typer.Exit:
    typer.echo(f"错误：{message}", err=True)
    return typer.Exit(code=2)


def settings_from(path: Path) -> Settings:
    try:
        return load_settings(path)
    except ConfigError as err:
        raise fail(str(err)) from None


class BackgroundMode(StrEnum):
    process = "process"
    thread = "thread"


@app.command()
def serve(config: ConfigOption = Path("config.yaml"),
          host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="端口")] = 8000,
          background: Annotated[BackgroundMode, typer.Option(
              help="后台工作（处理消息、投递、定时扫描、日报）在哪里运行："
                   "process＝独立子进程（默认），thread＝本进程")] = BackgroundMode.process,
          access_log: Annotated[bool, typer.Option(
              help="每个请求记一行访问日志（默认只记被拒绝的请求，已接收的消息都存在数据库里）"
          )] = False,
          ) -> None:
    """运行服务（make run 启动的就是它）。"""
    from bot.metrics_dir import remove_metrics_dir, share_metrics_dir

    settings = settings_from(config)
    _ensure_sqlite_dir(settings.database_url)
    if background is BackgroundMode.process:
        share_metrics_dir()  # the children count deliveries and timers; /metrics shows them
    try:
        _serve(settings, config=config, host=host, port=port, background=background,
               access_log=access_log)
    finally:
        remove_metrics_dir()  # when uvicorn could not start; the lifespan removes it otherwise


def _serve(settings: Settings, *, config: Path, host: str, port: int,
           background: BackgroundMode, access_log: bool) -> None:
    # imported here, after the metrics directory is set: bot.app imports prometheus_client
    import uvicorn

    from bot.app import create_app
    from models.base import make_engine
    from models.migrate import upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        application = create_app(settings, engine=engine, background=background.value,
                                 config_path=config)
        uvicorn.run(application, host=host, port=port, log_level="info", access_log=access_log)
    finally:
        engine.dispose()


class WorkRole(StrEnum):
    """``bot.workers.Role`` for the option; that module is imported only when ``work`` runs,
    so the other commands start without APScheduler and the services."""

    all = "all"
    decide = "decide"
    deliver = "deliver"


@app.command()
def work(config: ConfigOption = Path("config.yaml"),
         wake_fd: Annotated[int | None, typer.Option(
             "--wake-fd", help="唤醒管道的读端（由 serve 传入；管道关闭即停止）")] = None,
         role: Annotated[WorkRole, typer.Option(
             help="all＝全部后台工作；decide＝处理消息、定时扫描和日报；deliver＝只投递待发消息")
         ] = WorkRole.all,
         outbox_fd: Annotated[int | None, typer.Option(
             "--outbox-fd", help="decide 与 deliver 之间的管道（由 serve 传入）：decide 写入"
                                 "“有待发消息”，deliver 读取")] = None) -> None:
    """只运行后台工作：处理收到的消息、投递待发消息、定时扫描和日报，不监听 HTTP。

    serve 默认以两个子进程运行它（decide 与 deliver）；数据库须已迁移（gridbot db upgrade）。
    """
    import asyncio

    from bot.channels.wecom.settings import WeComConfigError
    from bot.worker_process import (
        configure_logging,
        die_with_parent,
        run_worker,
        yield_to_acknowledgements,
    )
    from bot.workers import Role

    # First of all, so that no work starts for a service that is already gone.
    if wake_fd is not None and not die_with_parent(wake_fd):
        raise fail("启动后台工作的 serve 进程已退出")
    if wake_fd is not None:
        yield_to_acknowledgements()
    settings = settings_from(config)
    configure_logging()
    _ensure_sqlite_dir(settings.database_url)
    try:
        asyncio.run(run_worker(settings, wake_fd=wake_fd, role=Role(role.value),
                               outbox_fd=outbox_fd))
    except (ConfigError, WeComConfigError) as err:
        raise fail(str(err)) from None


@db_app.command("upgrade")
def db_upgrade(config: ConfigOption = Path("config.yaml")) -> None:
    """应用数据库迁移。"""
    from models.base import make_engine
    from models.migrate import upgrade

    settings = settings_from(config)
    _ensure_sqlite_dir(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except Exception as err:
        raise fail(f"数据库迁移失败：{err}") from None
    finally:
        engine.dispose()
    typer.echo("数据库已是最新版本")


@app.command()
def classify(text: Annotated[str | None, typer.Argument(help="一条消息")] = None,
             json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
             file: Annotated[Path | None, typer.Option("--file", help="每行一条消息")] = None,
             config: ConfigOption = Path("config.yaml")) -> None:
    """对一条消息（或文件中的每一行）分类。"""
    from bot.cli_learn import learned_examples
    from bot.services import load_classifier

    settings = settings_from(config)
    if (text is None) == (file is None):
        raise fail("请给出一条消息，或用 --file 指定文件（二选一）")
    if file is not None and not file.is_file():
        raise fail(f"找不到文件 {file}")
    texts = file.read_text(encoding="utf-8").splitlines() if file else [text or ""]
    classifier = load_classifier(settings, learned_examples(settings))
    for line in texts:
        if not line.strip():
            continue
        result = classifier.classify(line)
        if json_out:
            typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            items = "；".join(f"{m.item.name}→{m.department}（{m.score:.2f}）" for m in result.items)
            typer.echo(f"{result.intent.value}\t{result.decision.value}\t{items}\t{line}")


@app.command("eval")
def eval_command(file: Annotated[Path, typer.Argument(help="带标注的 CSV（text,intent,…）")],
                 json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
                 config: ConfigOption = Path("config.yaml")) -> None:
    """在带标注的消息上评估分类器的准确率。"""
    from bot.cli_learn import learned_examples
    from bot.services import load_classifier
    from dispatcher.evaluation import LabelledDataError, evaluate, read_labelled

    settings = settings_from(config)
    if not file.is_file():
        raise fail(f"找不到文件 {file}")
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            rows = read_labelled(handle, source=str(file))
    except (LabelledDataError, UnicodeDecodeError) as err:
        raise fail(str(err)) from None
    report = evaluate(load_classifier(settings, learned_examples(settings)), rows)
    if json_out:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    for key, value in report.items():
        if key != "confusion_pairs":
            typer.echo(f"{key}\t{value}")
    for pair in report["confusion_pairs"]:  # type: ignore[attr-defined]
        typer.echo(f"confusion\t{pair['expected']} -> {pair['predicted']}\t{pair['count']}")


@app.command()
def replay(file: Annotated[Path, typer.Argument(help="JSON lines 回放文件")],
           until: Annotated[str | None, typer.Option(help="回放到此时刻（ISO 8601）")] = None,
           out: Annotated[Path | None, typer.Option(help="输出文件（默认标准输出）")] = None,
           config: ConfigOption = Path("config.yaml")) -> None:
    """在虚拟时钟上回放一段群聊，输出机器人的全部消息和工单终态。"""
    from bot.replay import ReplayError, dump_lines, read_replay, run_replay
    from models.base import make_engine

    settings = settings_from(config)
    if not file.is_file():
        raise fail(f"找不到文件 {file}")
    try:
        stop = datetime.fromisoformat(until) if until else None
        if stop is not None and stop.tzinfo is None:
            raise ReplayError("--until 必须带时区")
        data = read_replay(file.read_text(encoding="utf-8").splitlines())
    except (ReplayError, ValueError) as err:
        raise fail(str(err)) from None
    with tempfile.TemporaryDirectory(prefix="gridbot-replay-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/replay.db")
        try:
            text = dump_lines(run_replay(settings, data, engine=engine, until=stop))
        finally:
            engine.dispose()
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _mount_lists() -> None:
    from bot import cli_reports
    from bot.cli_dashboard import dashboard_app
    from bot.cli_learn import learn
    from bot.cli_lists import lists_app

    app.add_typer(lists_app, name="lists")
    app.add_typer(dashboard_app, name="dashboard")
    app.command("learn")(learn)
    app.command("digest")(cli_reports.digest)
    app.command("report")(cli_reports.report)


_mount_lists()


def main() -> None:
    app()

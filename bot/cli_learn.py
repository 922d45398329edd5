"""``gridbot learn``: add, list and undo labelled examples the classifier learns from."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.settings import Settings
from dispatcher.classify.learning import LearnedExample

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from models.learning import LearnedStore

CsvArgument = Annotated[Path | None, typer.Argument(help="CSV：text,department[,item_code]")]
ConfigOption = Annotated[Path, typer.Option("--config", help="配置文件路径")]


def learn(
    file: CsvArgument = None,
    show: Annotated[bool, typer.Option("--list", help="列出已学习的样例")] = False,
    undo: Annotated[int | None, typer.Option("--undo", help="撤销一条样例（编号）")] = None,
    config: ConfigOption = Path("config.yaml"),
) -> None:
    """添加带标注的历史案例（12345、数字城管），或列出/撤销已学习的样例。"""
    from bot.cli import fail, settings_from
    from models.learning import LearnedDataError, read_learn_file
    from models.lists import ListHolder

    settings = settings_from(config)
    if sum((file is not None, show, undo is not None)) != 1:
        raise fail("请给出 CSV 文件，或 --list，或 --undo 编号（三选一）")
    store, engine = _open_store(settings)
    try:
        now = datetime.now(UTC)
        if show:
            store.import_rulings(now=now)
            for row in store.listing(include_undone=True):
                state = "已撤销" if row.undone_at else "有效"
                typer.echo(
                    f"{row.id}\t{row.source}\t{row.department}\t{row.item_code or '-'}\t"
                    f"{state}\t{row.text}"
                )
            return
        if undo is not None:
            if not store.undo(undo, now=now):
                raise fail(f"没有编号为 {undo} 的有效样例")
            typer.echo(f"已撤销样例 {undo}")
            return
        assert file is not None
        if not file.is_file():
            raise fail(f"找不到文件 {file}")
        try:
            with file.open(encoding="utf-8", newline="") as handle:
                lst = ListHolder(settings.lists_dir).load()
                rows = read_learn_file(handle, source=str(file), lst=lst)
        except (LearnedDataError, UnicodeDecodeError) as err:
            raise fail(str(err)) from None
        ids = store.add(rows, source="learn", origin=file.name, now=now)
        typer.echo(f"已学习 {len(ids)} 条样例（编号 {ids[0]}–{ids[-1]}）")
    finally:
        engine.dispose()


def learned_examples(settings: Settings) -> list[LearnedExample]:
    """Active examples from the configured database, or none when it has no database yet."""
    from sqlalchemy.exc import SQLAlchemyError

    url = settings.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    try:
        store, engine = _open_store(settings, migrate=False)
    except SQLAlchemyError:
        return []
    try:
        store.import_rulings(now=datetime.now(UTC))
        return store.active()
    except SQLAlchemyError:
        return []  # not migrated yet: nothing learned
    finally:
        engine.dispose()


def _open_store(settings: Settings, *, migrate: bool = True) -> tuple[LearnedStore, Engine]:
    from bot.cli import _ensure_sqlite_dir
    from models.base import make_engine, make_session_factory
    from models.learning import LearnedStore
    from models.migrate import upgrade

    _ensure_sqlite_dir(settings.database_url)
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return LearnedStore(make_session_factory(engine)), engine

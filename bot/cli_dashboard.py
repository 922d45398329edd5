"""``gridbot dashboard``: tools for the web dashboard's users."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.dashboard.passwords import hash_password

dashboard_app = typer.Typer(help="网页看板", no_args_is_help=True)


@dashboard_app.command("hash-password")
def hash_password_command(
    password: Annotated[str, typer.Option("--password", prompt="密码", hide_input=True,
                                          confirmation_prompt=True,
                                          help="要哈希的密码（省略则交互输入）")],
) -> None:
    """打印密码的 scrypt 哈希，填入 config.yaml 的 dashboard.users[].password_hash。"""
    if not password:
        typer.echo("错误：密码不能为空", err=True)
        raise typer.Exit(code=2)
    typer.echo(hash_password(password))

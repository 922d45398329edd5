"""User-facing Chinese texts of the dispatch desk, in one place."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

HELP = (
    "网格派单机器人用法：\n"
    "· 网格员直接描述问题即可上报，例如「文山路菜场门口有人跨门经营」\n"
    "· 部门联络员：认领 A0012 ｜ 已办结 A0012 已清理 ｜ 退回 A0012 原因 ｜ 申请延期 A0012 2天 原因\n"
    "· 上报人/站长：确认 A0012 ｜ 没解决 A0012 原因 ｜ 撤销 A0012\n"
    "· 站长：转派 A0012 市场监管 ｜ 裁决 A0012 城管 ｜ 同意延期 A0012 ｜ 不同意延期 A0012\n"
    "  合并 A0013 A0012 ｜ 取消合并 A0013 ｜ 撤销先例 1\n"
    "· 所有人：进度 A0012 ｜ 先例 ｜ 帮助\n"
    "只有一张相关工单时可省略编号，也可以引用机器人的消息回复。"
)


def when(moment: datetime | None, tz: ZoneInfo) -> str:
    """Render a deadline the way people read it in a chat: 3月2日 10:00."""
    if moment is None:
        return "—"
    local = moment.astimezone(tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def mention(names: list[str]) -> str:
    return " ".join(f"@{name}" for name in names)


NO_TICKET = "没有找到相关的工单，请在命令后写上工单编号，例如「{verb} A0012」。"
AMBIGUOUS = "您有多张相关工单：{tags}。请写明编号，例如「{verb} {first}」。"
UNKNOWN_TAG = "没有找到工单 {tag}，请核对编号。"
NOT_ALLOWED = "抱歉，{who}不能对 {tag} 执行「{action}」：{why}"
DISPATCH = (
    "【{tag}】新工单：{text}\n"
    "事项：{citation}\n"
    "主办：{department} {mentions}{co_line}\n"
    "请于 {claim_deadline} 前回复「认领」，{handle_deadline} 前办结。"
)
CO_LINE = "\n协办：{names}"
TRIAGE = (
    "【{tag}】这条上报机器人无法确定归属：{text}\n"
    "{mentions} 请站长于 {deadline} 前分派，例如「转派 {tag} 城管」。{hint}"
)
TRIAGE_HINT = "\n可能的事项：{candidates}"
# The list has no item for it, but a department's duties name it (清单外事项).
TRIAGE_DUTY_HINT = "\n清单无对应事项，按职责建议：{department}（{dept_id}，职责：{duties}）"
CLAIM_ACK = "【{tag}】已由{department}认领（{who}），请于 {handle_deadline} 前办结。"
RESOLVE_ACK = (
    "【{tag}】{department}已办结：{note}\n"
    "{mentions} 请核实：解决了回复「确认 {tag}」，没解决回复「没解决 {tag} 原因」。"
    "{auto_close} 未回复将自动结案。"
)
CLOSED = "【{tag}】已结案，感谢{who}。"
AUTO_CLOSED = "【{tag}】办结后 {window} 未收到反馈，已自动结案。"
REOPENED = (
    "【{tag}】上报人反馈没解决{reason}，已退回{department}重新处置（第 {count} 次返工）。"
    "{mentions} 原处置时限 {handle_deadline} 不变。"
)
CANCELLED = "【{tag}】已撤销（{who}）。"
STATUS = (
    "【{tag}】{item}\n状态：{status}｜主办：{department}\n"
    "认领时限：{claim}｜处置时限：{handle}\n{history}"
)
ROLE_REPORTER = "上报人或本社区站长"
ROLE_LIAISON = "主办部门联络员"
ROLE_HEAD = "本社区站长"

REMINDER = "【{tag}】提醒：{item} 的{clock}为 {deadline}，即将到期。{mentions} 请尽快{verb}。"
ESCALATION = (
    "【{tag}】{level}：{community} {item}（{department}）已超过{clock} {deadline}，"
    "超时 {late}。{mentions} 请督办。"
)
LEVEL_NAMES = {1: "超时一级升级", 2: "超时二级升级（街道指挥中心）", 3: "超时三级升级（市指挥中心）"}


def duration(delta: timedelta) -> str:
    """Say how late something is: 2天3小时 / 1小时20分钟 / 5分钟."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "",
             f"{mins}分钟" if mins and not days else ""]
    return "".join(parts) or "不到1分钟"

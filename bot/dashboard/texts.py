"""Every Chinese word the dashboard shows, in one place."""

from __future__ import annotations

STATUS = {
    "triage": "待分拨", "dispatched": "待认领", "claimed": "处置中", "resolved": "待确认",
    "closed": "已结案", "cancelled": "已撤销", "duplicate": "重复", "disputed": "争议待裁决",
}

EVENT = {
    "dispatch": "派单", "triage": "转站长分拨", "claim": "认领", "claim_ack": "认领回执",
    "resolve": "办结", "resolve_ack": "办结回执", "close": "确认结案", "closed": "结案",
    "auto_close": "超时自动结案", "reopen": "未解决，重新打开", "reopened": "重新打开",
    "cancel": "撤销", "recalled": "原消息撤回", "duplicate": "重复上报", "merge": "合并",
    "unmerge": "取消合并", "dispute": "退回（争议）", "transfer": "转派", "ruling": "站长裁决",
    "extension_request": "申请延期", "extension_decision": "延期审批", "reminder": "到期提醒",
    "escalation": "超时升级", "refused": "拒绝执行", "status": "进度查询", "help": "帮助",
    "digest": "日报",
}

DETAIL = {
    "item_code": "事项编码", "department": "部门", "score": "置信度", "evidence": "依据",
    "note": "说明", "reason": "原因", "why": "原因", "level": "级别", "clock": "时钟",
    "into": "并入", "duplicate_of": "重复于", "was_duplicate_of": "原重复于", "limit": "时限",
    "approved": "同意", "attempts": "发送次数", "error": "错误",
}

ROLE = {"street": "街道", "station_head": "社区站长", "department": "部门"}
KIND = {"inbound": "群消息", "event": "工单事件", "outbox": "机器人发出"}
DELIVERY = {"pending": "待发送", "sent": "已送达", "dead": "发送失败"}
INTENT = {"report": "上报问题", "command": "指令", "chatter": "闲聊"}
DECISION = {"dispatch": "直接派单", "triage": "转站长分拨", "ignore": "不处理"}
URGENCY = {"urgent": "紧急", "normal": "一般"}
LIST_KIND = {"component": "部件", "event": "事件"}

LOGIN_REQUIRED = "请先登录"
BAD_LOGIN = "用户名或密码错误"
LOCKED = "登录失败次数过多，请 {seconds} 秒后再试"
NOT_FOUND = "工单不存在，或您无权查看"
EMPTY_TEXT = "请输入要试分类的一句话"
BAD_DATE = "日期格式应为 YYYY-MM-DD"
BAD_FILTER = "筛选条件无效：{field}"
BAD_DATE = "日期格式应为 YYYY-MM-DD，例如 2026-01-01"
BAD_PERIOD = "截止日期不能早于起始日期"
LONG_PERIOD = "统计区间最长三年"

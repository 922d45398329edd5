"""User-facing Chinese texts of disputes, transfers, rulings, extensions, duplicates, recalls."""

from __future__ import annotations

DISPUTE_TO_NEXT = (
    "【{tag}】{from_dept}退回：{reason}\n"
    "改由{department}主办（{item}）{mentions}{co_line}\n"
    "请于 {claim_deadline} 前回复「认领 {tag}」，{handle_deadline} 前办结；"
    "如也不属于贵单位，请回复「退回 {tag} 原因」，由站长裁决。"
)
DISPUTE_TO_HEAD = (
    "【{tag}】{from_dept}退回：{reason}\n"
    "{sides}\n"
    "{mentions} 请站长于 {deadline} 前裁决，例如「裁决 {tag} 城管」或「转派 {tag} 市监」。\n"
    "退回期间原部门时限暂停；如裁决仍由原部门办理，原时限照常计算。"
)
SIDE_LIST = "· 清单：{item} 主办 {department}"
SIDE_DISPUTE = "· {department}：{reason}"
NO_REASON = "未说明原因"
TRANSFERRED = (
    "【{tag}】站长{verb}：改由{department}主办{precedent}\n"
    "{mentions}{co_line} 请于 {claim_deadline} 前认领，{handle_deadline} 前办结。"
)
GIVEN_BACK = (
    "【{tag}】站长{verb}：仍由{department}办理，退回期间计入原时限"
    "（认领 {claim_deadline}，办结 {handle_deadline}）。{precedent}{mentions}"
)
PRECEDENT_NOTE = "（已记为先例 #{id}：今后「{item}」派给{department}）"
CO_LINE = "\n协办：{names}"
RULING_FINAL = "站长已裁决由贵单位办理，不能再退回，如有异议请直接联系站长"
NOT_DISPUTABLE = "{tag} 当前状态为「{status}」，不能退回"
UNKNOWN_DEPARTMENT = "没有找到部门「{name}」，请写部门简称、全称或编号，例如「{verb} {tag} 城管」。"
SAME_DEPARTMENT = "{tag} 已由{department}主办，无需{verb}。"

EXTENSION_FORMAT = "请写明延期时长和原因，例如「申请延期 {tag} 2工作日 材料未到」。"
EXTENSION_PENDING = "{tag} 已有待审批的延期申请（{limit}），请等站长答复。"
EXTENSION_NONE = "{tag} 没有待审批的延期申请。"
EXTENSION_REQUEST = (
    "【{tag}】{department}申请延期 {limit}：{reason}\n"
    "当前处置时限 {deadline}。{mentions} 请回复「同意延期 {tag}」或「不同意延期 {tag}」。"
)
EXTENSION_APPROVED = "【{tag}】站长同意延期 {limit}，处置时限改为 {deadline}。{mentions}"
EXTENSION_REJECTED = "【{tag}】站长不同意延期，处置时限仍为 {deadline}。{mentions}"

DUPLICATE = (
    "【{tag}】这条上报与 {original} 是同一问题（{item}，{state}），已关联，不再重复派单。"
    "{mentions} 可回复「进度 {original}」查看进展。"
)
MERGED = "【{tag}】已由站长合并到 {original}（{state}），{tag} 不再单独处置。"
MERGE_USAGE = "请写明两张工单，例如「合并 A0013 A0012」（前者并入后者）。"
MERGE_INVALID = "{tag} 当前状态为「{status}」，不能合并。"
NOT_MERGED = "{tag} 不是合并的工单，无需取消合并。"
UNMERGED = (
    "【{tag}】已取消与 {original} 的合并，重新作为独立工单处理。{mentions}\n"
    "请于 {claim_deadline} 前认领，{handle_deadline} 前办结。"
)

RECALL_CANCELLED = "【{tag}】上报消息已撤回，工单尚未认领，已自动撤销。"
RECALL_NOTICE = (
    "【{tag}】上报消息已被撤回，但工单{state}（{department}）。"
    "{mentions} 请站长决定是否「撤销 {tag}」。"
)

PRECEDENT_LINE = "#{id} {item} → {department}（{who} {when}，{ticket}）"
PRECEDENT_LIST = "当前有效的裁决先例：\n{lines}\n站长可回复「撤销先例 编号」撤销。"
PRECEDENT_EMPTY = "目前没有裁决先例。"
PRECEDENT_REVOKED = "先例 #{id}（{item} → {department}）已撤销，今后按清单派单。"
PRECEDENT_UNKNOWN = "没有找到有效的先例「{ref}」，请回复「先例」查看编号。"
PRECEDENT_NOT_HEAD = "抱歉，只有站长可以撤销先例。"

"""User- and operator-facing Chinese texts of the WeCom channels, in one place."""

from __future__ import annotations

# Placeholders for non-text content, so the pipeline always gets something readable.
IMAGE = "[图片]"
FILE = "[文件]"
VIDEO = "[视频]"
LOCATION = "[位置]"
LINK = "[链接]"

# Joins several outbox messages that were coalesced into one robot payload.
COALESCE_SEPARATOR = "\n\n"
# Marks a payload that had to be cut at WeCom's byte limit.
TRUNCATED_MARK = "…（内容过长，已截断）"

# Configuration errors (operators read these at start-up).
MISSING_ENV = "企业微信配置 {field}：环境变量 {env} 未设置或为空"
UNKNOWN_AIBOT = "企业微信配置中没有名为 {name} 的智能机器人（wecom.aibots）"
UNKNOWN_APP = "企业微信配置中没有名为 {name} 的自建应用（wecom.apps）"
UNKNOWN_ROBOT = "群 {chat} 没有配置群机器人（wecom.robots.{chat}.key_env）"
APPS_NEED_CORP_ID = "配置了自建应用（wecom.apps）时必须填写 wecom.corp_id"
BAD_ENV_NAME = "必须是环境变量名（大写字母、数字、下划线），不能直接写密钥"
BAD_AES_KEY = "EncodingAESKey 必须是管理后台生成的 43 位字符（base64，解码后 32 字节）"
EMPTY_TOKEN = "回调 Token 不能为空"

# Answers to callbacks that are rejected (WeCom shows nothing; operators read them in logs).
BAD_SIGNATURE = "企业微信回调签名校验失败"
BAD_CALLBACK = "企业微信回调无法解密或格式错误"
STALE_CALLBACK = "企业微信回调时间戳缺失或过期（防重放）"

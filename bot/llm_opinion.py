"""Second opinion from an OpenAI-compatible chat endpoint (a city's own DeepSeek/Qwen).

Off unless ``GRIDBOT_LLM_BASE_URL`` is set. Every failure — timeout, HTTP error, an answer
that is not one of the offered codes — returns None, so the message stays in triage.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx

from dispatcher.classification import ItemMatch

log = logging.getLogger(__name__)
_CODE_RE = re.compile(r"[0-9A-Za-z]{4,12}")
PROMPT = (
    "你是社区全科网格的派单助手。下面是一条网格员的上报和候选事项，"
    "请只回答最合适事项的编号；都不合适就回答“无”。\n上报：{text}\n候选：\n{options}"
)


@dataclass(frozen=True, slots=True)
class LlmSettings:
    base_url: str
    model: str
    api_key: str = ""
    timeout_seconds: float = 3.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LlmSettings | None:
        env = os.environ if env is None else env
        base = env.get("GRIDBOT_LLM_BASE_URL", "").strip()
        if not base:
            return None
        return cls(
            base_url=base.rstrip("/"),
            model=env.get("GRIDBOT_LLM_MODEL", "qwen"),
            api_key=env.get("GRIDBOT_LLM_API_KEY", ""),
            timeout_seconds=float(env.get("GRIDBOT_LLM_TIMEOUT", "3")),
        )


class ChatOpinion:
    """Asks ``POST {base_url}/chat/completions`` to pick one candidate."""

    def __init__(self, settings: LlmSettings, client: httpx.Client | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.Client(timeout=settings.timeout_seconds)

    def choose(self, text: str, candidates: Sequence[ItemMatch]) -> str | None:
        options = "\n".join(f"{c.item.code} {c.item.name}（{c.department}）" for c in candidates)
        body = {
            "model": self._settings.model,
            "temperature": 0,
            "messages": [{"role": "user", "content": PROMPT.format(text=text, options=options)}],
        }
        headers = (
            {"Authorization": f"Bearer {self._settings.api_key}"} if self._settings.api_key else {}
        )
        try:
            response = self._client.post(
                f"{self._settings.base_url}/chat/completions",
                json=body,
                headers=headers,
                timeout=self._settings.timeout_seconds,
            )
            response.raise_for_status()
            answer = str(response.json()["choices"][0]["message"]["content"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as err:
            log.warning("second opinion unavailable, keeping triage: %s", err)
            return None
        offered = {c.item.code for c in candidates}
        return next((code for code in _CODE_RE.findall(answer) if code in offered), None)

"""The optional LLM second opinion against a local fake OpenAI-compatible endpoint (real HTTP)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.llm_opinion import ChatOpinion, LlmSettings
from dispatcher.classification import Decision
from dispatcher.classify.classifier import GridClassifier
from dispatcher.classify.second_opinion import EVIDENCE_NOTE, WithSecondOpinion
from models.lists import load_responsibility_list

ROOT = Path(__file__).resolve().parents[2]
UNSURE = "文山路那边有个东西坏了很危险"
# No list item fits, but a department's duties name the matter: the head decides.
DUTY_ONLY = "城南老粮站那排空房子没人管，门窗都烂了"


class FakeChat:
    """Answers with ``reply`` (a callable of the prompt), or hangs until released."""

    def __init__(self) -> None:
        self.reply: str | None = ""
        self.prompts: list[str] = []
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.prompts.append(body["messages"][0]["content"])
                if fake.reply is None:
                    fake.release.wait()  # never answers in time: the client must time out
                    return
                answer = {"choices": [{"message": {"role": "assistant", "content": fake.reply}}]}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def fake() -> Iterator[FakeChat]:
    chat = FakeChat()
    thread = threading.Thread(target=chat.server.serve_forever, daemon=True)
    thread.start()
    yield chat
    chat.release.set()
    chat.server.shutdown()
    chat.server.server_close()


@cache
def base() -> GridClassifier:
    return GridClassifier(
        responsibility_list=load_responsibility_list(ROOT / "responsibility_lists" / "default")
    )


def with_opinion(fake: FakeChat, timeout: float = 2.0) -> WithSecondOpinion:
    settings = LlmSettings(base_url=fake.url, model="qwen-local", timeout_seconds=timeout)
    return WithSecondOpinion(classifier=base(), opinion=ChatOpinion(settings))


def test_off_by_default() -> None:
    assert LlmSettings.from_env({}) is None


def test_a_chosen_candidate_is_dispatched_with_a_note(fake: FakeChat) -> None:
    triaged = base().classify(UNSURE)
    assert triaged.decision is Decision.TRIAGE
    pick = triaged.candidates[1].item.code
    fake.reply = f"编号：{pick}"
    result = with_opinion(fake).classify(UNSURE)
    assert result.decision is Decision.DISPATCH
    assert result.items[0].item.code == pick
    assert EVIDENCE_NOTE in result.items[0].evidence
    assert UNSURE in fake.prompts[0]


def test_unoffered_answer_keeps_triage(fake: FakeChat) -> None:
    fake.reply = "无"
    assert with_opinion(fake).classify(UNSURE).decision is Decision.TRIAGE


def test_timeout_falls_back_to_triage(fake: FakeChat) -> None:
    fake.reply = None
    assert with_opinion(fake, timeout=0.3).classify(UNSURE).decision is Decision.TRIAGE


def test_a_duty_suggestion_is_left_to_the_station_head(fake: FakeChat) -> None:
    fake.reply = "编号：010599"
    result = with_opinion(fake).classify(DUTY_ONLY)
    assert result.decision is Decision.TRIAGE and fake.prompts == []
    assert result.candidates[0].duty and result.candidates[0].department == "jiedao"


def test_confident_messages_never_call_the_model(fake: FakeChat) -> None:
    result = with_opinion(fake).classify("文山路菜场门口有人跨门经营")
    assert result.decision is Decision.DISPATCH and fake.prompts == []

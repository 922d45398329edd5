"""An optional second opinion for messages the classifier would triage.

A city may run its own chat model (DeepSeek, Qwen). When the classifier is not sure, the
model is asked to pick one of the ranked candidates; anything else (no answer, a timeout,
an item not offered) keeps the message with the station head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from dispatcher.classification import Classification, Classifier, Decision, ItemMatch

EVIDENCE_NOTE = "大模型复核"


class SecondOpinion(Protocol):
    def choose(self, text: str, candidates: Sequence[ItemMatch]) -> str | None:
        """The code of the candidate that fits the message, or None when unsure or failing."""
        ...


class WithSecondOpinion:
    """A ``Classifier`` that asks ``opinion`` before triaging."""

    def __init__(self, *, classifier: Classifier, opinion: SecondOpinion) -> None:
        self._classifier = classifier
        self._opinion = opinion

    def classify(self, text: str) -> Classification:
        result = self._classifier.classify(text)
        # A department suggested by its duties means no list item fits: the head decides.
        if result.decision is not Decision.TRIAGE or not result.candidates \
                or result.candidates[0].duty:
            return result
        code = self._opinion.choose(text, result.candidates)
        chosen = next((c for c in result.candidates if c.item.code == code), None)
        if chosen is None:
            return result
        item = replace(chosen, evidence=(*chosen.evidence, EVIDENCE_NOTE))
        return replace(result, decision=Decision.DISPATCH, items=(item,))

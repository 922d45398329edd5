"""The department score ("下考上"): rates earn points, failures cost points.

Defaults follow the 金华 数字城管 考核细则 (docs/scoring.md): on-time close rate ≥70% earns
the full 50 points, −1 per percentage point below; close rate ≥90% earns 20; a rework
costs 0.2; an unjustified refusal (a dispute the department lost) costs 1. The claim rate
and the escalation deductions are this project's additions, documented there too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatcher.reporting_ports import Scorecard


@dataclass(frozen=True)
class RateRule:
    """``points`` when the rate reaches ``target``; ``per_point`` off per percentage point below."""

    points: float
    target: float
    per_point: float = 1.0

    def score(self, rate: float | None) -> float:
        if rate is None:  # nothing decided yet: nothing to hold against the department
            return self.points
        shortfall = max(0.0, self.target - rate) * 100
        return max(0.0, self.points - shortfall * self.per_point)


@dataclass(frozen=True)
class Deductions:
    rework: float = 0.2
    dispute_lost: float = 1.0
    escalation_level_2: float = 0.5
    escalation_level_3: float = 1.0
    extension: float = 0.0


@dataclass(frozen=True)
class ScoreWeights:
    on_time_close: RateRule = field(default_factory=lambda: RateRule(50, 0.70))
    close_rate: RateRule = field(default_factory=lambda: RateRule(20, 0.90))
    on_time_claim: RateRule = field(default_factory=lambda: RateRule(30, 0.90))
    deductions: Deductions = field(default_factory=Deductions)


@dataclass(frozen=True)
class Score:
    earned: float
    deducted: float

    @property
    def total(self) -> float:
        return round(max(0.0, self.earned - self.deducted), 2)


def score(card: Scorecard, weights: ScoreWeights) -> Score | None:
    """The department's score for the card's period; None when it had no tickets."""
    if not card.dispatched and not card.disputes_raised:
        return None
    earned = (weights.on_time_close.score(card.on_time_close_rate)
              + weights.close_rate.score(card.close_rate)
              + weights.on_time_claim.score(card.on_time_claim_rate))
    d = weights.deductions
    deducted = (card.reworks * d.rework + card.disputes_lost * d.dispute_lost
                + card.escalations[1] * d.escalation_level_2
                + card.escalations[2] * d.escalation_level_3 + card.extensions * d.extension)
    return Score(earned=round(earned, 2), deducted=round(deducted, 2))

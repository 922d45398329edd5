"""``scorecard:`` in config.yaml — weights and deductions of the department score."""

from __future__ import annotations

from pydantic import BaseModel, Field

from dispatcher.scorecard import Deductions, RateRule, ScoreWeights


class RateRuleSettings(BaseModel):
    points: float = Field(ge=0)
    target: float = Field(ge=0, le=1)  # a rate, e.g. 0.70 for 70 %
    per_point: float = Field(default=1.0, ge=0)


class DeductionSettings(BaseModel):
    rework: float = Field(default=0.2, ge=0)
    dispute_lost: float = Field(default=1.0, ge=0)
    escalation_level_2: float = Field(default=0.5, ge=0)
    escalation_level_3: float = Field(default=1.0, ge=0)
    extension: float = Field(default=0.0, ge=0)


class ScorecardSettings(BaseModel):
    """Defaults and their origin: docs/scoring.md."""

    model_config = {"extra": "forbid"}

    on_time_close: RateRuleSettings = RateRuleSettings(points=50, target=0.70)
    close_rate: RateRuleSettings = RateRuleSettings(points=20, target=0.90)
    on_time_claim: RateRuleSettings = RateRuleSettings(points=30, target=0.90)
    deductions: DeductionSettings = Field(default_factory=DeductionSettings)

    def weights(self) -> ScoreWeights:
        def rule(r: RateRuleSettings) -> RateRule:
            return RateRule(points=r.points, target=r.target, per_point=r.per_point)

        return ScoreWeights(on_time_close=rule(self.on_time_close),
                            close_rate=rule(self.close_rate),
                            on_time_claim=rule(self.on_time_claim),
                            deductions=Deductions(**self.deductions.model_dump()))

"""schemathesis against the app's own OpenAPI schema, over real HTTP on loopback.

Every operation in the schema is generated from it, so endpoints added later (the dashboard
API) are covered without touching this file. Each generated request, valid for the schema and
deliberately invalid, must get no 5xx, a status code the schema documents, the documented
content type and a body matching its schema.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from bot.app import create_app
from bot.settings import Settings
from dispatcher.clock import VirtualClock
from models.migrate import upgrade
from tests.live import serve

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# The callbacks and console this suite was written against; the schema may hold more.
KNOWN = {("POST", "/channels/generic/{source}"), ("GET", "/channels/wecom-aibot/{bot}"),
         ("POST", "/channels/wecom-aibot/{bot}"), ("GET", "/channels/wecom-app/{app}"),
         ("POST", "/channels/wecom-app/{app}"), ("POST", "/console/api/messages"),
         ("GET", "/console/api/conversation"), ("GET", "/healthz")}
EXAMPLES = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def api(wecom_settings: Settings, engine: Engine,
        wecom_clock: VirtualClock) -> Iterator[tuple[schemathesis.BaseSchema, str]]:
    upgrade(engine)
    with serve(create_app(wecom_settings, clock=wecom_clock)) as base:
        yield schemathesis.openapi.from_url(f"{base}/openapi.json"), base


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_within_its_schema(
        api: tuple[schemathesis.BaseSchema, str], mode: GenerationMode) -> None:
    schema, base = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} >= KNOWN
    exercised = set()
    for operation in operations:
        @EXAMPLES
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=base, checks=CHECKS, timeout=10)

        try:
            call()
        except Unsatisfiable:  # nothing in this operation can be made invalid (no body, any string)
            assert mode is GenerationMode.NEGATIVE
            continue
        exercised.add((operation.method.upper(), operation.path))
    assert ("POST", "/console/api/messages") in exercised

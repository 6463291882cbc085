"""Schemathesis drives every API operation with generated requests: whatever it sends, the
register answers without a server error (bad input is a 4xx naming what and why).

Schemathesis' pytest plugin does not run under this pytest version, so the operations are
walked here and each one's Hypothesis strategy is run directly."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import token_for


def test_no_generated_request_makes_the_register_fail(register: RegisterApp) -> None:
    app = create_app(register)
    headers = token_for(register, Role.CUSTOMER_SERVICE)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        check()

"""A check of schemathesis' own kind, loaded by `st run` through SCHEMATHESIS_HOOKS.

Schemathesis' `positive_data_acceptance` fails every request the document allows that the
server refuses. The register refuses some for rules a JSON Schema cannot state: the checksum
of an identity code, business id, IBAN or metering point, a postal code that depends on the
country given beside it, an end date before the stored start, a search text that reads as a
phone number but is none. That check is left out of the run and this one takes its place: a
request the document allows may be refused only by such a rule, which the answer says with
the code `invalid_input` and the field it refused. A refusal of its shape (`invalid_request`,
`nul_character`: what the document itself should have ruled out), or any other 4xx than the
statuses schemathesis accepts for valid data, is a failure.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

# What positive_data_acceptance accepts (schemathesis' defaults): not the caller's data at fault.
ACCEPTED = {401, 403, 404, 409, 429}


@schemathesis.check
def refused_only_by_a_rule(ctx: Any, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in ACCEPTED:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        body = {}
    code = body.get("code") if isinstance(body, dict) else None
    if status == 422 and code == "invalid_input" and body.get("field"):
        return None
    raise AssertionError(
        f"a request the document allows was refused with {status} {code}: "
        f"{body.get('detail') if isinstance(body, dict) else response.text[:200]}"
    )

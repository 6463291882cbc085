"""The OpenAPI document describes the API: schemathesis' command line (`st run`) drives every
operation of a served demo register with each role's token and checks every answer against
the document (`--checks all`): no server error, every status, content type, header and body
as declared (errors as problem details), schema-violating requests refused, 405 with the right
`Allow`, and requests the document allows refused only by a rule of the register a schema
cannot state (tests/support/contract_checks.py, in place of `positive_data_acceptance`).

Runtime (it runs in the suite, on 2 cores): at most MAX_EXAMPLES generated cases per operation
and phase, with a fixed seed. The coverage phase (boundary values, missing and mistyped
parameters, undeclared methods; some 2,000 requests) runs with the tokens of customer service,
the DPO and billing, the roles whose routes take bodies (billing: the Finvoice import); the
fuzzing and stateful phases run with every role's token.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rekisteri.catalogue import Role
from rekisteri.demo.customers import generate
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.live_server import serve
from tests.support.staff import tokens_per_role

MAX_EXAMPLES = 5
ALL_PHASES = "coverage,fuzzing,stateful"
PHASES = {Role.CUSTOMER_SERVICE: ALL_PHASES, Role.DPO: ALL_PHASES, Role.BILLING: ALL_PHASES}
SEED = 1
ST = Path(sys.executable).with_name("st")
HOOKS = Path(__file__).parents[1] / "support" / "contract_checks.py"


@pytest.fixture
def served(register: RegisterApp) -> Iterator[tuple[str, dict[Role, str]]]:
    """A small demo register (its rows give the stateful phase real ids), served, with a
    token for every role."""
    generate(register, 5, seed=1)
    tokens = tokens_per_role(register)
    with serve(create_app(register)) as base:
        yield base, tokens


def st_run(base: str, token: str, phases: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(ST),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",  # refused_only_by_a_rule takes its place
            "--header",
            f"Authorization: Bearer {token}",
            "--phases",
            phases,
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            # A NUL is refused by the request guard on every route; the document says so in
            # its 422, not in every string's schema.
            "--generation-allow-x00",
            "false",
            # POST /logout answers 303 to the login page, as documented; following it would
            # check the login page's answer against the logout's.
            "--max-redirects",
            "0",
            "--no-color",
            "--report-dir",
            str(tmp),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
        cwd=tmp,
        check=False,
    )


# Some 4,000 requests through a real server: about 3 minutes on SQLite and 4 on PostgreSQL on a
# loaded 2-core machine, past the suite's 300 s default for one test.
@pytest.mark.timeout(900)
def test_every_answer_matches_the_document_for_every_role(
    served: tuple[str, dict[Role, str]], tmp_path: Path
) -> None:
    base, tokens = served
    failed = {}
    for role in Role:
        run = st_run(base, tokens[role], PHASES.get(role, "fuzzing,stateful"), tmp_path)
        if run.returncode != 0:
            summary = run.stdout[run.stdout.find("FAILURES") :] or run.stdout + run.stderr
            failed[role.value] = summary[-6000:]
    assert not failed, "\n\n".join(f"== {role}\n{out}" for role, out in failed.items())

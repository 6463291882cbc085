"""The ID token's checks (adapters/openid.verify): only a token signed by a key the provider
publishes, for this client, from this issuer, not expired, with this login's nonce is taken.
The provider's keys are served over HTTP from this test, as a provider publishes them; the
role mapping of sign-on (services/access/sign_on) is checked beside."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from rekisteri.adapters import openid
from rekisteri.catalogue import Role
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.access.sign_on import parse_role_map, role_for

ISSUER = "https://login.example.test"
CLIENT = "rekisteri"
NONCE = "the nonce of this login"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})  # same kid, not published


@pytest.fixture(scope="module")
def provider() -> Iterator[openid.Provider]:
    body = json.dumps({"keys": [KEY.as_dict(private=False)]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/jwks"
    yield openid.Provider(ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", url, None)
    server.shutdown()
    thread.join()


def _token(key: Any = KEY, alg: str = "RS256", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": CLIENT, "sub": "aino", "iat": now, "exp": now + 300}
    body |= {"nonce": NONCE} | claims
    return jwt.encode(
        {"alg": alg, "kid": "k1"}, {k: v for k, v in body.items() if v is not None}, key
    )


def _verify(provider: openid.Provider, token: str) -> dict[str, Any]:
    return openid.verify(provider, token, client_id=CLIENT, nonce=NONCE, timeout=5)


def test_a_right_token_gives_its_claims(provider: openid.Provider) -> None:
    claims = _verify(provider, _token(groups=["rekisteri-tietosuoja"]))
    assert claims["sub"] == "aino" and claims["groups"] == ["rekisteri-tietosuoja"]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: _token(key=OTHER_KEY), id="signed by a key not published"),
        pytest.param(lambda: _token(iss="https://evil.example.test"), id="another issuer"),
        pytest.param(lambda: _token(aud="another-client"), id="for another client"),
        pytest.param(lambda: _token(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda: _token(nonce="another login's nonce"), id="another nonce"),
        pytest.param(lambda: _token(nonce=None), id="no nonce"),
        pytest.param(lambda: _token(sub=None), id="no subject"),
        pytest.param(
            lambda: _token(aud=[CLIENT, "another-client"]), id="several audiences, no azp"
        ),
        pytest.param(
            lambda: _token(key=OctKey.import_key(b"k" * 32), alg="HS256"), id="a shared key"
        ),
    ],
)
def test_a_wrong_token_is_refused(provider: openid.Provider, token: Any) -> None:
    with pytest.raises(openid.OpenIdError):
        _verify(provider, token())


def test_unsigned_token_is_refused(provider: openid.Provider) -> None:
    signed = _token()
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    unsigned = f"{header}.{signed.split('.')[1]}."
    with pytest.raises(openid.OpenIdError):
        _verify(provider, unsigned)


def test_the_role_map_in_order() -> None:
    mapping = parse_role_map("tietosuoja=dpo, asiakaspalvelu=customer_service,,laskutus=billing")
    assert mapping == (
        ("tietosuoja", Role.DPO),
        ("asiakaspalvelu", Role.CUSTOMER_SERVICE),
        ("laskutus", Role.BILLING),
    )
    assert role_for(["laskutus", "tietosuoja"], mapping) is Role.DPO  # the map's order wins
    assert role_for(["laskutus"], mapping) is Role.BILLING
    assert role_for(["myynti"], mapping) is None
    assert role_for("tietosuoja", mapping) is None  # a claim that is not a list
    for wrong in ("tietosuoja=owner", "tietosuoja", "=dpo"):
        with pytest.raises(InvalidInput):
            parse_role_map(wrong)

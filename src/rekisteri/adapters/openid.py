"""The OpenID Connect relying party's protocol work, by libraries: authlib's OAuth 2 client
(authorization code with PKCE S256, the code exchanged with the client's secret) and joserfc for
the ID token (signature by the provider's published keys, issuer, audience, expiry, nonce).

Nothing here decides who may log in: services/access/sign_on.py does, from the claims this
returns. The provider's metadata is read from its discovery document at each login (staff log in
a few times a day: keys the provider rotated are always current).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# What an ID token may be signed with (never "none", never a symmetric key a client shares).
ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA", "Ed25519")
LEEWAY_SECONDS = 60  # clocks of the provider and the register differ a little


class OpenIdError(Exception):
    """The provider answered what the protocol does not allow, or did not answer."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OpenIdError(f"{url}: {exc}") from None
    if not isinstance(found, dict):
        raise OpenIdError(f"{url}: not a JSON object")
    return found


def discover(issuer: str, timeout: float) -> Provider:
    """The provider's endpoints from its discovery document (OpenID Connect Discovery 1.0),
    whose issuer must be exactly the configured one."""
    doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout)
    if doc.get("issuer") != issuer:
        raise OpenIdError(f"the discovery document names issuer {doc.get('issuer')!r}")
    try:
        return Provider(
            issuer,
            str(doc["authorization_endpoint"]),
            str(doc["token_endpoint"]),
            str(doc["jwks_uri"]),
            str(doc["end_session_endpoint"]) if doc.get("end_session_endpoint") else None,
        )
    except KeyError as exc:
        raise OpenIdError(f"the discovery document has no {exc}") from None


def _session(client_id: str, client_secret: str, redirect_uri: str, scope: str) -> OAuth2Session:
    return OAuth2Session(
        client_id,
        client_secret,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method, no secret
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def authorization_url(
    provider: Provider,
    *,
    client_id: str,
    redirect_uri: str,
    scope: str,
    state: str,
    nonce: str,
    code_verifier: str,
) -> str:
    """Where the browser goes to log in: the code flow, with the state, the nonce and the PKCE
    challenge (S256) of `code_verifier`."""
    with _session(client_id, "", redirect_uri, scope) as client:
        url, _ = client.create_authorization_url(
            provider.authorization_endpoint,
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
        )
    return str(url)


def exchange(
    provider: Provider,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    scope: str,
    code: str,
    code_verifier: str,
    timeout: float,
) -> str:
    """The ID token the provider gives for the code (and the PKCE verifier) at its token
    endpoint, the client authenticated by its secret."""
    with _session(client_id, client_secret, redirect_uri, scope) as client:
        try:
            token = client.fetch_token(
                provider.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
                timeout=timeout,
            )
        except Exception as exc:  # authlib raises its own errors and requests' alike
            raise OpenIdError(f"the token endpoint refused the code: {exc}") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OpenIdError("the token endpoint gave no ID token")
    return id_token


def verify(
    provider: Provider, id_token: str, *, client_id: str, nonce: str, timeout: float
) -> dict[str, Any]:
    """The ID token's claims once its signature (by a key the provider publishes), issuer,
    audience (and authorized party), expiry, issue time and nonce are checked."""
    keys = KeySet.import_key_set(_get_json(provider.jwks_uri, timeout))  # type: ignore[arg-type]
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise OpenIdError(f"the ID token is not valid: {exc}") from None
    claims = dict(token.claims)
    # Compared here in constant time rather than by the registry's equality.
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OpenIdError("the ID token's nonce is not this login's")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OpenIdError("the ID token is for several audiences and not authorized for us")
    return claims

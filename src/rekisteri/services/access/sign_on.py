"""Staff sign-on through the company's OpenID provider (P7: personal user IDs; the provider
keeps the passwords and their second factors).

The login is the authorization code flow with PKCE (S256), a state and a nonce, kept for its
ten minutes in a cookie sealed with the register's key (nothing stored before the provider
answers). The ID token is checked by adapters/openid.py. The account is found by the provider
and its subject (never by a name: a local account of the same name is not taken over) or
provisioned at the first login; its role follows the provider's groups at every login through
the configured map (Settings.oidc_role_map). A user none of whose groups maps to a role is
refused, and the sessions and command-line logins the account still had end, so a group taken
away at the provider takes the role away here at the next login. A change of role ends the
account's earlier sessions too. Each login is an entry of the audit trail, as a local one.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select, update

from rekisteri.adapters import openid
from rekisteri.adapters.schema.access import staff_user
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.errors import Forbidden, InvalidInput
from rekisteri.services.access import accounts, sessions
from rekisteri.services.access.audit import record_denied, record_login
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

FLOW_LIFETIME = dt.timedelta(minutes=10)
SEALED_AS = "sign-on flow"
CALLBACK = "/login/sso/callback"
AFTER_LOGOUT = "/login"
VIA = "sign-on"


class Why(StrEnum):
    """Why a sign-on was refused (the page says it in the user's language)."""

    EXPIRED = "expired"  # no flow of this browser, or a state that is not its own, or too old
    PROVIDER = "provider"  # the provider refused, or answered what the protocol forbids
    NO_ROLE = "no_role"  # none of the user's groups maps to a role of the register
    INACTIVE = "inactive"  # the register's administrator closed the account


class SignOnRefused(Forbidden):
    def __init__(self, why: Why, detail: str = "") -> None:
        super().__init__(f"sign-on refused: {why.value}" + (f" ({detail})" if detail else ""))
        self.why = why


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    role_map: tuple[tuple[str, Role], ...]
    groups_claim: str
    scopes: str
    timeout: float
    redirect_uri: str
    after_logout: str


def parse_role_map(text: str) -> tuple[tuple[str, Role], ...]:
    """ "group=role,group=role" in order; an unknown role is a configuration error."""
    pairs = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        group, sep, role = part.rpartition("=")
        if not sep or not group.strip():
            raise InvalidInput("REKISTERI_OIDC_ROLE_MAP", f"{part!r} is not group=role")
        try:
            pairs.append((group.strip(), Role(role.strip())))
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise InvalidInput(
                "REKISTERI_OIDC_ROLE_MAP", f"{role.strip()!r} is not a role ({roles})"
            ) from None
    return tuple(pairs)


def config(settings: Settings) -> Config | None:
    """The sign-on's configuration, or None when no provider is configured."""
    if not settings.oidc_issuer:
        return None
    if not settings.oidc_client_id or not settings.oidc_client_secret:
        raise InvalidInput(
            "REKISTERI_OIDC_CLIENT_ID",
            "sign-on needs the client's id and its secret (REKISTERI_OIDC_CLIENT_SECRET)",
        )
    base = settings.public_base_url.rstrip("/")
    return Config(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret,
        parse_role_map(settings.oidc_role_map),
        settings.oidc_groups_claim,
        settings.oidc_scopes,
        settings.oidc_timeout_seconds,
        base + CALLBACK,
        base + AFTER_LOGOUT,
    )


def _configured(reg: RegisterApp) -> Config:
    try:
        found = config(reg.settings)
    except InvalidInput as exc:  # a half-made configuration: no sign-on, and the reason
        raise SignOnRefused(Why.PROVIDER, str(exc)) from None
    if found is None:
        raise SignOnRefused(Why.PROVIDER, "no provider is configured")
    return found


def role_for(groups: object, role_map: tuple[tuple[str, Role], ...]) -> Role | None:
    """The role of the first group of the map the user is in; None if in none."""
    held = {g for g in groups if isinstance(g, str)} if isinstance(groups, list) else set()
    return next((role for group, role in role_map if group in held), None)


@dataclass(frozen=True)
class Start:
    url: str  # the provider's authorization endpoint, with this login's parameters
    flow: str  # the sealed flow state, for a cookie of this browser


def begin(reg: RegisterApp, next_path: str) -> Start:
    cfg = _configured(reg)
    try:
        provider = openid.discover(cfg.issuer, cfg.timeout)
    except openid.OpenIdError as exc:
        raise SignOnRefused(Why.PROVIDER, str(exc)) from None
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 asks for 43-128
    url = openid.authorization_url(
        provider,
        client_id=cfg.client_id,
        redirect_uri=cfg.redirect_uri,
        scope=cfg.scopes,
        state=state,
        nonce=nonce,
        code_verifier=verifier,
    )
    flow = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_path,
        "until": (reg.clock() + FLOW_LIFETIME).isoformat(),
    }
    return Start(url, reg.cipher.seal_text(SEALED_AS, json.dumps(flow)))


def _open_flow(reg: RegisterApp, sealed: str) -> dict[str, str]:
    try:
        flow = json.loads(reg.cipher.open_text(SEALED_AS, sealed))
    except Exception:  # tampered, foreign, sealed under an unknown key: all mean "not ours"
        raise SignOnRefused(Why.EXPIRED, "no sign-on of this browser") from None
    if dt.datetime.fromisoformat(flow["until"]) <= reg.clock():
        raise SignOnRefused(Why.EXPIRED, "the sign-on took too long")
    return {k: str(v) for k, v in flow.items()}


@dataclass(frozen=True)
class Done:
    session: sessions.NewSession
    next_path: str


def finish(reg: RegisterApp, sealed_flow: str, answer: Mapping[str, str]) -> Done:
    """The provider's answer at the callback: the state checked against this browser's flow,
    the code exchanged, the ID token checked, the account found or provisioned with the role
    its groups give, and a session opened; SignOnRefused otherwise."""
    cfg = _configured(reg)
    flow = _open_flow(reg, sealed_flow)
    if not hmac.compare_digest(answer.get("state", ""), flow["state"]):
        raise SignOnRefused(Why.EXPIRED, "the answer's state is not this browser's")
    if answer.get("error"):
        raise SignOnRefused(Why.PROVIDER, answer.get("error", ""))
    # RFC 9207: a provider that names itself in the answer must be the configured one.
    if "iss" in answer and answer["iss"] != cfg.issuer:
        raise SignOnRefused(Why.PROVIDER, "the answer comes from another issuer")
    if not answer.get("code"):
        raise SignOnRefused(Why.PROVIDER, "the answer carries no code")
    try:
        provider = openid.discover(cfg.issuer, cfg.timeout)
        id_token = openid.exchange(
            provider,
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
            redirect_uri=cfg.redirect_uri,
            scope=cfg.scopes,
            code=answer["code"],
            code_verifier=flow["verifier"],
            timeout=cfg.timeout,
        )
        claims = openid.verify(
            provider, id_token, client_id=cfg.client_id, nonce=flow["nonce"], timeout=cfg.timeout
        )
    except openid.OpenIdError as exc:
        raise SignOnRefused(Why.PROVIDER, str(exc)) from None
    return Done(admit(reg, cfg, claims), flow["next"])


def admit(reg: RegisterApp, cfg: Config, claims: Mapping[str, Any]) -> sessions.NewSession:
    """The account of a verified ID token's subject, found or provisioned, with the role its
    groups give now, and a session for it; SignOnRefused when no group maps to a role (its
    earlier sessions end) or the account was closed."""
    role = role_for(claims.get(cfg.groups_claim), cfg.role_map)
    subject = str(claims["sub"])
    refused: SignOnRefused | None = None
    with reg.unit_of_work(Actor.system(VIA)) as uow:
        found = uow.execute(
            select(
                staff_user.c.id, staff_user.c.username, staff_user.c.role, staff_user.c.active
            ).where(
                staff_user.c.sign_on_issuer == cfg.issuer,
                staff_user.c.sign_on_subject == subject,
            )
        ).first()
        if found is not None and not found.active:
            refused = SignOnRefused(Why.INACTIVE)
        elif role is None:
            if found is not None:  # the group that gave the role was taken away
                sessions.end_all(uow, int(found.id))
            refused = SignOnRefused(Why.NO_ROLE)
        else:
            if found is None:
                user_id = _provision(uow, cfg.issuer, subject, claims, role)
                name = _name_of(uow, user_id)
            else:
                user_id, name = int(found.id), str(found.username)
                if found.role != role.value:
                    sessions.end_all(uow, user_id)  # nothing of the old role lives on
                    uow.execute(
                        update(staff_user).where(staff_user.c.id == user_id).values(role=role.value)
                    )
            new = sessions.open_signed_on(uow, Actor(name, role))
    if refused is not None:
        name = str(found.username) if found is not None else f"{VIA}:{subject}"
        record_denied(reg, Actor(name, via=VIA), (), (), str(refused), action="login")
        raise refused
    record_login(reg, new.actor, VIA, f"sign-on at {cfg.issuer}")
    return new


def _name_of(uow: UnitOfWork, user_id: int) -> str:
    return str(
        uow.execute(select(staff_user.c.username).where(staff_user.c.id == user_id)).scalar_one()
    )


def _provision(
    uow: UnitOfWork, issuer: str, subject: str, claims: Mapping[str, object], role: Role
) -> int:
    """A new account for the provider's subject, named after its preferred user name (or
    e-mail) as far as the register's user IDs allow; a name already taken gets a number."""
    wanted = str(claims.get("preferred_username") or claims.get("email") or "staff")
    base = re.sub(r"[^a-z0-9._-]+", ".", wanted.lower().split("@")[0]).strip("._-")
    if not re.fullmatch(r"[a-z][a-z0-9._-]{2,50}", base):
        base = ("sso." + base)[:50].rstrip("._-")
    name, n = base, 1
    while uow.execute(select(staff_user.c.id).where(staff_user.c.username == name)).first():
        n += 1
        name = f"{base}-{n}"
    user_id = uow.execute(
        staff_user.insert().values(
            username=name,
            role=role.value,
            password_hash=accounts.SIGN_ON_ONLY,
            active=True,
            failed_logins=0,
            created_at=uow.now(),
            sign_on_issuer=issuer,
            sign_on_subject=subject,
        )
    ).inserted_primary_key[0]
    return int(user_id)


def end_session_url(reg: RegisterApp) -> str | None:
    """Where the browser goes to end its session at the provider after the register's, when
    the provider offers it (RP-Initiated Logout 1.0); None otherwise."""
    try:
        cfg = _configured(reg)
        provider = openid.discover(cfg.issuer, cfg.timeout)
    except (SignOnRefused, openid.OpenIdError):
        return None  # the register's session has ended; the provider's is its own
    if provider.end_session_endpoint is None:
        return None
    query = urlencode({"client_id": cfg.client_id, "post_logout_redirect_uri": cfg.after_logout})
    return f"{provider.end_session_endpoint}?{query}"


def provider_origin(settings: Settings) -> str | None:
    """The provider's origin (for the pages' form-action: logout goes on to it)."""
    if not settings.oidc_issuer:
        return None
    match = re.match(r"^(https?://[^/]+)", settings.oidc_issuer)
    return match.group(1) if match else None

"""How values are masked for roles that may see only part of them."""

from __future__ import annotations


def personal_identity_code(code: str) -> str:
    # Birth date and century sign stay visible; individual number and check character do not.
    return code[:7] + "****"


def iban(value: str) -> str:
    compact = value.replace(" ", "")
    return f"{compact[:4]} **** **** {compact[-4:]}"


def initial(value: str) -> str:
    return " ".join(part[:1] + "." for part in value.split())


def tail(value: str) -> str:
    return "*" * max(len(value) - 3, 0) + value[-3:]


def email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"

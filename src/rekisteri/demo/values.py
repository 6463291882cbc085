"""Synthetic but valid Finnish identifiers and names for the demo register (deterministic)."""

from __future__ import annotations

import datetime as dt
import random

from faker import Faker

from rekisteri.domain.identifiers import gs1_check_digit

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_SIGNS_1900 = "-" * 12 + "YXWVU"
_SIGNS_2000 = "A" * 8 + "BCDEF"


def hetu(rng: random.Random, born: dt.date) -> str:
    individual = rng.randint(2, 899)  # never a temporary 900-999 code
    digits = f"{born:%d%m}{born.year % 100:02d}{individual:03d}"
    sign = rng.choice(_SIGNS_2000) if born.year >= 2000 else rng.choice(_SIGNS_1900)
    return f"{digits[:6]}{sign}{digits[6:]}{_CHECK[int(digits) % 31]}"


def business_id(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(1_000_000, 3_299_999):07d}"
        rem = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        if rem == 1:
            continue
        return f"{body}-{0 if rem == 0 else 11 - rem}"


def gsrn(rng: random.Random) -> str:
    body = "643" + f"{rng.randrange(10**14):014d}"
    return body + gs1_check_digit(body)


def iban(rng: random.Random) -> str:
    bban = f"{rng.randrange(10**14):014d}"
    check = 98 - int(bban + "151800") % 97
    return f"FI{check:02d}{bban}"


class NamePools:
    """Faker is slow per call; draw pools once per seed and sample them."""

    def __init__(self, seed: int, size: int = 3000) -> None:
        fi, sv = Faker("fi_FI"), Faker("sv_SE")
        fi.seed_instance(seed)
        sv.seed_instance(seed + 1)
        self.fi_female = [fi.first_name_female() for _ in range(size // 3)]
        self.fi_male = [fi.first_name_male() for _ in range(size // 3)]
        self.fi_last = [fi.last_name() for _ in range(size)]
        self.sv_female = [sv.first_name_female() for _ in range(size // 6)]
        self.sv_male = [sv.first_name_male() for _ in range(size // 6)]
        self.sv_last = [sv.last_name() for _ in range(size // 2)]
        self.streets = [fi.street_name() for _ in range(size)]
        self.places = [(fi.postcode(), fi.city()) for _ in range(size // 3)]
        self.companies = [fi.company() for _ in range(size // 2)]
        self.email_domains = ["example.fi", "example.com", "posti.example", "mail.example"]

"""The cookies the register's web pages may set (P15), declared once.

Only strictly necessary cookies are declared: the staff login and its protection against
cross-site posting. The public pages set none (the language travels in the address, ?lang=).
A test walks the pages and fails for any cookie not declared here, and the privacy statement
describes these same entries, so the two cannot drift apart. A cookie that is not strictly
necessary (analytics, advertising) would need the person's consent before it is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from rekisteri.domain.vocabulary import Words


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Words
    lifetime: Words
    who: Words  # whose browser receives it
    strictly_necessary: bool = True


STAFF = Words(
    "vain henkilökunnan kirjautuessa",
    "endast när personalen loggar in",
    "only when staff log in",
)

DECLARED_COOKIES: tuple[Cookie, ...] = (
    Cookie(
        "rekisteri_session",
        Words(
            "pitää henkilökunnan jäsenen kirjautuneena ja suojaa lomakkeita väärennetyiltä "
            "pyynnöiltä",
            "håller en anställd inloggad och skyddar formulären mot förfalskade förfrågningar",
            "keeps a member of staff logged in and protects the forms against forged requests",
        ),
        Words(
            "kunnes käyttäjä kirjautuu ulos tai istunto vanhenee",
            "tills användaren loggar ut eller sessionen går ut",
            "until the user logs out or the session expires",
        ),
        STAFF,
    ),
    Cookie(
        "rekisteri_login_csrf",
        Words(
            "suojaa kirjautumislomaketta väärennetyiltä pyynnöiltä",
            "skyddar inloggningsformuläret mot förfalskade förfrågningar",
            "protects the login form against forged requests",
        ),
        Words(
            "selaimen sulkemiseen asti",
            "tills webbläsaren stängs",
            "until the browser is closed",
        ),
        STAFF,
    ),
)

STRICTLY_NECESSARY = frozenset(c.name for c in DECLARED_COOKIES if c.strictly_necessary)

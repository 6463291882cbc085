"""The versioned texts a person agrees to in the preference centre, in fi, sv and en.

The ledger stores the exact text shown and its version with every change (the proof of
consent), so a text is never edited in place: a new wording gets a new version.
"""

from __future__ import annotations

from rekisteri.domain.consent import ANY_CHANNEL, ConsentPurpose
from rekisteri.domain.vocabulary import Lang, Words

WORDING_VERSION = "2026-1"

PURPOSE_WORDS: dict[ConsentPurpose, Words] = {
    ConsentPurpose.OWN_MARKETING: Words(
        "Tarjoukset ja uutiset meiltä (suoramarkkinointi ja etämyynti)",
        "Erbjudanden och nyheter från oss (direktmarknadsföring och distansförsäljning)",
        "Offers and news from us (direct marketing and distance selling)",
    ),
    ConsentPurpose.GROUP_MARKETING: Words(
        "Yhteystietojeni luovutus konserniyhtiöiden markkinointiin (sähkö, kaasu, "
        "kaukolämpö, laajakaista, TV)",
        "Utlämnande av mina kontaktuppgifter till koncernbolagens marknadsföring (el, gas, "
        "fjärrvärme, bredband, TV)",
        "Sharing my contact details for the group's marketing (electricity, gas, district "
        "heat, broadband, TV)",
    ),
    ConsentPurpose.RESEARCH: Words(
        "Markkina- ja mielipidetutkimukset",
        "Marknads- och opinionsundersökningar",
        "Market and opinion research",
    ),
    ConsentPurpose.NEWSLETTER: Words("Uutiskirje", "Nyhetsbrev", "Newsletter"),
    ConsentPurpose.MAGAZINE: Words("Asiakaslehti", "Kundtidning", "Customer magazine"),
    ConsentPurpose.PROFILING: Words(
        "Tietojeni käyttö markkinoinnin kohdentamiseen (profilointi)",
        "Användning av mina uppgifter för att rikta marknadsföring (profilering)",
        "Using my data to target marketing (profiling)",
    ),
}
CHANNEL_WORDS: dict[str, Words] = {
    "email": Words("sähköposti", "e-post", "e-mail"),
    "sms": Words("tekstiviesti", "textmeddelande", "text message"),
    "letter": Words("kirje", "brev", "letter"),
    "phone": Words("puhelin", "telefon", "phone"),
    ANY_CHANNEL: Words("kaikki kanavat", "alla kanaler", "all channels"),
}
_YES = Words(
    "Kyllä, saa käyttää: {what}, kanava: {channel}.",
    "Ja, får användas: {what}, kanal: {channel}.",
    "Yes, you may: {what}, channel: {channel}.",
)
_NO = Words(
    "Ei, kiellän: {what}, kanava: {channel}.",
    "Nej, jag förbjuder: {what}, kanal: {channel}.",
    "No, I forbid: {what}, channel: {channel}.",
)


def purpose_label(purpose: ConsentPurpose, lang: Lang | str) -> str:
    return PURPOSE_WORDS[purpose].in_(lang)


def channel_label(channel: str, lang: Lang | str) -> str:
    return CHANNEL_WORDS[channel].in_(lang)


def consent_wording(purpose: ConsentPurpose, channel: str, lang: Lang | str, *, yes: bool) -> str:
    """The sentence the person agreed to (or by which they refused), as shown to them."""
    template = (_YES if yes else _NO).in_(lang)
    return template.format(what=purpose_label(purpose, lang), channel=channel_label(channel, lang))


def confirmation_mail(lang: Lang | str, link: str) -> tuple[str, str]:
    """Subject and body of the double opt-in mail."""
    subject = Words(
        "Vahvista sähköpostimarkkinoinnin tilaus",
        "Bekräfta beställningen av e-postmarknadsföring",
        "Confirm your e-mail subscription",
    ).in_(lang)
    body = Words(
        "Vahvista, että haluat viestejä tähän osoitteeseen avaamalla linkki:\n{link}\n\n"
        "Jos et pyytänyt tätä, voit jättää viestin huomiotta.",
        "Bekräfta att du vill få meddelanden till denna adress genom att öppna länken:\n"
        "{link}\n\nOm du inte bad om detta kan du bortse från meddelandet.",
        "Confirm that you want messages at this address by opening the link:\n{link}\n\n"
        "If you did not ask for this, you can ignore this message.",
    ).in_(lang)
    return subject, body.format(link=link)

"""The fixed words of the access report and answers, in Finnish, Swedish and English.

Everything about the data itself (what, why, on what basis, from where, how long) comes from the
catalogue; only headings, the recipients of P8 and the rights of the person are written here.
"""

from __future__ import annotations

from rekisteri.domain.vocabulary import Lang

_T = tuple[str, str, str]

HEADINGS: dict[str, _T] = {
    "title": (
        "Rekisteröidyn tiedot: tarkastusoikeus (tietosuoja-asetus 15 art.)",
        "Den registrerades uppgifter: rätt till insyn (dataskyddsförordningen art. 15)",
        "Your data: right of access (GDPR Art. 15)",
    ),
    "generated": ("Muodostettu", "Skapad", "Generated"),
    "controller": ("Rekisterinpitäjä", "Personuppgiftsansvarig", "Controller"),
    "data": ("Sinusta tallennetut tiedot", "Uppgifter som lagrats om dig", "The data we hold"),
    "about": ("Tietojen käsittely", "Behandlingen av uppgifterna", "How the data is processed"),
    "category": ("Tietoryhmä", "Uppgiftsgrupp", "Category"),
    "what": ("Tiedot", "Uppgifter", "What"),
    "purposes": ("Käyttötarkoitukset", "Ändamål", "Purposes"),
    "basis": ("Käsittelyn peruste", "Rättslig grund", "Lawful basis"),
    "sources": ("Tietolähteet", "Källor", "Sources"),
    "retention": ("Säilytysaika", "Lagringstid", "Retention"),
    "recipients": ("Vastaanottajat", "Mottagare", "Recipients"),
    "rights": ("Oikeutesi", "Dina rättigheter", "Your rights"),
    "consumption": ("Energian kulutus", "Energiförbrukning", "Energy consumption"),
    "no_readings": (
        "Rekisterissä ei ole kulutuslukemia sopimuskausiltasi.",
        "Registret har inga mätvärden från dina avtalsperioder.",
        "The register holds no meter readings for your contract periods.",
    ),
    "none": ("Ei tietoja.", "Inga uppgifter.", "Nothing held."),
    "source": ("Lähde", "Källa", "Source"),
    "kwh_per_month": ("kWh kuukaudessa", "kWh per månad", "kWh per month"),
    "open_claims": (
        "avoimet laskut: yhteystiedot tarvitaan saatavan perintään (oikeudellinen vaatimus)",
        "öppna fakturor: kontaktuppgifterna behövs för indrivning (rättsliga anspråk)",
        "open invoices: the contact details are needed to collect the claim (legal claims)",
    ),
    "needed_by_record": (
        "säilytettävän tietueen pakollinen osa",
        "obligatorisk del av en post som sparas",
        "a required part of a record that is kept",
    ),
    "until_contract_ends": (
        "kunnes sopimus päättyy, sen jälkeen säilytysajan",
        "tills avtalet upphör, därefter lagringstiden",
        "until the contract ends, then the retention period",
    ),
}

RECIPIENTS: tuple[_T, ...] = (
    (
        "yhteistyökumppanit, tytäryhtiöt, palveluntuottajat ja alihankkijat rekisterin "
        "käyttötarkoituksissa",
        "samarbetspartner, dotterbolag, tjänsteleverantörer och underleverantörer inom "
        "registrets ändamål",
        "partners, subsidiaries, service providers and subcontractors within the register's "
        "purposes",
    ),
    (
        "viranomaiset lain edellyttämällä tavalla",
        "myndigheter enligt lag",
        "authorities as the law requires",
    ),
    (
        "Suomen Asiakastieto Oy: henkilötunnus ja nimi maksuhäiriöseurantaan, jos sinulla on "
        "omia vastuita",
        "Suomen Asiakastieto Oy: personbeteckning och namn för uppföljning av "
        "betalningsstörningar, om du har egna ansvar",
        "Suomen Asiakastieto Oy: identity code and name for payment-default monitoring, if you "
        "have liabilities of your own",
    ),
    ("laskutus ja perintä", "fakturering och indrivning", "invoicing and collection"),
    (
        "konsernin yhtiöt yhteystietoina suoramarkkinointiin, ellet ole kieltänyt sitä",
        "koncernens bolag som kontaktuppgifter för direktmarknadsföring, om du inte har "
        "förbjudit det",
        "the group's companies, contact details for direct marketing, unless you have forbidden it",
    ),
    (
        "tutkimuslaitos: puhelutallenteita asiakaspalvelun arvioimiseen; palautetaan tai "
        "tuhotaan tutkimuksen päätyttyä",
        "forskningsinstitut: samtalsinspelningar för utvärdering av kundtjänsten; returneras "
        "eller förstörs när studien avslutats",
        "a research institute: call recordings for evaluating customer service, returned or "
        "destroyed when the study ends",
    ),
)

RIGHTS: tuple[_T, ...] = (
    (
        "Oikeus tarkastaa tietosi (15 art.): kerran vuodessa maksutta.",
        "Rätt till insyn (art. 15): en gång per år kostnadsfritt.",
        "Access to your data (Art. 15): once a year free of charge.",
    ),
    (
        "Oikeus vaatia virheellisen tiedon oikaisemista (16 art.).",
        "Rätt att kräva rättelse av felaktiga uppgifter (art. 16).",
        "Rectification of wrong data (Art. 16).",
    ),
    (
        "Oikeus tulla unohdetuksi (17 art.) muut lait huomioiden: sopimus- ja laskutustiedot "
        "säilytetään kymmenen vuotta sopimuksen päättymisestä (sähkömarkkinalaki).",
        "Rätt till radering (art. 17) med beaktande av annan lag: avtals- och "
        "faktureringsuppgifter sparas tio år efter avtalets slut (elmarknadslagen).",
        "Erasure (Art. 17), taking other laws into account: contract and billing data are kept "
        "ten years after the contract ended (Electricity Market Act).",
    ),
    (
        "Oikeus käsittelyn rajoittamiseen (18 art.).",
        "Rätt till begränsning av behandling (art. 18).",
        "Restriction of processing (Art. 18).",
    ),
    (
        "Oikeus siirtää antamasi tiedot ja kulutustietosi järjestelmästä toiseen (20 art.).",
        "Rätt att flytta de uppgifter du lämnat och dina förbrukningsuppgifter (art. 20).",
        "Portability of the data you provided and your consumption data (Art. 20).",
    ),
    (
        "Oikeus kieltää suoramainonta, etämyynti, muu suoramarkkinointi, markkina- ja "
        "mielipidetutkimus sekä profilointi (21 art.).",
        "Rätt att förbjuda direktreklam, distansförsäljning, annan direktmarknadsföring, "
        "marknads- och opinionsundersökningar samt profilering (art. 21).",
        "Objection to direct advertising, distance selling, other direct marketing, market and "
        "opinion research, and profiling (Art. 21).",
    ),
    (
        "Oikeus tehdä valitus tietosuojavaltuutetulle (tietosuoja.fi).",
        "Rätt att klaga hos dataombudsmannen (tietosuoja.fi).",
        "Complaint to the Data Protection Ombudsman (tietosuoja.fi).",
    ),
)


def word(key: str, lang: Lang | str) -> str:
    return pick(HEADINGS[key], lang)


def pick(words: _T, lang: Lang | str) -> str:
    return words[("fi", "sv", "en").index(str(lang))]

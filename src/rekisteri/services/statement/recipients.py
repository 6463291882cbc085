"""The regular recipients of the register's data (P8, P9, P10), as the privacy statement names them.

`regular_recipients()` is the one place the statement asks for the kinds of recipient the seeds
name. The transfers outside the EU/EEA are not described here: they are read from the recipient
register (services/access/transfers.py), so the statement names each one that is registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from rekisteri.domain.vocabulary import Words


@dataclass(frozen=True)
class Recipient:
    """A kind of regular recipient: who they are, what they receive and why."""

    kinds: tuple[str, ...]  # partner, subsidiary, service_provider, ... (the recipient kinds)
    who: Words
    what: Words
    # The claims (services/statement/claims.py) the line naming this recipient makes.
    claims: tuple[str, ...] = ()


REGULAR_RECIPIENTS: tuple[Recipient, ...] = (
    Recipient(
        ("subsidiary", "partner"),
        Words(
            "Konserniyhtiöt ja yhteistyökumppanit",
            "Koncernbolag och samarbetspartner",
            "Group companies and partners",
        ),
        Words(
            "rekisterin käyttötarkoitusten mukaisesti; yhteystiedot konsernin sähkön, kaasun, "
            "kaukolämmön, laajakaistan ja TV-palvelujen suoramarkkinointiin, ellei asiakas ole "
            "kieltänyt tietojensa luovuttamista",
            "i enlighet med registrets ändamål; kontaktuppgifter för direktmarknadsföring av "
            "koncernens el, gas, fjärrvärme, bredband och tv-tjänster, om inte kunden har "
            "förbjudit att uppgifterna lämnas ut",
            "within the purposes of the register; contact details for the direct marketing of "
            "the group's electricity, gas, district heat, broadband and TV services, unless the "
            "customer has forbidden the disclosure",
        ),
        claims=("P8.group-marketing-unless-forbidden",),
    ),
    Recipient(
        ("service_provider", "subcontractor"),
        Words(
            "Palveluntuottajat ja alihankkijat",
            "Tjänsteleverantörer och underleverantörer",
            "Service providers and subcontractors",
        ),
        Words(
            "esimerkiksi laskujen tulostus, tietojärjestelmät ja asiakaspalvelu; ne käsittelevät "
            "tietoja vain lukuumme ja ohjeidemme mukaan henkilötietojen käsittelysopimuksen "
            "perusteella",
            "till exempel utskrift av fakturor, informationssystem och kundtjänst; de behandlar "
            "uppgifterna endast för vår räkning och enligt våra anvisningar, med stöd av ett "
            "personuppgiftsbiträdesavtal",
            "for example printing invoices, information systems and customer service; they "
            "process the data only on our behalf and on our instructions, under a data "
            "processing agreement",
        ),
    ),
    Recipient(
        ("authority",),
        Words("Viranomaiset", "Myndigheter", "Authorities"),
        Words(
            "lain edellyttämissä tapauksissa",
            "i de fall som lagen förutsätter",
            "where the law requires it",
        ),
    ),
    Recipient(
        ("credit_reference",),
        Words("Suomen Asiakastieto Oy", "Suomen Asiakastieto Oy", "Suomen Asiakastieto Oy"),
        Words(
            "henkilötunnus ja nimi maksuhäiriöseurantaa varten, vain jos rekisteröidyllä on "
            "omia vastuita; sopimusta tehtäessä henkilötunnus tai y-tunnus "
            "luottotietojen tarkistusta varten",
            "personbeteckning och namn för uppföljning av betalningsstörningar, endast om den "
            "registrerade har egna ansvarsförbindelser; när ett avtal ingås personbeteckning "
            "eller FO-nummer för kontroll av kreditupplysningar",
            "identity code and name for monitoring payment defaults, only of persons with "
            "liabilities of their own; when a contract is made, the identity code or business "
            "ID for a credit check",
        ),
        claims=("P8.asiakastieto-own-liabilities",),
    ),
    Recipient(
        ("collection_agency",),
        Words("Perintätoimistot", "Inkassobyråer", "Collection agencies"),
        Words(
            "erääntyneiden laskujen perintää varten",
            "för indrivning av förfallna fakturor",
            "for collecting overdue invoices",
        ),
    ),
    Recipient(
        ("research_institute",),
        Words("Tutkimuslaitokset", "Forskningsinstitut", "Research institutes"),
        Words(
            "puhelutallenteita asiakaspalvelun laatutason arvioimiseksi; tutkimuslaitos "
            "sitoutuu palauttamaan tai tuhoamaan tallenteet heti tutkimuksen päätyttyä",
            "inspelade samtal för bedömning av kundtjänstens kvalitet; forskningsinstitutet "
            "förbinder sig att lämna tillbaka eller förstöra inspelningarna genast när "
            "undersökningen är slut",
            "recorded calls for evaluating the quality of customer service; the institute "
            "undertakes to return or destroy the recordings as soon as the study ends",
        ),
        claims=("P9.research-loans-returned",),
    ),
)


def regular_recipients() -> tuple[Recipient, ...]:
    """The recipients the privacy statement lists (the lead may point this at the register)."""
    return REGULAR_RECIPIENTS


@dataclass(frozen=True)
class Transfer:
    """A registered recipient outside the EU/EEA, as the transfer paragraph names it (P10)."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    safeguard: str  # adequacy, scc or bcr (domain/transfers.py Safeguard)
    reference: str | None = None  # e.g. the recipient's Data Privacy Framework listing

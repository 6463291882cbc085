"""The fixed words of the record of processing activities in Finnish, Swedish and English.

What varies (purposes, categories, bases, retention, recipients, transfers, the controller)
comes from the catalogue, the settings and the recipient register; these are the headings and
sentences around it. The recipient kinds and safeguards have their words here too, so the record
never shows a code.
"""

from __future__ import annotations

from rekisteri.domain.transfers import RecipientKind
from rekisteri.domain.vocabulary import Lang, Words

TEXTS: dict[str, Words] = {
    "title": Words(
        "Seloste käsittelytoimista",
        "Register över behandling",
        "Record of processing activities",
    ),
    "subtitle": Words(
        "EU:n yleinen tietosuoja-asetus (2016/679), 30 artiklan 1 kohta",
        "EU:s allmänna dataskyddsförordning (2016/679), artikel 30.1",
        "EU General Data Protection Regulation (2016/679), Article 30(1)",
    ),
    "generated": Words(
        "Muodostettu luettelosta, asetuksista ja vastaanottajarekisteristä {day}",
        "Genererad ur katalogen, inställningarna och mottagarregistret {day}",
        "Generated from the catalogue, the settings and the recipient register on {day}",
    ),
    "s.controller": Words(
        "Rekisterinpitäjä ja tietosuojavastaava",
        "Personuppgiftsansvarig och dataskyddsombud",
        "Controller and data protection officer",
    ),
    "controller": Words("Rekisterinpitäjä", "Personuppgiftsansvarig", "Controller"),
    "dpo": Words("Tietosuojavastaava", "Dataskyddsombud", "Data protection officer"),
    "register": Words("Rekisteri", "Register", "Register"),
    "s.subjects": Words(
        "Rekisteröityjen ryhmät",
        "Kategorier av registrerade",
        "Categories of data subjects",
    ),
    "subjects.intro": Words(
        "Rekisterissä on seuraavien henkilöryhmien tietoja; kunkin ryhmän kohdalla ne "
        "tietoryhmät, joita ryhmästä käsitellään.",
        "Registret innehåller uppgifter om följande grupper av personer; för varje grupp de "
        "kategorier av uppgifter som behandlas om den.",
        "The register holds data on the following groups of persons; with each, the categories "
        "of data processed about it.",
    ),
    "s.activities": Words(
        "Käsittelyn tarkoitukset",
        "Ändamålen med behandlingen",
        "Purposes of the processing",
    ),
    "activities.intro": Words(
        "Kukin käsittelyn tarkoitus: oikeusperuste, rekisteröityjen ryhmät, tietoryhmät, "
        "nimetyt vastaanottajat ja säilytysajat.",
        "Varje ändamål med behandlingen: rättslig grund, kategorier av registrerade, "
        "kategorier av uppgifter, namngivna mottagare och lagringstider.",
        "Each purpose of the processing: its lawful basis, the data subjects, the categories of "
        "data, the named recipients and how long the data is kept.",
    ),
    "basis": Words("Oikeusperuste", "Rättslig grund", "Lawful basis"),
    "subjects": Words("Rekisteröidyt", "Registrerade", "Data subjects"),
    "data": Words("Tietoryhmät", "Kategorier av uppgifter", "Categories of data"),
    "recipients": Words("Vastaanottajat", "Mottagare", "Recipients"),
    "retention": Words("Säilytysaika", "Lagringstid", "Retention"),
    "no_named": Words(
        "ei nimettyjä vastaanottajia tähän tarkoitukseen",
        "inga namngivna mottagare för detta ändamål",
        "no named recipient for this purpose",
    ),
    "s.recipients": Words("Vastaanottajat", "Mottagare", "Recipients"),
    "recipients.kinds": Words(
        "Vastaanottajaryhmät",
        "Kategorier av mottagare",
        "Categories of recipients",
    ),
    "recipients.named": Words(
        "Vastaanottajarekisterin vastaanottajat",
        "Mottagarna i mottagarregistret",
        "Recipients in the recipient register",
    ),
    "recipients.none": Words(
        "Vastaanottajarekisterissä ei ole vastaanottajia.",
        "Mottagarregistret innehåller inga mottagare.",
        "The recipient register holds no recipients.",
    ),
    "recipient.line": Words(
        "{kind}, {country}; tarkoitukset: {purposes}",
        "{kind}, {country}; ändamål: {purposes}",
        "{kind}, {country}; purposes: {purposes}",
    ),
    "recipient.agreement": Words(
        "sopimus {reference}", "avtal {reference}", "agreement {reference}"
    ),
    "recipient.inactive": Words(
        "ei enää vastaanota tietoja",
        "tar inte längre emot uppgifter",
        "no longer receives data",
    ),
    "s.transfers": Words(
        "Siirrot EU:n ja ETA:n ulkopuolelle",
        "Överföringar till länder utanför EU/EES",
        "Transfers outside the EU/EEA",
    ),
    "transfers.none": Words(
        "Vastaanottajarekisterissä ei ole vastaanottajia EU:n tai ETA:n ulkopuolella: tietoja "
        "ei siirretä sinne.",
        "Mottagarregistret innehåller inga mottagare utanför EU/EES: inga uppgifter överförs dit.",
        "The recipient register holds no recipient outside the EU/EEA: no data is transferred "
        "there.",
    ),
    "s.retention": Words(
        "Tietoryhmien poistamisen määräajat",
        "Tidsfrister för radering av kategorierna av uppgifter",
        "Time limits for erasing the categories of data",
    ),
    "s.security": Words(
        "Tekniset ja organisatoriset turvatoimet",
        "Tekniska och organisatoriska säkerhetsåtgärder",
        "Technical and organisational security measures",
    ),
    "security.intro": Words(
        "Rekisterissä toteutetut toimet (vain ne, jotka ohjelmisto tekee):",
        "Åtgärder som registret genomför (endast de som programvaran utför):",
        "The measures the register itself carries out (only those the software does):",
    ),
    "pdf": Words("Lataa PDF", "Ladda ner PDF", "Download PDF"),
    "json": Words("Lataa JSON", "Ladda ner JSON", "Download JSON"),
}

RECIPIENT_KIND_WORDS: dict[RecipientKind, Words] = {
    RecipientKind.PARTNER: Words("yhteistyökumppani", "samarbetspartner", "partner"),
    RecipientKind.SUBSIDIARY: Words("konserniyhtiö", "koncernbolag", "group company"),
    RecipientKind.SERVICE_PROVIDER: Words(
        "palveluntuottaja (henkilötietojen käsittelijä)",
        "tjänsteleverantör (personuppgiftsbiträde)",
        "service provider (processor)",
    ),
    RecipientKind.SUBCONTRACTOR: Words("alihankkija", "underleverantör", "subcontractor"),
    RecipientKind.AUTHORITY: Words("viranomainen", "myndighet", "authority"),
    RecipientKind.CREDIT_REFERENCE: Words(
        "luottotietotoimija", "kreditupplysningsföretag", "credit reference agency"
    ),
    RecipientKind.COLLECTION_AGENCY: Words("perintätoimisto", "inkassobyrå", "collection agency"),
    RecipientKind.RESEARCH_INSTITUTE: Words(
        "tutkimuslaitos", "forskningsinstitut", "research institute"
    ),
}


def text(key: str, lang: Lang | str, **fields: object) -> str:
    chosen = TEXTS[key].in_(lang)
    return chosen.format(**fields) if fields else chosen

"""The register's vocabulary: data categories, purposes, lawful bases, sources, roles.

Each term carries its words in Finnish, Swedish and English, because the privacy statement,
the access report and the pages are all generated from these same terms (P17).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Lang(StrEnum):
    """A language the register speaks: every text a person reads exists in all three."""

    FI = "fi"
    SV = "sv"
    EN = "en"


class Words(NamedTuple):
    """One text in Finnish, Swedish and English: the one shape of every such triple."""

    fi: str
    sv: str
    en: str

    def in_(self, lang: Lang | str) -> str:
        """The text in `lang`. A language the register does not speak is a programming error
        (languages from outside are parsed into `Lang` where they come in), so it raises
        rather than falling back to some language silently."""
        try:
            chosen = Lang(lang)
        except ValueError:
            raise ValueError(f"no words in language {lang!r}: only fi, sv and en") from None
        if chosen is Lang.FI:
            return self.fi
        return self.sv if chosen is Lang.SV else self.en


# The mother tongues (`register.MotherTongue` values) that are languages the register speaks.
_LANG_OF_TONGUE = {"fi": Lang.FI, "sv": Lang.SV, "en": Lang.EN}


def lang_of(mother_tongue: str | None) -> Lang:
    """The language the register uses with a person, from their mother tongue: the one rule.

    Finnish, Swedish and English speakers get their own language. Everyone else (mother tongue
    `other`, not recorded, or a value this code does not know) gets English: a person whose
    mother tongue is neither national language is more likely to read English than Finnish.
    The access report, the preference centre, its mails and the audiences' language column all
    follow this rule, so one person is never addressed in two languages.
    """
    return _LANG_OF_TONGUE.get(mother_tongue or "", Lang.EN)


class Category(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    CLASSIFICATION = "classification"
    SITE = "site"
    CONTRACT = "contract"
    BILLING = "billing"
    PAYMENT = "payment"
    CONSUMPTION = "consumption"
    MARKETING = "marketing"
    CONTACT_LOG = "contact_log"
    RECORDING = "recording"
    FEEDBACK = "feedback"
    DIGITAL_ACCOUNT = "digital_account"
    HISTORY = "history"
    RIGHTS_REQUEST = "rights_request"
    # Whom the person's data was disclosed to (P8-P10), and who in the register read or
    # changed it (the audit trail, P7): both are data about the person.
    DISCLOSURE = "disclosure"
    ACCESS_LOG = "access_log"


class Purpose(StrEnum):
    CUSTOMER_RELATIONSHIP = "customer_relationship"
    SERVICE_DELIVERY = "service_delivery"
    BILLING_AND_COLLECTION = "billing_and_collection"
    DIRECT_MARKETING = "direct_marketing"
    PROFILING = "profiling"
    BUSINESS_DEVELOPMENT = "business_development"
    VERIFYING_TRANSACTIONS = "verifying_transactions"
    SERVICE_QUALITY = "service_quality"
    LEGAL_OBLIGATION = "legal_obligation"


class LawfulBasis(StrEnum):
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTEREST = "legitimate_interest"
    CONSENT = "consent"


class Source(StrEnum):
    """Where a datum came from (P2). Every stored personal value names one."""

    QUOTE_REQUEST = "quote_request"
    ORDER = "order"
    CONTRACT = "contract"
    CUSTOMER_CONTACT = "customer_contact"
    ENERGY_METER = "energy_meter"
    COMPETITION_OR_EVENT = "competition_or_event"
    POPULATION_REGISTER = "population_register"
    ASIAKASTIETO = "asiakastieto"
    PHONE_DIRECTORY = "phone_directory"
    MARKETING_BAN_REGISTER = "marketing_ban_register"
    TRADE_REGISTER = "trade_register"
    AUTHORITY = "authority"
    OTHER_COMPANY = "other_company"
    PUBLIC_INTERNET = "public_internet"
    # Data the register makes itself (invoices, payment status, classifications); P2 does not
    # list it because it is not collected, but the access report must still say where it came from.
    REGISTER_ITSELF = "register_itself"


FROM_THE_PERSON = frozenset(
    {Source.QUOTE_REQUEST, Source.ORDER, Source.CONTRACT, Source.CUSTOMER_CONTACT}
)


class Role(StrEnum):
    CUSTOMER_SERVICE = "customer_service"
    BILLING = "billing"
    MARKETING = "marketing"
    DPO = "dpo"
    ADMINISTRATOR = "administrator"
    PROCESSOR = "processor"


class Visibility(StrEnum):
    NONE = "none"
    MASKED = "masked"
    FULL = "full"


class Sensitivity(StrEnum):
    PLAIN = "plain"
    # Encrypted at rest (AES-GCM), found through a keyed blind index; masked unless a role
    # reads it in full.
    ENCRYPTED = "encrypted"


LABELS: dict[StrEnum, tuple[str, str, str]] = {
    # (fi, sv, en)
    Category.IDENTITY: (
        "Henkilö- ja tunnistetiedot",
        "Person- och identifieringsuppgifter",
        "Personal and identification details",
    ),
    Category.CONTACT: ("Yhteystiedot", "Kontaktuppgifter", "Contact details"),
    Category.CLASSIFICATION: (
        "Asiakkaan luokittelu",
        "Kundklassificering",
        "Customer classification",
    ),
    Category.SITE: (
        "Käyttökohteen tiedot",
        "Uppgifter om förbrukningsstället",
        "Consumption site details",
    ),
    Category.CONTRACT: ("Sopimustiedot", "Avtalsuppgifter", "Contracts"),
    Category.BILLING: ("Laskutustiedot", "Faktureringsuppgifter", "Billing details"),
    Category.PAYMENT: (
        "Maksukäyttäytyminen ja maksut",
        "Betalningsbeteende och betalningar",
        "Payments and payment behaviour",
    ),
    Category.CONSUMPTION: (
        "Energian kulutustiedot",
        "Uppgifter om energiförbrukning",
        "Energy consumption",
    ),
    Category.MARKETING: (
        "Suoramarkkinoinnin luvat ja kiellot",
        "Tillstånd och förbud för direktmarknadsföring",
        "Direct-marketing permissions and prohibitions",
    ),
    Category.CONTACT_LOG: (
        "Asiakaspalvelun yhteydenotot",
        "Kontakter med kundtjänsten",
        "Customer service contacts",
    ),
    Category.RECORDING: ("Tallennetut puhelut", "Inspelade samtal", "Recorded calls"),
    Category.FEEDBACK: (
        "Palaute ja tyytyväisyys",
        "Respons och kundnöjdhet",
        "Feedback and satisfaction",
    ),
    Category.DIGITAL_ACCOUNT: (
        "Digitaalisen tilin rekisteröitymistiedot",
        "Registreringsuppgifter för det digitala kontot",
        "Digital account registration",
    ),
    Category.HISTORY: ("Tietojen muutoshistoria", "Ändringshistorik", "Change history"),
    Category.RIGHTS_REQUEST: (
        "Rekisteröidyn oikeuksia koskevat pyynnöt",
        "Begäranden om den registrerades rättigheter",
        "Requests about the person's rights",
    ),
    Category.DISCLOSURE: (
        "Tietojen luovutukset ja siirrot",
        "Utlämnanden och överföringar av uppgifter",
        "Disclosures and transfers",
    ),
    Category.ACCESS_LOG: (
        "Tietojen käsittelyloki (kuka luki tai muutti tietoja)",
        "Behandlingslogg (vem läste eller ändrade uppgifterna)",
        "Access log (who read or changed the data)",
    ),
    Purpose.CUSTOMER_RELATIONSHIP: (
        "asiakassuhteen hoitaminen ja kehittäminen",
        "skötsel och utveckling av kundrelationen",
        "managing and developing the customer relationship",
    ),
    Purpose.SERVICE_DELIVERY: (
        "tuotteiden ja palvelujen tarjoaminen, toimitus ja kehittäminen",
        "erbjudande, leverans och utveckling av produkter och tjänster",
        "offering, delivering and developing products and services",
    ),
    Purpose.BILLING_AND_COLLECTION: (
        "laskutus, maksujen valvonta ja perintä",
        "fakturering, betalningsövervakning och indrivning",
        "billing, payment monitoring and collection",
    ),
    Purpose.DIRECT_MARKETING: (
        "markkinointi ja etämyynti",
        "marknadsföring och distansförsäljning",
        "marketing and distance selling",
    ),
    Purpose.PROFILING: (
        "suoramarkkinoinnin kohdentaminen profiloimalla",
        "inriktning av direktmarknadsföring genom profilering",
        "targeting direct marketing by profiling",
    ),
    Purpose.BUSINESS_DEVELOPMENT: (
        "liiketoiminnan kehittäminen",
        "utveckling av affärsverksamheten",
        "developing the business",
    ),
    Purpose.VERIFYING_TRANSACTIONS: (
        "asiointitapahtumien todentaminen ja reklamaatioiden käsittely",
        "verifiering av ärenden och behandling av reklamationer",
        "verifying transactions and handling complaints",
    ),
    Purpose.SERVICE_QUALITY: (
        "henkilöstön kouluttaminen ja palvelutasotutkimukset",
        "utbildning av personalen och servicenivåundersökningar",
        "training staff and service-level research",
    ),
    Purpose.LEGAL_OBLIGATION: (
        "lakisääteisten velvoitteiden täyttäminen",
        "fullgörande av lagstadgade skyldigheter",
        "meeting legal obligations",
    ),
}

# Lawful bases, sources and roles share some values with categories and purposes ("contract",
# "billing", "marketing", "legal_obligation"); a StrEnum member hashes as its value, so each
# kind of term keeps its words in a dict of its own.
BASIS_LABELS: dict[StrEnum, tuple[str, str, str]] = {
    LawfulBasis.CONTRACT: ("sopimus", "avtal", "contract"),
    LawfulBasis.LEGAL_OBLIGATION: (
        "lakisääteinen velvoite",
        "rättslig förpliktelse",
        "legal obligation",
    ),
    LawfulBasis.LEGITIMATE_INTEREST: (
        "oikeutettu etu (asiakassuhde)",
        "berättigat intresse (kundrelation)",
        "legitimate interest (customer relationship)",
    ),
    LawfulBasis.CONSENT: ("suostumus", "samtycke", "consent"),
}

SOURCE_LABELS: dict[StrEnum, tuple[str, str, str]] = {
    Source.QUOTE_REQUEST: (
        "asiakkaan tarjouspyyntö",
        "kundens offertförfrågan",
        "the customer's quote request",
    ),
    Source.ORDER: ("asiakkaan tilaus", "kundens beställning", "the customer's order"),
    Source.CONTRACT: ("asiakkaan sopimus", "kundens avtal", "the customer's contract"),
    Source.CUSTOMER_CONTACT: (
        "asiakkaan muu yhteydenotto",
        "kundens övriga kontakt",
        "other contact by the customer",
    ),
    Source.ENERGY_METER: (
        "energiamittarit (Datahub)",
        "energimätare (Datahub)",
        "energy meters (Datahub)",
    ),
    Source.COMPETITION_OR_EVENT: (
        "kilpailut, tapahtumat ja arvonnat",
        "tävlingar, evenemang och utlottningar",
        "competitions, events and lotteries",
    ),
    Source.POPULATION_REGISTER: (
        "väestötietojärjestelmä (DVV)",
        "befolkningsdatasystemet (MDB)",
        "the Population Information System (DVV)",
    ),
    Source.ASIAKASTIETO: (
        "Suomen Asiakastieto Oy",
        "Suomen Asiakastieto Oy",
        "Suomen Asiakastieto Oy",
    ),
    Source.PHONE_DIRECTORY: ("puhelinluettelot", "telefonkataloger", "phone directories"),
    Source.MARKETING_BAN_REGISTER: (
        "ASML:n suoramarkkinoinnin kieltorekisteri",
        "ASML:s spärregister för direktmarknadsföring",
        "the ASML marketing-ban register",
    ),
    Source.TRADE_REGISTER: ("kaupparekisteri", "handelsregistret", "the trade register"),
    Source.AUTHORITY: ("muut viranomaiset", "andra myndigheter", "other authorities"),
    Source.OTHER_COMPANY: ("muut yritykset", "andra företag", "other companies"),
    Source.PUBLIC_INTERNET: (
        "julkiset internet-lähteet",
        "offentliga internetkällor",
        "public internet sources",
    ),
    Source.REGISTER_ITSELF: (
        "rekisterinpitäjän omat järjestelmät (laskutus, luokittelu)",
        "den personuppgiftsansvariges egna system (fakturering, klassificering)",
        "the controller's own systems (billing, classification)",
    ),
}

# Who reads the data, as the privacy statement says it (P7).
ROLE_LABELS: dict[StrEnum, tuple[str, str, str]] = {
    Role.CUSTOMER_SERVICE: ("asiakaspalvelu", "kundtjänsten", "customer service"),
    Role.BILLING: ("laskutus", "faktureringen", "billing"),
    Role.MARKETING: ("markkinointi", "marknadsföringen", "marketing"),
    Role.DPO: ("tietosuojavastaava", "dataskyddsombudet", "the data protection officer"),
    Role.ADMINISTRATOR: (
        "järjestelmän ylläpitäjät",
        "systemadministratörerna",
        "system administrators",
    ),
    Role.PROCESSOR: (
        "valtuutetut palveluntuottajat",
        "auktoriserade tjänsteleverantörer",
        "authorised service providers",
    ),
}


_LABELS_OF: dict[type, dict[StrEnum, tuple[str, str, str]]] = {
    LawfulBasis: BASIS_LABELS,
    Source: SOURCE_LABELS,
    Role: ROLE_LABELS,
}


def label(term: StrEnum, lang: Lang | str = Lang.FI) -> str:
    fi, sv, en = _LABELS_OF.get(type(term), LABELS)[term]
    return {"fi": fi, "sv": sv, "en": en}[str(lang)]

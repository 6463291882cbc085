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
    # The credit check made when a contract is made: its answer and any review of it.
    CREDIT_INFORMATION = "credit_information"
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


LABELS: dict[StrEnum, Words] = {
    Category.IDENTITY: Words(
        "Henkilö- ja tunnistetiedot",
        "Person- och identifieringsuppgifter",
        "Personal and identification details",
    ),
    Category.CONTACT: Words("Yhteystiedot", "Kontaktuppgifter", "Contact details"),
    Category.CLASSIFICATION: Words(
        "Asiakkaan luokittelu",
        "Kundklassificering",
        "Customer classification",
    ),
    Category.SITE: Words(
        "Käyttökohteen tiedot",
        "Uppgifter om förbrukningsstället",
        "Consumption site details",
    ),
    Category.CONTRACT: Words("Sopimustiedot", "Avtalsuppgifter", "Contracts"),
    Category.BILLING: Words("Laskutustiedot", "Faktureringsuppgifter", "Billing details"),
    Category.PAYMENT: Words(
        "Maksukäyttäytyminen ja maksut",
        "Betalningsbeteende och betalningar",
        "Payments and payment behaviour",
    ),
    Category.CREDIT_INFORMATION: Words(
        "Luottotietojen tarkistus sopimusta tehtäessä",
        "Kontroll av kreditupplysningar när avtal ingås",
        "Credit information checked when a contract is made",
    ),
    Category.CONSUMPTION: Words(
        "Energian kulutustiedot",
        "Uppgifter om energiförbrukning",
        "Energy consumption",
    ),
    Category.MARKETING: Words(
        "Suoramarkkinoinnin luvat ja kiellot",
        "Tillstånd och förbud för direktmarknadsföring",
        "Direct-marketing permissions and prohibitions",
    ),
    Category.CONTACT_LOG: Words(
        "Asiakaspalvelun yhteydenotot",
        "Kontakter med kundtjänsten",
        "Customer service contacts",
    ),
    Category.RECORDING: Words("Tallennetut puhelut", "Inspelade samtal", "Recorded calls"),
    Category.FEEDBACK: Words(
        "Palaute ja tyytyväisyys",
        "Respons och kundnöjdhet",
        "Feedback and satisfaction",
    ),
    Category.DIGITAL_ACCOUNT: Words(
        "Digitaalisen tilin rekisteröitymistiedot",
        "Registreringsuppgifter för det digitala kontot",
        "Digital account registration",
    ),
    Category.HISTORY: Words("Tietojen muutoshistoria", "Ändringshistorik", "Change history"),
    Category.RIGHTS_REQUEST: Words(
        "Rekisteröidyn oikeuksia koskevat pyynnöt",
        "Begäranden om den registrerades rättigheter",
        "Requests about the person's rights",
    ),
    Category.DISCLOSURE: Words(
        "Tietojen luovutukset ja siirrot",
        "Utlämnanden och överföringar av uppgifter",
        "Disclosures and transfers",
    ),
    Category.ACCESS_LOG: Words(
        "Tietojen käsittelyloki (kuka luki tai muutti tietoja)",
        "Behandlingslogg (vem läste eller ändrade uppgifterna)",
        "Access log (who read or changed the data)",
    ),
    Purpose.CUSTOMER_RELATIONSHIP: Words(
        "asiakassuhteen hoitaminen ja kehittäminen",
        "skötsel och utveckling av kundrelationen",
        "managing and developing the customer relationship",
    ),
    Purpose.SERVICE_DELIVERY: Words(
        "tuotteiden ja palvelujen tarjoaminen, toimitus ja kehittäminen",
        "erbjudande, leverans och utveckling av produkter och tjänster",
        "offering, delivering and developing products and services",
    ),
    Purpose.BILLING_AND_COLLECTION: Words(
        "laskutus, maksujen valvonta ja perintä",
        "fakturering, betalningsövervakning och indrivning",
        "billing, payment monitoring and collection",
    ),
    Purpose.DIRECT_MARKETING: Words(
        "markkinointi ja etämyynti",
        "marknadsföring och distansförsäljning",
        "marketing and distance selling",
    ),
    Purpose.PROFILING: Words(
        "suoramarkkinoinnin kohdentaminen profiloimalla",
        "inriktning av direktmarknadsföring genom profilering",
        "targeting direct marketing by profiling",
    ),
    Purpose.BUSINESS_DEVELOPMENT: Words(
        "liiketoiminnan kehittäminen",
        "utveckling av affärsverksamheten",
        "developing the business",
    ),
    Purpose.VERIFYING_TRANSACTIONS: Words(
        "asiointitapahtumien todentaminen ja reklamaatioiden käsittely",
        "verifiering av ärenden och behandling av reklamationer",
        "verifying transactions and handling complaints",
    ),
    Purpose.SERVICE_QUALITY: Words(
        "henkilöstön kouluttaminen ja palvelutasotutkimukset",
        "utbildning av personalen och servicenivåundersökningar",
        "training staff and service-level research",
    ),
    Purpose.LEGAL_OBLIGATION: Words(
        "lakisääteisten velvoitteiden täyttäminen",
        "fullgörande av lagstadgade skyldigheter",
        "meeting legal obligations",
    ),
}

# Lawful bases, sources and roles share some values with categories and purposes ("contract",
# "billing", "marketing", "legal_obligation"); a StrEnum member hashes as its value, so each
# kind of term keeps its words in a dict of its own.
BASIS_LABELS: dict[StrEnum, Words] = {
    LawfulBasis.CONTRACT: Words("sopimus", "avtal", "contract"),
    LawfulBasis.LEGAL_OBLIGATION: Words(
        "lakisääteinen velvoite",
        "rättslig förpliktelse",
        "legal obligation",
    ),
    LawfulBasis.LEGITIMATE_INTEREST: Words(
        "oikeutettu etu (asiakassuhde)",
        "berättigat intresse (kundrelation)",
        "legitimate interest (customer relationship)",
    ),
    LawfulBasis.CONSENT: Words("suostumus", "samtycke", "consent"),
}

SOURCE_LABELS: dict[StrEnum, Words] = {
    Source.QUOTE_REQUEST: Words(
        "asiakkaan tarjouspyyntö",
        "kundens offertförfrågan",
        "the customer's quote request",
    ),
    Source.ORDER: Words("asiakkaan tilaus", "kundens beställning", "the customer's order"),
    Source.CONTRACT: Words("asiakkaan sopimus", "kundens avtal", "the customer's contract"),
    Source.CUSTOMER_CONTACT: Words(
        "asiakkaan muu yhteydenotto",
        "kundens övriga kontakt",
        "other contact by the customer",
    ),
    Source.ENERGY_METER: Words(
        "energiamittarit (Datahub)",
        "energimätare (Datahub)",
        "energy meters (Datahub)",
    ),
    Source.COMPETITION_OR_EVENT: Words(
        "kilpailut, tapahtumat ja arvonnat",
        "tävlingar, evenemang och utlottningar",
        "competitions, events and lotteries",
    ),
    Source.POPULATION_REGISTER: Words(
        "väestötietojärjestelmä (DVV)",
        "befolkningsdatasystemet (MDB)",
        "the Population Information System (DVV)",
    ),
    Source.ASIAKASTIETO: Words(
        "Suomen Asiakastieto Oy",
        "Suomen Asiakastieto Oy",
        "Suomen Asiakastieto Oy",
    ),
    Source.PHONE_DIRECTORY: Words("puhelinluettelot", "telefonkataloger", "phone directories"),
    Source.MARKETING_BAN_REGISTER: Words(
        "ASML:n suoramarkkinoinnin kieltorekisteri",
        "ASML:s spärregister för direktmarknadsföring",
        "the ASML marketing-ban register",
    ),
    Source.TRADE_REGISTER: Words("kaupparekisteri", "handelsregistret", "the trade register"),
    Source.AUTHORITY: Words("muut viranomaiset", "andra myndigheter", "other authorities"),
    Source.OTHER_COMPANY: Words("muut yritykset", "andra företag", "other companies"),
    Source.PUBLIC_INTERNET: Words(
        "julkiset internet-lähteet",
        "offentliga internetkällor",
        "public internet sources",
    ),
    Source.REGISTER_ITSELF: Words(
        "rekisterinpitäjän omat järjestelmät (laskutus, luokittelu)",
        "den personuppgiftsansvariges egna system (fakturering, klassificering)",
        "the controller's own systems (billing, classification)",
    ),
}

# Who reads the data, as the privacy statement says it (P7).
ROLE_LABELS: dict[StrEnum, Words] = {
    Role.CUSTOMER_SERVICE: Words("asiakaspalvelu", "kundtjänsten", "customer service"),
    Role.BILLING: Words("laskutus", "faktureringen", "billing"),
    Role.MARKETING: Words("markkinointi", "marknadsföringen", "marketing"),
    Role.DPO: Words("tietosuojavastaava", "dataskyddsombudet", "the data protection officer"),
    Role.ADMINISTRATOR: Words(
        "järjestelmän ylläpitäjät",
        "systemadministratörerna",
        "system administrators",
    ),
    Role.PROCESSOR: Words(
        "valtuutetut palveluntuottajat",
        "auktoriserade tjänsteleverantörer",
        "authorised service providers",
    ),
}


_LABELS_OF: dict[type, dict[StrEnum, Words]] = {
    LawfulBasis: BASIS_LABELS,
    Source: SOURCE_LABELS,
    Role: ROLE_LABELS,
}


def label(term: StrEnum, lang: Lang | str = Lang.FI) -> str:
    """The term's words in `lang`, from the dict of its own kind of term."""
    return _LABELS_OF.get(type(term), LABELS)[term].in_(lang)

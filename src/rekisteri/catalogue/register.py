"""The personal-data catalogue of the register core: every personal attribute, declared once."""

from __future__ import annotations

from typing import Any

from rekisteri.catalogue.model import Attribute, RetentionRule, TableSpec, ViewSpec
from rekisteri.catalogue.retention import (
    ADDRESS_NOTICES,
    CONTACT_HISTORY,
    CONTRACT_RECORDS,
    CUSTOMER_DATA,
    FEEDBACK,
    MARKETING_DATA,
    PAYMENTS_IN_REVIEW,
    RECORDINGS,
)
from rekisteri.domain import masking
from rekisteri.domain.vocabulary import (
    FROM_THE_PERSON,
    Category,
    LawfulBasis,
    Purpose,
    Role,
    Sensitivity,
    Source,
    Visibility,
    Words,
)

C, P, B, S = Category, Purpose, LawfulBasis, Source
REL = frozenset({P.CUSTOMER_RELATIONSHIP, P.SERVICE_DELIVERY})
BILL = frozenset({P.BILLING_AND_COLLECTION, P.LEGAL_OBLIGATION})
MKT = frozenset({P.DIRECT_MARKETING, P.PROFILING})
PERSON_SOURCES = FROM_THE_PERSON | {S.POPULATION_REGISTER, S.ASIAKASTIETO, S.TRADE_REGISTER}
# A prospect (P3) arrives from the competition or event where they gave their permission, with
# their name and what they said of themselves there; never with an identity code.
ABOUT_SOURCES = PERSON_SOURCES | {S.COMPETITION_OR_EVENT}
# An organisation's contact details are also the ones it announced to the trade register.
CONTACT_SOURCES = FROM_THE_PERSON | {
    S.POPULATION_REGISTER,
    S.TRADE_REGISTER,
    S.PHONE_DIRECTORY,
    S.COMPETITION_OR_EVENT,
    S.PUBLIC_INTERNET,
    S.OTHER_COMPANY,
}
OWN = frozenset({S.REGISTER_ITSELF})
# Payments are notified by the payer's bank through the controller's bank (camt.054): another
# company, as P2 names its sources.
BANK = frozenset({S.OTHER_COMPANY})
# Fingrid Datahub, the master of contracts and metering points since 2022, tells of a site, its
# metering point and the contracts at it in its market events (services/register/market_events):
# another company, as P2 names its sources (the hub is Fingrid Datahub Oy).
HUB = frozenset({S.OTHER_COMPANY})
PROVENANCE = frozenset({"id", "source", "source_detail", "received_at"})


def _a(
    key: str,
    category: Category,
    purposes: frozenset[Purpose],
    basis: LawfulBasis,
    sources: frozenset[Source],
    retention: RetentionRule,
    words: Words,
    columns: tuple[str, ...] | None = None,
    **extra: Any,
) -> Attribute:
    table, name = key.split(".", 1)
    return Attribute(
        key=key,
        table=table,
        columns=columns or (name,),
        category=category,
        purposes=purposes,
        basis=basis,
        sources=sources,
        retention=retention,
        words=words,
        **extra,
    )


_ENCRYPTED_HETU_READERS = {
    Role.CUSTOMER_SERVICE: Visibility.MASKED,
    Role.BILLING: Visibility.FULL,
    Role.DPO: Visibility.FULL,
}
_IBAN_READERS = {
    Role.CUSTOMER_SERVICE: Visibility.MASKED,
    Role.BILLING: Visibility.FULL,
    Role.DPO: Visibility.FULL,
}

_DEATH_READERS = {
    Role.CUSTOMER_SERVICE: Visibility.FULL,
    Role.BILLING: Visibility.FULL,
    Role.DPO: Visibility.FULL,
}
# A representative is made known by the person, the representative themself (a customer
# contact), an authority (a court, the guardianship authority) or the population register.
REPRESENTATIVE_SOURCES = FROM_THE_PERSON | {S.AUTHORITY, S.POPULATION_REGISTER}
_REPRESENTATIVE_READERS = {
    Role.CUSTOMER_SERVICE: Visibility.FULL,
    Role.BILLING: Visibility.FULL,
    Role.DPO: Visibility.FULL,
}

ATTRIBUTES: tuple[Attribute, ...] = (
    # -- persons and organisations
    _a(
        "person.customer_number",
        C.IDENTITY,
        REL | BILL,
        B.CONTRACT,
        OWN,
        CONTRACT_RECORDS,
        Words("asiakasnumero", "kundnummer", "customer number"),
    ),
    _a(
        "person.kind",
        C.IDENTITY,
        REL,
        B.CONTRACT,
        ABOUT_SOURCES,
        CONTRACT_RECORDS,
        Words(
            "luonnollinen vai juridinen henkilö",
            "fysisk eller juridisk person",
            "natural or legal person",
        ),
    ),
    _a(
        "person.relationship",
        C.CLASSIFICATION,
        REL | MKT,
        B.LEGITIMATE_INTEREST,
        OWN,
        CUSTOMER_DATA,
        Words(
            "asiakas vai potentiaalinen asiakas",
            "kund eller potentiell kund",
            "customer or prospect",
        ),
    ),
    _a(
        "person.first_names",
        C.IDENTITY,
        REL | BILL | MKT,
        B.CONTRACT,
        ABOUT_SOURCES,
        CONTRACT_RECORDS,
        Words("etunimet", "förnamn", "first names"),
        identifying=True,
        masker=masking.initial,
    ),
    _a(
        "person.last_name",
        C.IDENTITY,
        REL | BILL | MKT,
        B.CONTRACT,
        ABOUT_SOURCES,
        CONTRACT_RECORDS,
        Words("sukunimi", "efternamn", "last name"),
        identifying=True,
        masker=masking.initial,
    ),
    _a(
        "person.organisation_name",
        C.IDENTITY,
        REL | BILL | MKT,
        B.CONTRACT,
        ABOUT_SOURCES,
        CONTRACT_RECORDS,
        Words("yrityksen nimi", "företagets namn", "organisation name"),
        identifying=True,
    ),
    _a(
        "person.personal_identity_code",
        C.IDENTITY,
        BILL | {P.CUSTOMER_RELATIONSHIP},
        B.CONTRACT,
        PERSON_SOURCES,
        CONTRACT_RECORDS,
        Words("henkilötunnus", "personbeteckning", "personal identity code"),
        columns=("hetu_ct", "hetu_key", "hetu_bidx"),
        sensitivity=Sensitivity.ENCRYPTED,
        reading=_ENCRYPTED_HETU_READERS,
        masker=masking.personal_identity_code,
        identifying=True,
    ),
    _a(
        "person.business_id",
        C.IDENTITY,
        REL | BILL,
        B.CONTRACT,
        FROM_THE_PERSON | {S.TRADE_REGISTER},
        CONTRACT_RECORDS,
        Words("Y-tunnus", "FO-nummer", "business ID"),
        identifying=True,
    ),
    _a(
        "person.birth_year",
        C.IDENTITY,
        REL | MKT,
        B.LEGITIMATE_INTEREST,
        ABOUT_SOURCES,
        CUSTOMER_DATA,
        Words("ikä tai syntymävuosi", "ålder eller födelseår", "age or birth year"),
    ),
    _a(
        "person.gender",
        C.IDENTITY,
        MKT | {P.CUSTOMER_RELATIONSHIP},
        B.CONSENT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words(
            "sukupuoli (asiakkaan ilmoittama)",
            "kön (som kunden uppgett)",
            "gender (as stated by the person)",
        ),
    ),
    _a(
        "person.mother_tongue",
        C.IDENTITY,
        REL | MKT,
        B.LEGITIMATE_INTEREST,
        ABOUT_SOURCES,
        CUSTOMER_DATA,
        Words("äidinkieli", "modersmål", "mother tongue"),
    ),
    _a(
        "person.customer_class",
        C.CLASSIFICATION,
        REL | MKT | {P.BUSINESS_DEVELOPMENT},
        B.LEGITIMATE_INTEREST,
        # Made by the register, or told by the customer (a household or a business buyer).
        OWN | FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words("asiakasluokitus", "kundklassificering", "customer classification"),
    ),
    _a(
        "person.deceased_on",
        C.IDENTITY,
        REL | BILL,
        B.LEGAL_OBLIGATION,
        frozenset({S.POPULATION_REGISTER, S.CUSTOMER_CONTACT}),
        CONTRACT_RECORDS,
        Words("kuolinpäivä", "dödsdag", "date of death"),
        # Shown to those who deal with the contract and its bills after the death (the estate
        # ends it or moves out): customer service, billing and collection, the DPO. Marketing
        # needs no date: the audiences leave the deceased out by themselves.
        reading=_DEATH_READERS,
    ),
    _a(
        "person.restricted",
        C.IDENTITY,
        frozenset({P.LEGAL_OBLIGATION}),
        B.LEGAL_OBLIGATION,
        FROM_THE_PERSON | OWN,
        CONTRACT_RECORDS,
        Words("käsittelyn rajoitus", "begränsning av behandling", "restriction of processing"),
        columns=("restricted", "restricted_reason"),
    ),
    # Told by the population register (VTJ) with its changes, or by the person with proof.
    _a(
        "person.non_disclosure",
        C.IDENTITY,
        REL | BILL,
        B.LEGAL_OBLIGATION,
        frozenset({S.POPULATION_REGISTER, S.CUSTOMER_CONTACT}),
        CUSTOMER_DATA,
        Words("turvakielto", "spärrmarkering", "non-disclosure for personal safety"),
    ),
    _a(
        "person.population_marketing_ban",
        C.MARKETING,
        MKT,
        B.LEGAL_OBLIGATION,
        frozenset({S.POPULATION_REGISTER}),
        CUSTOMER_DATA,
        Words(
            "väestötietojen suoramarkkinointikielto",
            "förbud mot direktreklam med befolkningsuppgifter",
            "ban on direct marketing with population-register data",
        ),
    ),
    _a(
        "person.under_guardianship",
        C.IDENTITY,
        REL | BILL,
        B.LEGAL_OBLIGATION,
        frozenset({S.POPULATION_REGISTER, S.CUSTOMER_CONTACT, S.AUTHORITY}),
        CONTRACT_RECORDS,
        Words("edunvalvonta", "intressebevakning", "guardianship"),
    ),
    # Told by the trade register (YTJ): an organisation's situation there, and since when.
    _a(
        "person.trade_register_status",
        C.IDENTITY,
        REL | BILL,
        B.CONTRACT,
        frozenset({S.TRADE_REGISTER}),
        CONTRACT_RECORDS,
        Words(
            "tila kaupparekisterissä (konkurssi, selvitystila, lakannut)",
            "status i handelsregistret (konkurs, likvidation, upphört)",
            "status in the trade register (bankruptcy, liquidation, ceased)",
        ),
        columns=("trade_status", "trade_status_on"),
    ),
    _a(
        "person.created_at",
        C.HISTORY,
        REL,
        B.CONTRACT,
        OWN,
        CONTRACT_RECORDS,
        Words("rekisteröintiaika", "registreringstid", "registered at"),
    ),
    # -- contact points, each with its validity
    _a(
        "contact_point.phone",
        C.CONTACT,
        REL | MKT | BILL,
        B.CONTRACT,
        CONTACT_SOURCES,
        CUSTOMER_DATA,
        Words("puhelinnumero", "telefonnummer", "phone number"),
        masker=masking.tail,
        identifying=True,
    ),
    _a(
        "contact_point.email",
        C.CONTACT,
        REL | MKT | BILL,
        B.CONTRACT,
        CONTACT_SOURCES,
        CUSTOMER_DATA,
        Words("sähköpostiosoite", "e-postadress", "e-mail address"),
        masker=masking.email,
        identifying=True,
    ),
    _a(
        "contact_point.postal_address",
        C.CONTACT,
        REL | MKT | BILL,
        B.CONTRACT,
        CONTACT_SOURCES,
        CUSTOMER_DATA,
        Words("postiosoite", "postadress", "postal address"),
        columns=("street", "postal_code", "post_office", "country"),
        identifying=True,
    ),
    _a(
        "contact_point.kind",
        C.CONTACT,
        REL,
        B.CONTRACT,
        CONTACT_SOURCES,
        CUSTOMER_DATA,
        Words("yhteystiedon laji", "typ av kontaktuppgift", "kind of contact point"),
    ),
    _a(
        "contact_point.validity",
        C.CONTACT,
        REL,
        B.CONTRACT,
        CONTACT_SOURCES,
        CUSTOMER_DATA,
        Words(
            "yhteystiedon voimassaoloaika",
            "kontaktuppgiftens giltighetstid",
            "how long each contact detail is valid",
        ),
        columns=("valid_from", "valid_to"),
    ),
    # -- consumption sites, metering points and devices (reached through the person's contracts)
    _a(
        "site.address",
        C.SITE,
        REL | BILL,
        B.CONTRACT,
        FROM_THE_PERSON | HUB,
        CONTRACT_RECORDS,
        Words("käyttöpaikan osoite", "förbrukningsställets adress", "site address"),
        columns=("street", "postal_code", "post_office"),
    ),
    _a(
        "site.housing_type",
        C.SITE,
        REL | MKT,
        B.CONTRACT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words("asumismuoto", "boendeform", "housing type"),
    ),
    _a(
        "site.ownership",
        C.SITE,
        REL | MKT,
        B.CONTRACT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words("omistussuhde", "ägarförhållande", "ownership"),
    ),
    _a(
        "site.usage_timing",
        C.SITE,
        REL,
        B.CONTRACT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words("käytön ajoitus", "tidpunkt för användning", "timing of use"),
    ),
    _a(
        "site.heating_type",
        C.SITE,
        REL | MKT,
        B.CONTRACT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words("lämmitysmuoto", "uppvärmningsform", "heating type"),
    ),
    _a(
        "site.consumption_estimate_kwh",
        C.SITE,
        REL | MKT | BILL,
        B.CONTRACT,
        FROM_THE_PERSON | OWN,
        CUSTOMER_DATA,
        Words(
            "sähkön kulutusarvio",
            "uppskattad elförbrukning",
            "estimated electricity consumption",
        ),
    ),
    _a(
        "site.main_fuse_a",
        C.SITE,
        REL,
        B.CONTRACT,
        FROM_THE_PERSON | HUB,
        CUSTOMER_DATA,
        Words("pääsulakkeen koko", "huvudsäkringens storlek", "main fuse size"),
    ),
    _a(
        "site.connection_details",
        C.SITE,
        REL,
        B.CONTRACT,
        FROM_THE_PERSON | HUB,
        CUSTOMER_DATA,
        Words("sähköliittymän tiedot", "uppgifter om elanslutningen", "connection details"),
    ),
    _a(
        "metering_point.gsrn",
        C.SITE,
        REL | BILL,
        B.CONTRACT,
        # The customer gives it with the order (it is on their bill), or Datahub's meter data,
        # or the hub's market events.
        FROM_THE_PERSON | {S.ENERGY_METER} | HUB,
        CONTRACT_RECORDS,
        Words(
            "käyttöpaikkatunnus (GSRN)",
            "användningsställets nummer (GSRN)",
            "metering point ID (GSRN)",
        ),
        columns=("gsrn", "kind"),
    ),
    _a(
        "metering_point.grid_owner",
        C.SITE,
        REL,
        B.CONTRACT,
        FROM_THE_PERSON | HUB,
        CONTRACT_RECORDS,
        Words(
            "jakeluverkonhaltija (verkkoyhtiö)",
            "distributionsnätsinnehavare (nätbolag)",
            "grid owner (distribution network operator)",
        ),
    ),
    _a(
        "device.device",
        C.SITE,
        REL | {P.SERVICE_DELIVERY},
        B.CONTRACT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words("käyttöpaikan laitteet", "apparater på förbrukningsstället", "devices at the site"),
        columns=("kind", "description", "installed_on", "removed_on"),
    ),
    # -- contracts
    _a(
        "contract.contract",
        C.CONTRACT,
        REL | BILL,
        B.CONTRACT,
        # Made with the customer; started and ended at the hub's dates by its market events.
        FROM_THE_PERSON | HUB,
        CONTRACT_RECORDS,
        Words(
            "sopimuksen laji, tuote ja voimassaolo",
            "avtalets typ, produkt och giltighet",
            "kind, product and period of each contract",
        ),
        columns=(
            "contract_number",
            "kind",
            "product",
            "start_date",
            "end_date",
            "fixed_term_end",
            "end_reason",
        ),
    ),
    _a(
        "contract.telephone_sale",
        C.CONTRACT,
        REL | BILL,
        # Kept to show the contract came into force as the Consumer Protection Act requires.
        B.LEGAL_OBLIGATION,
        FROM_THE_PERSON | OWN,
        CONTRACT_RECORDS,
        Words(
            "puhelinmyynnin puhelu, kirjallinen tarjous ja sen hyväksyminen",
            "telefonförsäljningens samtal, det skriftliga anbudet och godkännandet av det",
            "the sales call, the written offer and its acceptance of a telephone sale",
        ),
        columns=(
            "sales_call",
            "sales_call_at",
            "offer_sent_at",
            "offer_sent_how",
            "accepted_at",
            "accepted_how",
        ),
    ),
    # -- contact persons of organisations (the contact person is the data subject)
    _a(
        "contact_person.role",
        C.CONTACT,
        REL | BILL | MKT,
        B.LEGITIMATE_INTEREST,
        FROM_THE_PERSON | {S.TRADE_REGISTER},
        CUSTOMER_DATA,
        Words(
            "yhteyshenkilönä toimiminen: yritys, rooli ja voimassaolo",
            "uppdrag som kontaktperson: företaget, rollen och giltigheten",
            "acting as a contact person: the organisation, the role and its period",
        ),
        columns=("role", "valid_from", "valid_to"),
    ),
    # -- representatives: who acts for the person (a guardian, the estate's contact, an
    # attorney). Read by those who deal with the person's affairs, never by marketing.
    _a(
        "representative.representation",
        C.IDENTITY,
        REL | BILL,
        B.LEGAL_OBLIGATION,
        REPRESENTATIVE_SOURCES,
        CUSTOMER_DATA,
        Words(
            "edustaja: edunvalvoja, kuolinpesän yhteyshenkilö tai valtuutettu, valtuudet ja "
            "voimassaolo",
            "företrädare: intressebevakare, dödsboets kontaktperson eller fullmäktig, "
            "befogenheter och giltighet",
            "representative: guardian, estate's contact or attorney, their powers and period",
        ),
        columns=("kind", "powers", "valid_from", "valid_to"),
        reading=_REPRESENTATIVE_READERS,
    ),
    _a(
        "representative.contact",
        C.CONTACT,
        REL | BILL,
        B.CONTRACT,
        REPRESENTATIVE_SOURCES,
        CUSTOMER_DATA,
        Words(
            "edustajan nimi ja yhteystiedot",
            "företrädarens namn och kontaktuppgifter",
            "the representative's name and contact details",
        ),
        columns=("name", "street", "postal_code", "post_office", "country", "email", "phone"),
        reading=_REPRESENTATIVE_READERS,
        identifying=True,
    ),
    _a(
        "representative.evidence",
        C.IDENTITY,
        REL | BILL,
        B.LEGAL_OBLIGATION,
        REPRESENTATIVE_SOURCES,
        CUSTOMER_DATA,
        Words(
            "edustajan kelpoisuuden osoittanut asiakirja (viite, ei asiakirjaa)",
            "handlingen som visade företrädarens behörighet (hänvisning, inte handlingen)",
            "how the representative's authority was shown (a reference, not the document)",
        ),
        columns=("evidence", "evidence_ref"),
        reading=_REPRESENTATIVE_READERS,
    ),
    # -- billing and payments
    _a(
        "billing_account.billing_address",
        C.BILLING,
        BILL,
        B.CONTRACT,
        FROM_THE_PERSON,
        CONTRACT_RECORDS,
        Words("laskutusosoite", "faktureringsadress", "billing address"),
        columns=("street", "postal_code", "post_office", "country"),
        identifying=True,
    ),
    _a(
        "billing_account.terms",
        C.BILLING,
        BILL,
        B.CONTRACT,
        FROM_THE_PERSON,
        CONTRACT_RECORDS,
        Words(
            "eräpäivä, laskutusrytmi ja laskutustapa",
            "förfallodag, faktureringsintervall och faktureringssätt",
            "due day, billing rhythm and billing method",
        ),
        columns=("due_day", "rhythm", "method"),
    ),
    _a(
        "billing_account.iban",
        C.BILLING,
        BILL,
        B.CONTRACT,
        FROM_THE_PERSON,
        CONTRACT_RECORDS,
        Words("tilinumero", "kontonummer", "bank account number"),
        columns=("iban_ct", "iban_key", "iban_bidx"),
        sensitivity=Sensitivity.ENCRYPTED,
        reading=_IBAN_READERS,
        masker=masking.iban,
        identifying=True,
    ),
    _a(
        "invoice.invoice",
        C.PAYMENT,
        BILL,
        B.CONTRACT,
        OWN,
        CONTRACT_RECORDS,
        Words(
            "laskut, niiden toimitustapa ja maksutilanne",
            "fakturor, deras leveranssätt och betalningsstatus",
            "invoices, how they were sent and their payment status",
        ),
        columns=(
            "invoice_number",
            "reference",
            "issued_on",
            "due_on",
            "amount_cents",
            "status",
            "paid_on",
            "reminders",
            "delivery_method",
        ),
    ),
    _a(
        "payment.payment",
        C.PAYMENT,
        BILL,
        B.CONTRACT,
        OWN | BANK,
        CONTRACT_RECORDS,
        Words("maksut", "betalningar", "payments"),
        columns=("paid_on", "amount_cents", "method", "bank_ref", "excess_cents"),
    ),
    _a(
        # A payment the bank notified that could not be applied, kept for review with the
        # reason; the payer's name is as the bank gave it. Linked to an invoice only when its
        # reference names one, never to a person by a guess.
        "payment_quarantine.payment",
        C.PAYMENT,
        BILL,
        B.LEGAL_OBLIGATION,
        BANK,
        PAYMENTS_IN_REVIEW,
        Words(
            "selvitettävät maksut: maksajan nimi, viite, summa ja syy",
            "betalningar som utreds: betalarens namn, referens, belopp och orsak",
            "payments under review: payer's name, reference, amount and why",
        ),
        columns=(
            "quarantined_at",
            "bank_ref",
            "reference",
            "amount",
            "currency",
            "booked_on",
            "payer_name",
            "reason",
        ),
    ),
    _a(
        # An address-change notice from a mover service that no one person matched, or that a
        # newer address the person gave overrode: kept as sent, for staff to settle.
        "address_notice.notice",
        C.CONTACT,
        frozenset({P.CUSTOMER_RELATIONSHIP}),
        B.LEGITIMATE_INTEREST,
        frozenset({S.OTHER_COMPANY}),
        ADDRESS_NOTICES,
        Words(
            "selvitettävät osoitteenmuutokset: nimi, vanha ja uusi osoite ja muuttopäivä",
            "adressändringar som utreds: namn, gammal och ny adress och flyttdag",
            "address changes under review: name, old and new address and moving day",
        ),
        columns=(
            "held_at",
            "last_name",
            "first_names",
            "previous_street",
            "previous_postal_code",
            "previous_post_office",
            "new_street",
            "new_postal_code",
            "new_post_office",
            "new_country",
            "moved_on",
        ),
    ),
    # -- service contacts, recordings, feedback, digital account
    _a(
        "contact_log.entry",
        C.CONTACT_LOG,
        REL | {P.VERIFYING_TRANSACTIONS},
        B.LEGITIMATE_INTEREST,
        frozenset({S.CUSTOMER_CONTACT}),
        CONTACT_HISTORY,
        Words(
            "yhteydenottojen ajankohta, kanava, aihe ja muistiinpanot",
            "kontakternas tidpunkt, kanal, ämne och anteckningar",
            "time, channel, topic and notes of each contact",
        ),
        columns=("at", "channel", "direction", "topic", "note", "handled_by"),
    ),
    _a(
        "call_recording.recording",
        C.RECORDING,
        frozenset({P.VERIFYING_TRANSACTIONS, P.SERVICE_QUALITY}),
        B.LEGITIMATE_INTEREST,
        frozenset({S.CUSTOMER_CONTACT}),
        RECORDINGS,
        Words(
            "puhelutallenteet ja niiden tallennusaika",
            "samtalsinspelningar och tidpunkten för inspelningen",
            "call recordings and when they were made",
        ),
        columns=("recorded_at", "duration_seconds", "file_ref", "file_destroyed_at"),
    ),
    _a(
        "feedback.feedback",
        C.FEEDBACK,
        REL | {P.BUSINESS_DEVELOPMENT},
        B.LEGITIMATE_INTEREST,
        frozenset({S.CUSTOMER_CONTACT, S.COMPETITION_OR_EVENT}),
        FEEDBACK,
        Words(
            "palautteet ja tyytyväisyysarviot",
            "responser och nöjdhetsbedömningar",
            "feedback and satisfaction ratings",
        ),
        columns=("at", "channel", "satisfaction", "text"),
    ),
    _a(
        "digital_account.account",
        C.DIGITAL_ACCOUNT,
        REL,
        B.CONTRACT,
        FROM_THE_PERSON,
        CUSTOMER_DATA,
        Words(
            "käyttäjätunnus sekä rekisteröitymis- ja kirjautumisajat",
            "användarnamn och tidpunkter för registrering och inloggning",
            "login name and the times of registration and login",
        ),
        columns=("login", "registered_at", "last_login_at", "closed_at"),
        identifying=True,
    ),
    # -- direct-marketing permissions and prohibitions (the consent ledger)
    _a(
        "consent_event.event",
        C.MARKETING,
        MKT,
        B.CONSENT,
        FROM_THE_PERSON | {S.COMPETITION_OR_EVENT, S.MARKETING_BAN_REGISTER},
        MARKETING_DATA,
        Words(
            "suoramarkkinoinnin luvat ja kiellot",
            "tillstånd och förbud för direktmarknadsföring",
            "direct-marketing permissions and prohibitions",
        ),
        columns=("purpose", "channel", "event", "at", "expires_at"),
    ),
    _a(
        "consent_event.evidence",
        C.MARKETING,
        MKT,
        B.LEGAL_OBLIGATION,
        FROM_THE_PERSON | {S.COMPETITION_OR_EVENT, S.MARKETING_BAN_REGISTER},
        MARKETING_DATA,
        Words("luvan antamisen todisteet", "bevis på samtycket", "evidence of the permission"),
        columns=(
            "captured_how",
            "captured_by",
            "wording",
            "wording_version",
            "ip_address",
            "user_agent",
        ),
    ),
    # -- the rectification history itself
    _a(
        "attribute_change.change",
        C.HISTORY,
        frozenset({P.CUSTOMER_RELATIONSHIP, P.LEGAL_OBLIGATION}),
        B.LEGAL_OBLIGATION,
        OWN,
        CUSTOMER_DATA,
        Words(
            "aiemmat arvot sekä milloin, kuka ja miksi tietoa muutettiin",
            "tidigare värden samt när, av vem och varför uppgiften ändrades",
            "earlier values, and when, by whom and why data was changed",
        ),
        columns=(
            "at",
            "actor",
            "table_name",
            "row_id",
            "attribute",
            "old_value",
            "new_value",
            "reason",
        ),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec("person", PROVENANCE, ("id",)),
    TableSpec(
        "contact_point",
        PROVENANCE | {"person_id"},
        ("person_id",),
        view=ViewSpec("contact_points"),
    ),
    TableSpec(
        "site",
        PROVENANCE,
        ("id", "contract.site_id", "contract.person_id"),
        view=ViewSpec("sites"),
    ),
    TableSpec(
        "metering_point",
        PROVENANCE | {"site_id"},
        ("site_id", "contract.site_id", "contract.person_id"),
        view=ViewSpec("metering_points", within="site"),
    ),
    TableSpec(
        "device",
        PROVENANCE | {"site_id"},
        ("site_id", "contract.site_id", "contract.person_id"),
        view=ViewSpec("devices", within="site"),
    ),
    TableSpec(
        "contract",
        PROVENANCE | {"person_id", "site_id", "billing_account_id"},
        ("person_id",),
        view=ViewSpec("contracts", "start_date", ("site_id", "billing_account_id")),
    ),
    TableSpec(
        "contact_person",
        PROVENANCE | {"person_id", "organisation_id"},
        ("person_id",),
        view=ViewSpec("organisations", "valid_from", ("organisation_id",)),
    ),
    TableSpec(
        "representative",
        PROVENANCE | {"person_id"},
        ("person_id",),
        view=ViewSpec("representatives", "valid_from"),
    ),
    TableSpec(
        "billing_account",
        PROVENANCE | {"person_id"},
        ("person_id",),
        view=ViewSpec("billing_accounts"),
    ),
    TableSpec(
        "invoice",
        PROVENANCE | {"person_id", "billing_account_id", "contract_id"},
        ("person_id",),
        view=ViewSpec("invoices", "issued_on"),
    ),
    TableSpec(
        "payment",
        PROVENANCE | {"invoice_id"},
        ("invoice_id", "invoice.id", "invoice.person_id"),
        view=ViewSpec("payments", links=("invoice_id",)),
    ),
    # feed_ref: the sending system's id of a record that came in a feed, which makes a feed
    # sent twice store its records once (the sender's key, not something said of the person).
    TableSpec(
        "payment_quarantine",
        PROVENANCE | {"file_id", "entry_no", "invoice_id"},
        ("invoice_id", "invoice.id", "invoice.person_id"),
    ),
    TableSpec(
        "payment_file",
        frozenset(
            {
                "id",
                "sha256",
                "name",
                "message_id",
                "entries",
                "applied",
                "quarantined",
                "duplicates",
                "imported_at",
                "imported_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="which bank notification files were read, and their counts",
    ),
    TableSpec(
        "update_file",
        frozenset(
            {
                "id",
                "source",
                "sha256",
                "name",
                "records",
                "matched",
                "changed",
                "unchanged",
                "unmatched",
                "conflicts",
                "imported_at",
                "imported_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="which update files (trade register, mover service) were applied, "
        "and their counts",
    ),
    TableSpec(
        "address_notice",
        # reason: why the register held it, in its own words (the same as on the staff task).
        PROVENANCE | {"file_id", "record_no", "person_id", "reason"},
        ("person_id",),
        view=ViewSpec("address_notices", "held_at"),
    ),
    TableSpec(
        "staff_task",
        frozenset(
            {
                "id",
                "kind",
                "subject_table",
                "subject_id",
                "reason",
                "created_at",
                "created_by",
                "done_at",
                "done_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="work for staff: names the row it concerns, whose data stays there",
    ),
    TableSpec(
        "contact_log",
        PROVENANCE | {"person_id", "feed_ref"},
        ("person_id",),
        view=ViewSpec("contact_log", "at"),
    ),
    TableSpec(
        "call_recording",
        PROVENANCE | {"person_id", "contact_log_id"},
        ("person_id",),
        view=ViewSpec("call_recordings"),
    ),
    TableSpec(
        "feedback",
        PROVENANCE | {"person_id", "contact_log_id", "feed_ref"},
        ("person_id",),
        view=ViewSpec("feedback", links=("contact_log_id",)),
    ),
    TableSpec(
        "digital_account",
        PROVENANCE | {"person_id"},
        ("person_id",),
        view=ViewSpec("digital_account"),
    ),
    TableSpec(
        "consent_event",
        PROVENANCE | {"person_id"},
        ("person_id",),
        view=ViewSpec("consent_events", "at"),
    ),
    TableSpec("attribute_change", PROVENANCE | {"person_id"}, ("person_id",)),
    TableSpec(
        "staff_user",
        frozenset(
            {
                "id",
                "username",
                "role",
                "password_hash",
                "active",
                "failed_logins",
                "locked_until",
                "created_at",
                "sign_on_issuer",
                "sign_on_subject",
                "totp_secret",
                "totp_confirmed_at",
                "totp_last_step",
            }
        ),
        None,
        personal=False,
        why_not_personal="staff accounts: employees' data, not the customer register's",
    ),
    TableSpec(
        "api_token",
        frozenset(
            {
                "id",
                "user_id",
                "name",
                "token_hash",
                "scopes",
                "expires_at",
                "revoked_at",
                "created_at",
            }
        ),
        None,
        personal=False,
        why_not_personal="credentials of integrations",
    ),
    TableSpec(
        "system_actor",
        frozenset({"name", "enabled", "changed_at", "changed_by"}),
        None,
        personal=False,
        why_not_personal="which named jobs (imports, retention...) may run, and who said so",
    ),
    TableSpec(
        "counter",
        frozenset({"name", "value"}),
        None,
        personal=False,
        why_not_personal="number series for customer, contract and invoice numbers",
    ),
    TableSpec(
        "market_event",
        frozenset(
            {
                "id",
                "event_id",
                "kind",
                "effective_on",
                "outcome",
                "file_name",
                "read_at",
                "read_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="which Datahub market events were read, by the hub's event id, and "
        "their outcome; no person or metering point is named",
    ),
    TableSpec(
        "invoice_file",
        frozenset(
            {
                "id",
                "sha256",
                "name",
                "size_bytes",
                "messages",
                "invoices_new",
                "invoices_changed",
                "imported_at",
                "imported_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="the imported Finvoice files themselves: names, hashes and counts",
    ),
    TableSpec(
        "population_change_file",
        frozenset(
            {
                "id",
                "sha256",
                "name",
                "size_bytes",
                "records",
                "matched",
                "changed",
                "unchanged",
                "unmatched",
                "conflicts",
                "imported_at",
                "imported_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="the population register's change files applied: names, hashes, counts",
    ),
)

"""Words for every code the register stores: each value of its enums in Finnish, Swedish and
English, gathered in one place so that no page or report shows a person `tenant` or `moved_out`.

The register keeps codes (stable, English, what programs and the JSON API read); what a person
reads is the code's words in their language. Terms that already have words elsewhere (the
catalogue's categories, purposes, bases, sources and roles in `vocabulary`, the consent purposes
and channels the preference centre shows in `wording`) are taken from there, so a purpose reads
the same on the person page as in the privacy statement and the preference centre.

`value_word(member, lang)` gives a member's words; `column_value_word(table, column, value, lang)`
gives the words of a value stored in a coded column, for pages that hold only the column's name
and the stored text. A test walks every enum of the domain and the catalogue and fails on a
member without words in some language.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from rekisteri.domain.attribute_rules import choice_columns
from rekisteri.domain.bans import BanKind
from rekisteri.domain.breaches import Kind as BreachKind
from rekisteri.domain.breaches import Risk
from rekisteri.domain.breaches import State as BreachState
from rekisteri.domain.company_status import CompanyStatus
from rekisteri.domain.consent import (
    ANY_CHANNEL,
    CaptureMethod,
    Channel,
    ConsentEventKind,
    ConsentPurpose,
    ConsentState,
)
from rekisteri.domain.consumption import Quality
from rekisteri.domain.credit import CreditDecision, ReviewOutcome
from rekisteri.domain.market_events import EventKind
from rekisteri.domain.marketing import AudiencePurpose, Exclusion
from rekisteri.domain.preferences import Change
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    ContactRole,
    ContractKind,
    DeviceKind,
    Direction,
    EndReason,
    Gender,
    HeatingType,
    HousingType,
    InvoiceStatus,
    MeteringPointKind,
    MotherTongue,
    Ownership,
    PersonKind,
    Relationship,
    SalesCall,
    ServiceChannel,
    UsageTiming,
    WrittenHow,
)
from rekisteri.domain.representatives import Evidence, Power, RepresentativeKind
from rekisteri.domain.requests import (
    ChargeDecision,
    ReceivedHow,
    RequestKind,
    RequestState,
    VerifiedHow,
)
from rekisteri.domain.segments import BANDS as SEGMENT_BANDS
from rekisteri.domain.segments import CHOICES as SEGMENT_CHOICES
from rekisteri.domain.segments import SegmentField, SegmentRule
from rekisteri.domain.transfers import DisclosureKind, RecipientKind, Safeguard
from rekisteri.domain.vocabulary import (
    BASIS_LABELS,
    LABELS,
    ROLE_LABELS,
    SOURCE_LABELS,
    Category,
    Lang,
    LawfulBasis,
    Purpose,
    Role,
    Sensitivity,
    Source,
    Visibility,
    Words,
)
from rekisteri.domain.wording import CHANNEL_WORDS, PURPOSE_WORDS

W = Words

_LANGUAGES: dict[str, Words] = {
    "fi": W("suomi", "finska", "Finnish"),
    "sv": W("ruotsi", "svenska", "Swedish"),
    "en": W("englanti", "engelska", "English"),
}

# Each enum's words, keyed by the enum: a StrEnum member hashes as its value, so enums that
# share a value ("contract", "email", "other") must never share one dict.
_WORDS: dict[type[Enum], Mapping[Any, Words]] = {
    # The catalogue's vocabulary (vocabulary.py): the privacy statement's own words.
    Category: {c: LABELS[c] for c in Category},
    Purpose: {p: LABELS[p] for p in Purpose},
    LawfulBasis: BASIS_LABELS,
    Source: SOURCE_LABELS,
    Role: ROLE_LABELS,
    Lang: {lang: _LANGUAGES[lang.value] for lang in Lang},
    Visibility: {
        Visibility.NONE: W("ei näy", "visas inte", "not shown"),
        Visibility.MASKED: W("osittain peitettynä", "delvis dold", "partly masked"),
        Visibility.FULL: W("kokonaan", "i sin helhet", "in full"),
    },
    Sensitivity: {
        Sensitivity.PLAIN: W("tavallinen", "vanlig", "plain"),
        Sensitivity.ENCRYPTED: W("salattu", "krypterad", "encrypted"),
    },
    # The consent words the person reads in the preference centre (wording.py).
    ConsentPurpose: PURPOSE_WORDS,
    Channel: {c: CHANNEL_WORDS[c.value] for c in Channel},
    ConsentEventKind: {
        ConsentEventKind.GRANTED: W("sallittu", "tillåtet", "allowed"),
        ConsentEventKind.WITHDRAWN: W("peruttu", "återkallat", "withdrawn"),
        ConsentEventKind.PROHIBITED: W("kielletty", "förbjudet", "prohibited"),
    },
    ConsentState: {
        ConsentState.NONE: W("ei kysytty", "inte tillfrågad", "not asked"),
        ConsentState.GRANTED: W("sallittu", "tillåtet", "allowed"),
        ConsentState.WITHDRAWN: W("peruttu", "återkallat", "withdrawn"),
        ConsentState.PROHIBITED: W("kielletty", "förbjudet", "prohibited"),
        ConsentState.EXPIRED: W("vanhentunut", "utgånget", "expired"),
    },
    CaptureMethod: {
        CaptureMethod.WEB_FORM: W("verkkolomake", "webbformulär", "web form"),
        CaptureMethod.PHONE_CALL: W("puhelu", "telefonsamtal", "phone call"),
        CaptureMethod.LETTER: W("kirje", "brev", "letter"),
        CaptureMethod.CONTRACT: W("sopimus", "avtal", "contract"),
        CaptureMethod.COMPETITION_OR_EVENT: W(
            "kilpailu tai tapahtuma", "tävling eller evenemang", "competition or event"
        ),
        CaptureMethod.REGISTER_IMPORT: W(
            "tuotu aiemmasta rekisteristä",
            "överfört från ett tidigare register",
            "imported from an earlier register",
        ),
    },
    Change: {
        Change.GRANT: W("salli", "tillåt", "allow"),
        Change.CONFIRM_BY_EMAIL: W(
            "vahvista sähköpostilla", "bekräfta per e-post", "confirm by e-mail"
        ),
        Change.WITHDRAW: W("peru lupa", "återkalla tillståndet", "withdraw the permission"),
        Change.OBJECT: W("kiellä", "förbjud", "prohibit"),
    },
    # The person.
    PersonKind: {
        PersonKind.NATURAL: W("yksityishenkilö", "privatperson", "private person"),
        PersonKind.LEGAL: W("yritys tai yhteisö", "företag eller sammanslutning", "organisation"),
    },
    Relationship: {
        Relationship.CUSTOMER: W("asiakas", "kund", "customer"),
        Relationship.PROSPECT: W("mahdollinen asiakas", "potentiell kund", "prospect"),
    },
    MotherTongue: {
        MotherTongue.FI: _LANGUAGES["fi"],
        MotherTongue.SV: _LANGUAGES["sv"],
        MotherTongue.EN: _LANGUAGES["en"],
        MotherTongue.OTHER: W("muu kieli", "annat språk", "another language"),
    },
    Gender: {
        Gender.FEMALE: W("nainen", "kvinna", "female"),
        Gender.MALE: W("mies", "man", "male"),
        Gender.OTHER: W("muu", "annat", "other"),
    },
    CompanyStatus: {
        CompanyStatus.REGISTERED: W("rekisteröity", "registrerat", "registered"),
        CompanyStatus.RESTRUCTURING: W(
            "yrityssaneerauksessa", "i företagssanering", "in restructuring"
        ),
        CompanyStatus.LIQUIDATION: W("selvitystilassa", "i likvidation", "in liquidation"),
        CompanyStatus.BANKRUPT: W("konkurssissa", "i konkurs", "bankrupt"),
        CompanyStatus.CEASED: W("lakannut", "upphört", "ceased"),
    },
    ContactKind: {
        ContactKind.PHONE: W("puhelin", "telefon", "phone"),
        ContactKind.EMAIL: W("sähköposti", "e-post", "e-mail"),
        ContactKind.POSTAL: W("postiosoite", "postadress", "postal address"),
    },
    # The site.
    HousingType: {
        HousingType.DETACHED: W("omakotitalo", "egnahemshus", "detached house"),
        HousingType.TERRACED: W("rivitalo", "radhus", "terraced house"),
        HousingType.APARTMENT: W("kerrostalo", "flervåningshus", "block of flats"),
        HousingType.LEISURE: W("vapaa-ajan asunto", "fritidsbostad", "holiday home"),
        HousingType.OTHER: W("muu", "annan", "other"),
    },
    Ownership: {
        Ownership.OWNER: W("omistaja", "ägare", "owner"),
        Ownership.TENANT: W("vuokralainen", "hyresgäst", "tenant"),
    },
    UsageTiming: {
        UsageTiming.GENERAL: W("yleissähkö", "allmän el", "general electricity"),
        UsageTiming.TIME_OF_DAY: W("aikasähkö", "tidsel", "time-of-day electricity"),
        UsageTiming.SEASONAL: W("kausisähkö", "säsongsel", "seasonal electricity"),
    },
    HeatingType: {
        HeatingType.ELECTRIC: W("sähkölämmitys", "elvärme", "electric heating"),
        HeatingType.DISTRICT: W("kaukolämpö", "fjärrvärme", "district heating"),
        HeatingType.HEAT_PUMP: W("lämpöpumppu", "värmepump", "heat pump"),
        HeatingType.GROUND_SOURCE: W("maalämpö", "jordvärme", "ground-source heat"),
        HeatingType.OIL: W("öljylämmitys", "oljeuppvärmning", "oil heating"),
        HeatingType.WOOD: W("puulämmitys", "vedeldning", "wood heating"),
        HeatingType.OTHER: W("muu lämmitys", "annan uppvärmning", "other heating"),
    },
    DeviceKind: {
        DeviceKind.HEAT_PUMP: W("lämpöpumppu", "värmepump", "heat pump"),
        DeviceKind.EV_CHARGER: W("sähköauton latauslaite", "laddare för elbil", "EV charger"),
        DeviceKind.SOLAR_PANELS: W("aurinkopaneelit", "solpaneler", "solar panels"),
        DeviceKind.BATTERY: W("akku", "batteri", "battery"),
        DeviceKind.WATER_HEATER: W("lämminvesivaraaja", "varmvattenberedare", "water heater"),
        DeviceKind.OTHER: W("muu laite", "annan apparat", "other device"),
    },
    MeteringPointKind: {
        MeteringPointKind.CONSUMPTION: W("kulutus", "förbrukning", "consumption"),
        MeteringPointKind.PRODUCTION: W("tuotanto", "produktion", "production"),
    },
    # Contracts, billing and payments.
    ContractKind: {
        ContractKind.SALES: W("sähkönmyynti", "elförsäljning", "electricity sales"),
        ContractKind.NETWORK: W("sähköverkko", "elnät", "electricity network"),
    },
    EndReason: {
        EndReason.MOVED_OUT: W("muutto pois", "utflyttning", "moved out"),
        EndReason.SWITCHED_SUPPLIER: W(
            "sähkönmyyjän vaihto", "byte av elleverantör", "switched supplier"
        ),
        EndReason.TERMINATED_BY_CUSTOMER: W(
            "asiakas irtisanoi", "kunden sade upp", "terminated by the customer"
        ),
        EndReason.TERMINATED_BY_RETAILER: W(
            "myyjä irtisanoi", "leverantören sade upp", "terminated by the retailer"
        ),
        EndReason.DECEASED: W(
            "kuolinpesä päätti", "dödsboet avslutade", "ended by the estate after death"
        ),
        EndReason.FIXED_TERM_ENDED: W(
            "määräaika päättyi", "den fasta perioden löpte ut", "fixed term ended"
        ),
    },
    BillingRhythm: {
        BillingRhythm.MONTHLY: W("kuukausittain", "månatligen", "monthly"),
        BillingRhythm.BIMONTHLY: W("joka toinen kuukausi", "varannan månad", "every two months"),
        BillingRhythm.QUARTERLY: W("neljännesvuosittain", "kvartalsvis", "quarterly"),
    },
    BillingMethod: {
        BillingMethod.E_INVOICE: W("e-lasku", "e-faktura", "e-invoice"),
        BillingMethod.DIRECT_PAYMENT: W("suoramaksu", "direktbetalning", "direct payment"),
        BillingMethod.EMAIL: W("sähköposti", "e-post", "e-mail"),
        BillingMethod.PAPER: W("paperilasku", "pappersfaktura", "paper invoice"),
    },
    InvoiceStatus: {
        InvoiceStatus.OPEN: W("avoin", "öppen", "open"),
        InvoiceStatus.PAID: W("maksettu", "betald", "paid"),
        InvoiceStatus.IN_COLLECTION: W("perinnässä", "under indrivning", "in collection"),
        InvoiceStatus.CANCELLED: W("mitätöity", "makulerad", "cancelled"),
    },
    ContactRole: {
        ContactRole.CONTACT: W("yhteyshenkilö", "kontaktperson", "contact"),
        ContactRole.SIGNATORY: W("allekirjoittaja", "firmatecknare", "signatory"),
        ContactRole.INVOICE_RECEIVER: W(
            "laskun vastaanottaja", "fakturamottagare", "invoice receiver"
        ),
    },
    SalesCall: {
        SalesCall.INBOUND: W("asiakas soitti", "kunden ringde", "the customer called"),
        SalesCall.OUTBOUND: W("me soitimme", "vi ringde", "we called"),
    },
    WrittenHow: {
        WrittenHow.EMAIL: W("sähköposti", "e-post", "e-mail"),
        WrittenHow.LETTER: W("kirje", "brev", "letter"),
        WrittenHow.SMS: W("tekstiviesti", "textmeddelande", "text message"),
        WrittenHow.SELF_SERVICE: W("verkkoasiointi", "e-tjänsten", "online service"),
        WrittenHow.SIGNED: W("allekirjoitettu", "undertecknat", "signed"),
    },
    CreditDecision: {
        CreditDecision.ACCEPT: W("hyväksytty", "godkänd", "accepted"),
        CreditDecision.DEPOSIT: W("vakuus vaaditaan", "säkerhet krävs", "deposit required"),
        CreditDecision.REFUSE: W("hylätty", "avslagen", "refused"),
    },
    ReviewOutcome: {
        ReviewOutcome.UPHELD: W("päätös pysyy", "beslutet står fast", "decision upheld"),
        ReviewOutcome.ACCEPTED: W(
            "hyväksytty ilman vakuutta", "godkänd utan säkerhet", "accepted without a deposit"
        ),
        ReviewOutcome.DEPOSIT_CHANGED: W(
            "vakuutta muutettu", "säkerheten ändrad", "deposit changed"
        ),
    },
    # Customer service.
    ServiceChannel: {
        ServiceChannel.PHONE: W("puhelin", "telefon", "phone"),
        ServiceChannel.EMAIL: W("sähköposti", "e-post", "e-mail"),
        ServiceChannel.CHAT: W("chat", "chatt", "chat"),
        ServiceChannel.SMS: W("tekstiviesti", "textmeddelande", "text message"),
        ServiceChannel.LETTER: W("kirje", "brev", "letter"),
        ServiceChannel.VISIT: W("käynti", "besök", "visit"),
        ServiceChannel.WEB: W("verkkosivut", "webbplatsen", "website"),
        ServiceChannel.SURVEY: W("kysely", "enkät", "survey"),
    },
    Direction: {
        Direction.INBOUND: W("asiakkaalta", "från kunden", "from the customer"),
        Direction.OUTBOUND: W("asiakkaalle", "till kunden", "to the customer"),
    },
    RepresentativeKind: {
        RepresentativeKind.GUARDIAN: W("edunvalvoja", "intressebevakare", "guardian"),
        RepresentativeKind.ESTATE_CONTACT: W(
            "kuolinpesän yhteyshenkilö", "dödsboets kontaktperson", "estate contact"
        ),
        RepresentativeKind.POWER_OF_ATTORNEY: W(
            "valtuutettu", "fullmaktshavare", "holder of a power of attorney"
        ),
    },
    Power: {
        Power.SEE_DATA: W("saa tiedot", "får uppgifterna", "may see the data"),
        Power.RIGHTS_REQUESTS: W(
            "tekee tietosuojapyyntöjä",
            "gör dataskyddsbegäranden",
            "makes data-protection requests",
        ),
        Power.MANAGE_CONTRACT: W("hoitaa sopimuksia", "sköter avtal", "manages contracts"),
        Power.RECEIVE_MAIL: W(
            "vastaanottaa laskut ja kirjeet", "tar emot fakturor och brev", "receives mail"
        ),
    },
    Evidence: {
        Evidence.COURT_DECISION: W("tuomioistuimen päätös", "domstolsbeslut", "court decision"),
        Evidence.GUARDIANSHIP_REGISTER: W(
            "holhousasioiden rekisterin ote",
            "utdrag ur registret över förmyndarskapsärenden",
            "guardianship register extract",
        ),
        Evidence.ESTATE_INVENTORY: W("perukirja", "bouppteckning", "estate inventory"),
        Evidence.ESTATE_AUTHORISATION: W(
            "osakkaiden valtakirja", "delägarnas fullmakt", "estate shareholders' authorisation"
        ),
        Evidence.POWER_OF_ATTORNEY: W("valtakirja", "fullmakt", "power of attorney"),
    },
    # Data subject requests (the DPO desk's words).
    RequestKind: {
        RequestKind.ACCESS: W("Tietojen tarkastus", "Insyn i uppgifterna", "Access to the data"),
        RequestKind.RECTIFICATION: W("Oikaisu", "Rättelse", "Rectification"),
        RequestKind.OBJECTION: W("Vastustaminen", "Invändning", "Objection"),
        RequestKind.RESTRICTION: W(
            "Käsittelyn rajoittaminen", "Begränsning av behandling", "Restriction of processing"
        ),
        RequestKind.PORTABILITY: W("Siirto-oikeus", "Dataportabilitet", "Data portability"),
        RequestKind.ERASURE: W("Poistaminen", "Radering", "Erasure"),
    },
    ReceivedHow: {
        ReceivedHow.SIGNED_LETTER: W("allekirjoitettu kirje", "undertecknat brev", "signed letter"),
        ReceivedHow.IN_PERSON: W("henkilökohtaisesti", "personligen", "in person"),
        ReceivedHow.STRONG_IDENTIFICATION: W(
            "vahva sähköinen tunnistus",
            "stark elektronisk identifiering",
            "strong electronic identification",
        ),
        ReceivedHow.EMAIL: W("sähköposti", "e-post", "e-mail"),
        ReceivedHow.WEB_FORM: W("verkkolomake", "webbformuläret", "the web form"),
    },
    VerifiedHow: {
        VerifiedHow.IDENTITY_DOCUMENT: W(
            "henkilöllisyystodistus tarkistettu",
            "identitetshandling kontrollerad",
            "identity document checked",
        ),
        VerifiedHow.STRONG_IDENTIFICATION: W(
            "vahva sähköinen tunnistus",
            "stark elektronisk identifiering",
            "strong electronic identification",
        ),
        VerifiedHow.SIGNATURE_MATCHED: W(
            "allekirjoitus verrattu", "namnteckningen jämförd", "signature compared"
        ),
        VerifiedHow.CALLBACK_TO_KNOWN_NUMBER: W(
            "soitto takaisin meille tunnettuun numeroon",
            "återuppringning till ett nummer vi känner till",
            "call back to a number known to us",
        ),
    },
    RequestState: {
        RequestState.RECEIVED: W(
            "vastaanotettu, henkilöllisyys varmistamatta",
            "mottagen, identiteten inte kontrollerad",
            "received, identity not verified",
        ),
        RequestState.VERIFIED: W(
            "henkilöllisyys varmistettu", "identiteten kontrollerad", "identity verified"
        ),
        RequestState.IN_PROGRESS: W("käsittelyssä", "under behandling", "in progress"),
        RequestState.FULFILLED: W("toteutettu", "verkställd", "fulfilled"),
        RequestState.REJECTED: W("evätty", "avslagen", "rejected"),
        RequestState.CLOSED: W("suljettu", "stängd", "closed"),
    },
    ChargeDecision: {
        ChargeDecision.NONE: W("maksuton", "avgiftsfri", "free of charge"),
        ChargeDecision.WAIVED: W("maksusta luovuttu", "avgiften efterskänkt", "fee waived"),
        ChargeDecision.CHARGED: W("kohtuullinen maksu", "skälig avgift", "reasonable fee charged"),
        ChargeDecision.EXCESSIVE: W(
            "kohtuuton pyyntö: maksu", "orimlig begäran: avgift", "excessive request: fee"
        ),
        ChargeDecision.REFUSED: W(
            "kohtuuton pyyntö: ei toteuteta",
            "orimlig begäran: verkställs inte",
            "excessive request: refused",
        ),
    },
    # Marketing: who may be contacted, and why not.
    AudiencePurpose: {
        AudiencePurpose.OWN_MARKETING: W(
            "Oma suoramarkkinointi ja etämyynti",
            "Egen direktmarknadsföring och distansförsäljning",
            "Our own direct marketing and distance selling",
        ),
        AudiencePurpose.GROUP_MARKETING: W(
            "Konserniyhtiöiden suoramarkkinointi",
            "Koncernbolagens direktmarknadsföring",
            "The group companies' direct marketing",
        ),
        AudiencePurpose.RESEARCH: W(
            "Markkina- ja mielipidetutkimukset",
            "Marknads- och opinionsundersökningar",
            "Market and opinion research",
        ),
        AudiencePurpose.NEWSLETTER: W("Uutiskirje", "Nyhetsbrev", "Newsletter"),
        AudiencePurpose.MAGAZINE: W("Asiakaslehti", "Kundtidning", "Customer magazine"),
        AudiencePurpose.RENEWAL_OFFER: W(
            "Päättyvän määräaikaisen sopimuksen uusintatarjous",
            "Förnyelseerbjudande för ett tidsbundet avtal som löper ut",
            "Renewal offer of an expiring fixed-term contract",
        ),
    },
    Exclusion: {
        Exclusion.DECEASED: W("Kuollut", "Avliden", "Deceased"),
        Exclusion.RESTRICTED: W(
            "Käsittely rajoitettu", "Behandling begränsad", "Processing restricted"
        ),
        Exclusion.NON_DISCLOSURE: W(
            "Turvakielto", "Spärrmarkering", "Non-disclosure for personal safety"
        ),
        Exclusion.OBJECTION: W("Kieltänyt", "Förbjudit", "Objected"),
        Exclusion.WITHDRAWN: W("Perunut", "Återkallat", "Withdrawn"),
        Exclusion.CONSENT_EXPIRED: W(
            "Suostumus vanhentunut", "Samtycket har gått ut", "Consent expired"
        ),
        Exclusion.NO_CONSENT: W("Ei suostumusta", "Inget samtycke", "No consent"),
        Exclusion.NOT_SUBSCRIBED: W("Ei tilaajana", "Inte prenumerant", "Not subscribed"),
        Exclusion.NO_EXPIRING_CONTRACT: W(
            "Ei päättyvää sopimusta", "Inget avtal som löper ut", "No expiring contract"
        ),
        Exclusion.ASML_BAN: W("ASML-kielto", "ASML-spärr", "ASML ban"),
        Exclusion.MISSING_CONTACT_POINT: W(
            "Ei yhteystietoa", "Ingen kontaktuppgift", "No contact point"
        ),
        Exclusion.PROFILING_OBJECTION: W(
            "Vastustanut profilointia", "Motsatt sig profilering", "Objected to profiling"
        ),
        Exclusion.NOT_IN_SEGMENT: W("Ei segmentissä", "Inte i segmentet", "Not in the segment"),
        Exclusion.FREQUENCY_CAP: W("Yhteydenottokatto", "Kontakttak", "Frequency cap"),
    },
    SegmentField: {
        # As the catalogue names the site's attributes (the person page's labels).
        SegmentField.HEATING_TYPE: W("lämmitysmuoto", "uppvärmningsform", "heating type"),
        SegmentField.HOUSING_TYPE: W("asumismuoto", "boendeform", "housing type"),
        SegmentField.CONSUMPTION_KWH: W(
            "vuosikulutusarvio (kWh)",
            "uppskattad årsförbrukning (kWh)",
            "estimated yearly consumption (kWh)",
        ),
        SegmentField.MEASURED_KWH: W(
            "mitattu kulutus 12 kk (kWh)",
            "uppmätt förbrukning 12 mån (kWh)",
            "metered consumption, 12 months (kWh)",
        ),
        SegmentField.CONTRACT_ENDING_WITHIN_DAYS: W(
            "sopimus päättyy (päivää)", "avtalet löper ut (dagar)", "contract ends within (days)"
        ),
        SegmentField.LANGUAGE: W("äidinkieli", "modersmål", "mother tongue"),
        SegmentField.PERSON_KIND: W("asiakastyyppi", "kundtyp", "kind of customer"),
    },
    BanKind: {
        BanKind.POSTAL: W("osoitteellinen posti", "adresserad post", "addressed mail"),
        BanKind.PHONE: W("puhelinmyynti", "telefonförsäljning", "telephone sales"),
    },
    # Disclosures and transfers.
    RecipientKind: {
        RecipientKind.PARTNER: W("yhteistyökumppani", "samarbetspartner", "partner"),
        RecipientKind.SUBSIDIARY: W("tytäryhtiö", "dotterbolag", "subsidiary"),
        RecipientKind.SERVICE_PROVIDER: W(
            "palveluntuottaja", "tjänsteleverantör", "service provider"
        ),
        RecipientKind.SUBCONTRACTOR: W("alihankkija", "underleverantör", "subcontractor"),
        RecipientKind.AUTHORITY: W("viranomainen", "myndighet", "authority"),
        RecipientKind.CREDIT_REFERENCE: W(
            "luottotietoyhtiö", "kreditupplysningsföretag", "credit reference agency"
        ),
        RecipientKind.COLLECTION_AGENCY: W("perintätoimisto", "inkassobyrå", "collection agency"),
        RecipientKind.RESEARCH_INSTITUTE: W(
            "tutkimuslaitos", "forskningsinstitut", "research institute"
        ),
    },
    Safeguard: {
        Safeguard.ADEQUACY: W(
            "komission tietosuojan riittävyyttä koskeva päätös",
            "kommissionens beslut om adekvat skyddsnivå",
            "Commission adequacy decision",
        ),
        Safeguard.SCC: W(
            "vakiosopimuslausekkeet", "standardavtalsklausuler", "standard contractual clauses"
        ),
        Safeguard.BCR: W(
            "yritystä koskevat sitovat säännöt",
            "bindande företagsbestämmelser",
            "binding corporate rules",
        ),
    },
    DisclosureKind: {
        DisclosureKind.ASIAKASTIETO: W(
            "maksuhäiriöseuranta (Suomen Asiakastieto Oy)",
            "uppföljning av betalningsstörningar (Suomen Asiakastieto Oy)",
            "payment-default monitoring (Suomen Asiakastieto Oy)",
        ),
        DisclosureKind.CREDIT_CHECK: W(
            "luottotietokysely", "kreditupplysningsförfrågan", "credit information query"
        ),
        DisclosureKind.COLLECTION: W("perintä", "indrivning", "collection"),
        DisclosureKind.GROUP_MARKETING: W(
            "konsernin markkinointi", "koncernens marknadsföring", "group marketing"
        ),
        DisclosureKind.AUTHORITY: W(
            "viranomaisen pyyntö", "myndighetens begäran", "authority's request"
        ),
        DisclosureKind.RECORDING_LOAN: W(
            "puhelutallenteiden laina tutkimukseen",
            "lån av samtalsinspelningar för forskning",
            "loan of call recordings for research",
        ),
        DisclosureKind.OTHER: W("muu luovutus", "annat utlämnande", "other disclosure"),
    },
    # Breaches.
    BreachKind: {
        BreachKind.CONFIDENTIALITY: W(
            "luottamuksellisuuden loukkaus", "brott mot konfidentialiteten", "confidentiality"
        ),
        BreachKind.INTEGRITY: W("eheyden loukkaus", "brott mot riktigheten", "integrity"),
        BreachKind.AVAILABILITY: W(
            "saatavuuden menetys", "förlust av tillgänglighet", "availability"
        ),
    },
    BreachState: {
        BreachState.OPEN: W("avoin", "öppen", "open"),
        BreachState.OVERDUE: W("myöhässä", "försenad", "overdue"),
        BreachState.NOTIFIED: W(
            "ilmoitettu tietosuojavaltuutetulle",
            "anmäld till dataombudsmannen",
            "Ombudsman notified",
        ),
        BreachState.NOTIFIED_LATE: W(
            "ilmoitettu tietosuojavaltuutetulle myöhässä",
            "anmäld till dataombudsmannen för sent",
            "Ombudsman notified late",
        ),
        BreachState.NOT_NOTIFIABLE: W(
            "ilmoitusta ei tarvita", "ingen anmälan behövs", "no notification needed"
        ),
    },
    Risk: {
        Risk.NONE: W("ei riskiä", "ingen risk", "no risk"),
        Risk.RISK: W("riski", "risk", "risk"),
        Risk.HIGH: W("suuri riski", "hög risk", "high risk"),
    },
    # Meters and the market.
    EventKind: {
        EventKind.CONTRACT_START: W("sopimus alkaa", "avtalet börjar", "contract starts"),
        EventKind.CONTRACT_END: W("sopimus päättyy", "avtalet upphör", "contract ends"),
        EventKind.MOVE_IN: W("muutto sisään", "inflyttning", "moved in"),
        EventKind.MOVE_OUT: W("muutto pois", "utflyttning", "moved out"),
        EventKind.SWITCH_IN: W("myyjänvaihto meille", "leverantörsbyte till oss", "switched to us"),
        EventKind.SWITCH_OUT: W(
            "myyjänvaihto muualle", "leverantörsbyte från oss", "switched away"
        ),
        EventKind.METERING_POINT: W(
            "käyttöpaikan tiedot muuttuivat",
            "mätpunktens uppgifter ändrades",
            "metering point details changed",
        ),
    },
    Quality: {
        Quality.OK: W("mitattu", "uppmätt", "measured"),
        Quality.ESTIMATED: W("arvioitu", "uppskattad", "estimated"),
        Quality.REVISED: W("korjattu", "korrigerad", "revised"),
        Quality.CALCULATED: W("laskettu", "beräknad", "calculated"),
        Quality.UNCERTAIN: W("epävarma", "osäker", "uncertain"),
        Quality.MISSING: W("puuttuu", "saknas", "missing"),
    },
}

# Enums of the catalogue (a layer above the domain, which the domain may not import), keyed by
# their full name: the retention rules' anchors and what erasure does.
_ABOVE: dict[str, Mapping[str, Words]] = {
    "rekisteri.catalogue.model.Anchor": {
        "relationship_end": W(
            "asiakassuhteen päättymisestä",
            "från kundrelationens slut",
            "from the end of the customer relationship",
        ),
        "contract_end": W(
            "sopimuksen päättymisestä", "från avtalets slut", "from the end of the contract"
        ),
        "recorded": W("tallentamisesta", "från registreringen", "from when it was recorded"),
    },
    "rekisteri.catalogue.model.OnErasure": {
        "erase": W("poistetaan pyynnöstä", "raderas på begäran", "erased on request"),
        "keep_restricted": W(
            "säilytetään rajoitettuna lain vuoksi",
            "sparas begränsat enligt lag",
            "kept restricted as the law requires",
        ),
    },
}


def words_of(value: Enum) -> Words:
    """The member's words in all three languages; KeyError for a member without words (a test
    keeps every member of every enum worded)."""
    kind = type(value)
    table = _WORDS.get(kind)
    if table is not None:
        return table[value]
    return _ABOVE[f"{kind.__module__}.{kind.__qualname__}"][value.value]


def value_word(value: Enum, lang: Lang | str) -> str:
    """A code's words in `lang`: `HeatingType.WOOD` in Finnish is "puulämmitys"."""
    return words_of(value).in_(lang)


def worded_enums() -> tuple[type[Enum], ...]:
    """The enums of the domain that have words here (the test walks the modules for the rest)."""
    return tuple(_WORDS)


def worded_above() -> tuple[str, ...]:
    """The full names of the catalogue's enums that have words here."""
    return tuple(_ABOVE)


# The coded columns of the register's tables, by (table, column): what enum a stored text is a
# value of. Those of personal attributes checked by a choice rule follow from the rule
# (domain/attribute_rules); the rest, whose values the services set, are listed here. A
# consent's channel may also be "any" (a purpose on every channel).
_COLUMNS: dict[tuple[str, str], type[Enum]] = {
    **choice_columns(),
    ("contract", "kind"): ContractKind,
    ("contract", "end_reason"): EndReason,
    ("contract", "sales_call"): SalesCall,
    ("contact_person", "role"): ContactRole,
    ("representative", "powers"): Power,
    ("consent_event", "purpose"): ConsentPurpose,
    ("consent_event", "channel"): Channel,
    ("consent_event", "event"): ConsentEventKind,
    ("consent_event", "captured_how"): CaptureMethod,
    ("consent_state", "purpose"): ConsentPurpose,
    ("consent_state", "channel"): Channel,
    ("consent_state", "event"): ConsentEventKind,
    ("rights_request", "kind"): RequestKind,
    ("rights_request", "received_how"): ReceivedHow,
    ("rights_request", "state"): RequestState,
    ("rights_request", "verified_how"): VerifiedHow,
    ("rights_request", "charge_decision"): ChargeDecision,
    ("recipient_notification", "event"): RequestKind,
    ("disclosure", "kind"): DisclosureKind,
    ("disclosure", "purpose"): Purpose,
    ("disclosure", "legal_basis"): LawfulBasis,
    ("disclosure", "categories"): Category,
    ("audit_entry", "role"): Role,
    ("audit_entry", "purpose"): Purpose,
    ("audit_entry", "categories"): Category,
    ("marketing_ban", "kind"): BanKind,
    ("marketing_ban_match", "channel"): Channel,
    ("marketing_contact", "purpose"): AudiencePurpose,
    ("marketing_contact", "channel"): Channel,
    ("breach_subject", "categories"): Category,
    ("breach_subject", "notice_channel"): Channel,
    ("breach_subject", "notice_lang"): Lang,
    ("credit_check", "decision"): CreditDecision,
}
_ANY_CHANNEL = CHANNEL_WORDS[ANY_CHANNEL]

# The actor name of the person acting on their own data (the preference centre).
_THE_PERSON = {"person": W("henkilö itse", "personen själv", "the person themself")}

# How the access package's notice went, or how the DPO handed the package over instead.
_DELIVERY_WAYS = {
    "email": W("sähköposti", "e-post", "e-mail"),
    "letter": W("kirje", "brev", "letter"),
    "in_person": W("henkilökohtaisesti", "personligen", "in person"),
}

# Coded columns whose codes are no enum of the domain (the audit trail's own words).
_TEXT_COLUMNS: dict[tuple[str, str], Mapping[str, Words]] = {
    ("package_delivery", "notice"): _DELIVERY_WAYS,
    ("package_delivery", "handed_over"): _DELIVERY_WAYS,
    ("audit_entry", "actor"): _THE_PERSON,
    ("consent_event", "captured_by"): _THE_PERSON,
    ("audit_entry", "action"): {
        "read": W("luku", "läsning", "read"),
        "change": W("muutos", "ändring", "change"),
        "lookup": W("haku", "sökning", "lookup"),
        "login": W("kirjautuminen", "inloggning", "login"),
    },
    ("payment", "method"): {
        "bank_transfer": W("tilisiirto", "kontoöverföring", "bank transfer"),
    },
    ("audit_entry", "outcome"): {
        "allowed": W("sallittu", "tillåten", "allowed"),
        "denied": W("estetty", "nekad", "denied"),
    },
}


def coded_columns() -> Mapping[tuple[str, str], type[Enum]]:
    """Every coded column, (table, column) -> its enum."""
    return _COLUMNS


def column_value_word(table: str, column: str, value: str, lang: Lang | str) -> str:
    """The words of `value` stored in `table.column`, in `lang`. A column that holds no code
    (a name, a street) gives the value back as it is: it is the person's data, not a code."""
    enum = _COLUMNS.get((table, column))
    if enum is None:
        texts = _TEXT_COLUMNS.get((table, column), {})
        return texts[value].in_(lang) if value in texts else value
    if enum is Channel and value == ANY_CHANNEL:
        return _ANY_CHANNEL.in_(lang)
    try:
        member = enum(value)
    except ValueError:
        return value  # a value the enum does not know: shown as stored, never hidden
    return value_word(member, lang)


def segment_rule_words(rule: SegmentRule, lang: Lang | str) -> str:
    """A segment's rule as a reader says it: "lämmitysmuoto: lämpöpumppu, sähkölämmitys"
    rather than `heating_type=electric,heat_pump` (the form programs and the CLI keep)."""
    field = value_word(rule.field, lang)
    enum = SEGMENT_CHOICES.get(rule.field)
    if enum is not None:
        return f"{field}: {', '.join(value_word(enum(c), lang) for c in rule.choices)}"
    if rule.field in SEGMENT_BANDS:
        low = "" if rule.minimum is None else str(rule.minimum)
        high = "" if rule.maximum is None else str(rule.maximum)
        return f"{field}: {low}–{high}"
    return f"{field}: {rule.days}"

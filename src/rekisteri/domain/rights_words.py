"""The fixed words of the access report and answers, in Finnish, Swedish and English.

Everything about the data itself (what, why, on what basis, from where, how long) comes from the
catalogue; only headings, the recipients of P8 and the rights of the person are written here.
"""

from __future__ import annotations

from rekisteri.domain.vocabulary import Lang, Words

HEADINGS: dict[str, Words] = {
    "title": Words(
        "Rekisteröidyn tiedot: tarkastusoikeus (tietosuoja-asetus 15 art.)",
        "Den registrerades uppgifter: rätt till insyn (dataskyddsförordningen art. 15)",
        "Your data: right of access (GDPR Art. 15)",
    ),
    "generated": Words("Muodostettu", "Skapad", "Generated"),
    "controller": Words("Rekisterinpitäjä", "Personuppgiftsansvarig", "Controller"),
    "data": Words("Sinusta tallennetut tiedot", "Uppgifter som lagrats om dig", "The data we hold"),
    "about": Words(
        "Tietojen käsittely", "Behandlingen av uppgifterna", "How the data is processed"
    ),
    "category": Words("Tietoryhmä", "Uppgiftsgrupp", "Category"),
    "what": Words("Tiedot", "Uppgifter", "What"),
    "purposes": Words("Käyttötarkoitukset", "Ändamål", "Purposes"),
    "basis": Words("Käsittelyn peruste", "Rättslig grund", "Lawful basis"),
    "sources": Words("Tietolähteet", "Källor", "Sources"),
    "retention": Words("Säilytysaika", "Lagringstid", "Retention"),
    "recipients": Words("Vastaanottajat", "Mottagare", "Recipients"),
    "rights": Words("Oikeutesi", "Dina rättigheter", "Your rights"),
    "consumption": Words("Energian kulutus", "Energiförbrukning", "Energy consumption"),
    "no_readings": Words(
        "Rekisterissä ei ole kulutuslukemia sopimuskausiltasi.",
        "Registret har inga mätvärden från dina avtalsperioder.",
        "The register holds no meter readings for your contract periods.",
    ),
    "none": Words("Ei tietoja.", "Inga uppgifter.", "Nothing held."),
    "source": Words("Lähde", "Källa", "Source"),
    "kwh_per_month": Words("kWh kuukaudessa", "kWh per månad", "kWh per month"),
    "open_claims": Words(
        "avoimet laskut: yhteystiedot tarvitaan saatavan perintään (oikeudellinen vaatimus)",
        "öppna fakturor: kontaktuppgifterna behövs för indrivning (rättsliga anspråk)",
        "open invoices: the contact details are needed to collect the claim (legal claims)",
    ),
    "needed_by_record": Words(
        "säilytettävän tietueen pakollinen osa",
        "obligatorisk del av en post som sparas",
        "a required part of a record that is kept",
    ),
    "suppression_what": Words(
        "avainnetut tiivisteet poistetuista yhteystiedoista (markkinoinnin estolista)",
        "nyckelade hashvärden av de raderade kontaktuppgifterna (spärrlista för marknadsföring)",
        "keyed hashes of the erased contact details (the marketing suppression list)",
    ),
    "suppression_why": Words(
        "jotta poistettuja yhteystietoja ei tuoda uudelleen markkinointiin (tietosuoja-asetus 17 "
        "ja 21 art.); tiiviste ei kerro, kenen tieto se on, ja se säilytetään niin kauan kuin "
        "suoramarkkinointia tehdään",
        "så att de raderade kontaktuppgifterna inte förs in i marknadsföringen igen "
        "(dataskyddsförordningen art. 17 och 21); hashvärdet visar inte vems uppgift det är och "
        "sparas så länge direktmarknadsföring bedrivs",
        "so that the erased contact details are not taken into marketing again (GDPR Art. 17 "
        "and 21); a hash does not tell whose detail it is, and it is kept as long as we do "
        "direct marketing",
    ),
    "erasure_title": Words(
        "Tietojesi poistaminen (tietosuoja-asetus 17 art.)",
        "Radering av dina uppgifter (dataskyddsförordningen art. 17)",
        "Erasure of your data (GDPR Art. 17)",
    ),
    "erased_heading": Words("Poistettu", "Raderat", "Erased"),
    # A long list (years of invoices) is shown a record a line, its labels said once above.
    "each_line": Words("Kullakin rivillä", "På varje rad", "Each line gives"),
    "kept_heading": Words(
        "Säilytetään edelleen: mitä, miksi ja mihin asti",
        "Sparas fortfarande: vad, varför och till när",
        "Still kept: what, why and until when",
    ),
    "limited_heading": Words("Poistoa rajoittaa", "Raderingen begränsas av", "Erasure limited by"),
    "until": Words("säilytetään enintään", "sparas högst till", "kept until"),
    "no_end_date": Words(
        "ei kiinteää päättymispäivää", "inget fast slutdatum", "no fixed end date"
    ),
    "recipients_told": Words(
        "Ilmoitamme poistosta niille, joille tietojasi on luovutettu (19 art.)",
        "Vi underrättar dem som fått dina uppgifter om raderingen (art. 19)",
        "We tell those your data was disclosed to of the erasure (Art. 19)",
    ),
    # The access report as a document (issue 18): its parts and fixed phrases.
    "kept_until": Words("Säilytetään asti", "Sparas till", "Kept until"),
    "corrected_readings": Words(
        "Korjatut mittauslukemat", "Korrigerade mätvärden", "Corrected meter readings"
    ),
    "summary": Words(
        "Yhteenveto: mitä tietoja sinusta on, miksi, mistä, kenelle ja kuinka kauan",
        "Sammanfattning: vilka uppgifter vi har om dig, varför, varifrån, till vem och hur länge",
        "Summary: what we hold on you, why, from where, given to whom and for how long",
    ),
    "records": Words("Tietueita", "Poster", "Records"),
    "disclosed_to": Words("Luovutettu", "Utlämnat till", "Disclosed to"),
    "not_disclosed": Words(
        "ei luovutettu kenellekään", "inte utlämnat till någon", "not disclosed to anyone"
    ),
    "not_held": Words("ei tietoja sinusta", "inga uppgifter om dig", "nothing held on you"),
    "while_contract": Words(
        "sopimuksesi voimassaolon ajan, sen jälkeen säilytysajan",
        "så länge ditt avtal gäller, därefter lagringstiden",
        "while your contract runs, then the retention period",
    ),
    "dpo": Words("Tietosuojavastaava", "Dataskyddsombud", "Data protection officer"),
    "business_id": Words("Y-tunnus", "FO-nummer", "Business ID"),
    "phone": Words("Puhelin", "Telefon", "Phone"),
    "email": Words("Sähköposti", "E-post", "E-mail"),
    "address": Words("Osoite", "Adress", "Address"),
    "customer_number": Words("Asiakasnumero", "Kundnummer", "Customer number"),
    "transfers": Words(
        "Siirrot EU:n ja ETA:n ulkopuolelle",
        "Överföringar utanför EU och EES",
        "Transfers outside the EU and EEA",
    ),
    "no_transfers": Words(
        "Tietojasi ei siirretä EU:n tai ETA:n ulkopuolelle.",
        "Dina uppgifter överförs inte utanför EU eller EES.",
        "Your data is not transferred outside the EU or EEA.",
    ),
    "safeguard": Words("Suojatoimi", "Skyddsåtgärd", "Safeguard"),
    "consulted": Words(
        "Milloin ja miksi tietojasi on käsitelty",
        "När och varför dina uppgifter har behandlats",
        "When and why your data was consulted",
    ),
    "consulted_intro": Words(
        "Alla on kuukausittain, kuinka monta kertaa tietojasi on luettu tai muutettu, mihin "
        "tarkoitukseen ja missä tehtävässä. Työntekijöiden henkilöllisyyttä ei kerrota. Jokaisen "
        "käsittelykerran päivä ja tarkoitus ovat liitteenä olevassa JSON-tiedostossa.",
        "Nedan visas per månad hur många gånger dina uppgifter har lästs eller ändrats, för "
        "vilket ändamål och i vilken roll. De anställdas identitet anges inte. Dagen och "
        "ändamålet för varje behandling finns i den bifogade JSON-filen.",
        "Below, month by month: how many times your data was read or changed, for what purpose "
        "and in which role. The employees' identities are not given. The date and purpose of "
        "every consultation are in the attached JSON file.",
    ),
    "month": Words("Kuukausi", "Månad", "Month"),
    "times": Words("Kertaa", "Gånger", "Times"),
    "role": Words("Tehtävä", "Roll", "Role"),
    "purpose": Words("Tarkoitus", "Ändamål", "Purpose"),
    "by_register": Words(
        "rekisteri itse tai sinä itse", "registret självt eller du själv", "the register or you"
    ),
    "no_purpose": Words(
        "rekisterin ylläpito (tiedon tuonti, säilytysaikojen valvonta)",
        "registrets underhåll (import av uppgifter, tillsyn av lagringstider)",
        "running the register (imports, retention checks)",
    ),
    "corrections": Words(
        "Muutetut ja korjatut tiedot",
        "Ändrade och rättade uppgifter",
        "Changed and corrected data",
    ),
    "no_changes": Words(
        "Tietojasi ei ole muutettu.", "Dina uppgifter har inte ändrats.", "No data was changed."
    ),
    "readings_file": Words(
        "Kaikki mittauslukemat ovat liitteenä olevassa CSV-tiedostossa (Datahubin sarakkeet).",
        "Alla mätvärden finns i den bifogade CSV-filen (Datahubs kolumner).",
        "Every meter reading is in the attached CSV file (Datahub's columns).",
    ),
    "site_point": Words("Käyttöpaikka", "Förbrukningsplats", "Metering point"),
    "moved_in": Words("Muutto sisään", "Inflyttning", "Moved in"),
    "moved_out": Words("Muutto pois", "Utflyttning", "Moved out"),
    "monthly_table": Words("Kulutus kuukausittain", "Förbrukning per månad", "Use by month"),
    "kwh": Words("kWh", "kWh", "kWh"),
    "nothing_in": Words(
        "Näistä tietoryhmistä sinusta ei ole tietoja:",
        "I dessa uppgiftsgrupper finns inga uppgifter om dig:",
        "Nothing is held on you in these categories:",
    ),
    "yes": Words("kyllä", "ja", "yes"),
    "no": Words("ei", "nej", "no"),
    "read": Words("luettu", "läst", "read"),
    "change": Words("muutettu", "ändrat", "changed"),
    "lookup": Words("haettu", "sökt", "looked up"),
    "allowed": Words("sallittu", "tillåten", "allowed"),
    "denied": Words("estetty", "nekad", "refused"),
    "page": Words("Sivu", "Sida", "Page"),
    "of_pages": Words("/", "/", "of"),
    "your_data": Words(
        "Sinusta tallennetut tiedot tietoryhmittäin",
        "Uppgifter om dig per uppgiftsgrupp",
        "Your data, category by category",
    ),
    "how_to_use": Words(
        "Oikeutesi ja niiden käyttäminen",
        "Dina rättigheter och hur du använder dem",
        "Your rights and how to use them",
    ),
    "regular_recipients": Words(
        "Säännönmukaiset vastaanottajat", "Regelbundna mottagare", "Regular recipients"
    ),
    "axis_kwh": Words("kWh kuukaudessa", "kWh per månad", "kWh per month"),
    "until_contract_ends": Words(
        "kunnes sopimus päättyy, sen jälkeen säilytysajan",
        "tills avtalet upphör, därefter lagringstiden",
        "until the contract ends, then the retention period",
    ),
}

RECIPIENTS: tuple[Words, ...] = (
    Words(
        "yhteistyökumppanit, tytäryhtiöt, palveluntuottajat ja alihankkijat rekisterin "
        "käyttötarkoituksissa",
        "samarbetspartner, dotterbolag, tjänsteleverantörer och underleverantörer inom "
        "registrets ändamål",
        "partners, subsidiaries, service providers and subcontractors within the register's "
        "purposes",
    ),
    Words(
        "viranomaiset lain edellyttämällä tavalla",
        "myndigheter enligt lag",
        "authorities as the law requires",
    ),
    Words(
        "Suomen Asiakastieto Oy: henkilötunnus ja nimi maksuhäiriöseurantaan, jos sinulla on "
        "omia vastuita",
        "Suomen Asiakastieto Oy: personbeteckning och namn för uppföljning av "
        "betalningsstörningar, om du har egna ansvar",
        "Suomen Asiakastieto Oy: identity code and name for payment-default monitoring, if you "
        "have liabilities of your own",
    ),
    Words("laskutus ja perintä", "fakturering och indrivning", "invoicing and collection"),
    Words(
        "konsernin yhtiöt yhteystietoina suoramarkkinointiin, ellet ole kieltänyt sitä",
        "koncernens bolag som kontaktuppgifter för direktmarknadsföring, om du inte har "
        "förbjudit det",
        "the group's companies, contact details for direct marketing, unless you have forbidden it",
    ),
    Words(
        "tutkimuslaitos: puhelutallenteita asiakaspalvelun arvioimiseen; palautetaan tai "
        "tuhotaan tutkimuksen päätyttyä",
        "forskningsinstitut: samtalsinspelningar för utvärdering av kundtjänsten; returneras "
        "eller förstörs när studien avslutats",
        "a research institute: call recordings for evaluating customer service, returned or "
        "destroyed when the study ends",
    ),
)

RIGHTS: tuple[Words, ...] = (
    Words(
        "Oikeus tarkastaa tietosi ja saada niistä jäljennös (15 art.): ensimmäinen jäljennös on "
        "maksuton; uusista jäljennöksistä voidaan periä kohtuullinen maksu.",
        "Rätt till insyn och en kopia av uppgifterna (art. 15): den första kopian är "
        "kostnadsfri; för ytterligare kopior kan en rimlig avgift tas ut.",
        "Access to your data and a copy of it (Art. 15): the first copy is free; a reasonable "
        "fee may be charged for further copies.",
    ),
    Words(
        "Oikeus vaatia virheellisen tiedon oikaisemista (16 art.).",
        "Rätt att kräva rättelse av felaktiga uppgifter (art. 16).",
        "Rectification of wrong data (Art. 16).",
    ),
    Words(
        "Oikeus tulla unohdetuksi (17 art.) muut lait huomioiden: sopimus- ja laskutustiedot "
        "säilytetään kymmenen vuotta sopimuksen päättymisestä (sähkömarkkinalaki).",
        "Rätt till radering (art. 17) med beaktande av annan lag: avtals- och "
        "faktureringsuppgifter sparas tio år efter avtalets slut (elmarknadslagen).",
        "Erasure (Art. 17), taking other laws into account: contract and billing data are kept "
        "ten years after the contract ended (Electricity Market Act).",
    ),
    Words(
        "Oikeus käsittelyn rajoittamiseen (18 art.).",
        "Rätt till begränsning av behandling (art. 18).",
        "Restriction of processing (Art. 18).",
    ),
    Words(
        "Oikeus siirtää antamasi tiedot ja kulutustietosi järjestelmästä toiseen (20 art.).",
        "Rätt att flytta de uppgifter du lämnat och dina förbrukningsuppgifter (art. 20).",
        "Portability of the data you provided and your consumption data (Art. 20).",
    ),
    Words(
        "Oikeus kieltää suoramainonta, etämyynti, muu suoramarkkinointi, markkina- ja "
        "mielipidetutkimus sekä profilointi (21 art.).",
        "Rätt att förbjuda direktreklam, distansförsäljning, annan direktmarknadsföring, "
        "marknads- och opinionsundersökningar samt profilering (art. 21).",
        "Objection to direct advertising, distance selling, other direct marketing, market and "
        "opinion research, and profiling (Art. 21).",
    ),
    Words(
        "Oikeus tehdä valitus tietosuojavaltuutetulle (tietosuoja.fi).",
        "Rätt att klaga hos dataombudsmannen (tietosuoja.fi).",
        "Complaint to the Data Protection Ombudsman (tietosuoja.fi).",
    ),
)


def word(key: str, lang: Lang | str) -> str:
    """A heading or fixed word of the report in `lang`."""
    return HEADINGS[key].in_(lang)

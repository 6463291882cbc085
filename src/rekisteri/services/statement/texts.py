"""The fixed sentences of the privacy statement (P17) in Finnish, Swedish and English.

Everything that varies with the register (categories, purposes, sources, retention, readers,
recipients, cookies, the controller's details) comes from the catalogue and the settings; these
are the sentences around them, written after seeds 002 and 004. Placeholders are str.format
fields filled by services/statement/notice.py. Sections 1-6 are here; 7-9 in sharing_texts.py,
rights and cookies in rights_texts.py.
"""

from __future__ import annotations

from rekisteri.domain.vocabulary import Lang, Words
from rekisteri.services.statement.rights_texts import RIGHTS_TEXTS
from rekisteri.services.statement.sharing_texts import SHARING_TEXTS

OPENING_TEXTS: dict[str, Words] = {
    "title": Words("Tietosuojaseloste", "Dataskyddsbeskrivning", "Privacy statement"),
    "subtitle": Words(
        "EU:n yleinen tietosuoja-asetus (2016/679), 13 ja 14 artikla",
        "EU:s allmänna dataskyddsförordning (2016/679), artiklarna 13 och 14",
        "EU General Data Protection Regulation (2016/679), Articles 13 and 14",
    ),
    "updated": Words("Päivitetty", "Uppdaterad", "Last updated"),
    # -- section titles, in the order of seeds 002 and 004
    "s.controller": Words("Rekisterinpitäjä", "Personuppgiftsansvarig", "Controller"),
    "s.contact": Words(
        "Yhteyshenkilö ja tietosuojavastaava",
        "Kontaktperson och dataskyddsombud",
        "Contact person and data protection officer",
    ),
    "s.register": Words("Rekisterin nimi", "Registrets namn", "Name of the register"),
    "s.purposes": Words(
        "Henkilötietojen käsittelyn tarkoitus ja oikeusperuste",
        "Ändamålet med behandlingen av personuppgifter och den rättsliga grunden",
        "Purposes of processing and their lawful basis",
    ),
    "s.content": Words("Rekisterin tietosisältö", "Registrets datainnehåll", "Data content"),
    "s.sources": Words(
        "Säännönmukaiset tietolähteet",
        "Regelmässiga uppgiftskällor",
        "Regular sources of data",
    ),
    "s.disclosures": Words(
        "Tietojen säännönmukaiset luovutukset ja siirrot EU:n tai ETA:n ulkopuolelle",
        "Regelmässiga utlämnanden av uppgifter och överföringar utanför EU eller EES",
        "Regular disclosures and transfers outside the EU or EEA",
    ),
    "s.retention": Words("Tietojen säilytysaika", "Lagringstid", "How long data is kept"),
    "s.security": Words(
        "Rekisterin suojauksen periaatteet",
        "Principer för skyddet av registret",
        "How the register is protected",
    ),
    "s.rights": Words(
        "Rekisteröidyn oikeudet ja niiden käyttäminen",
        "Den registrerades rättigheter och hur de används",
        "Your rights and how to use them",
    ),
    "s.cookies": Words("Evästeet", "Kakor (cookies)", "Cookies"),
    # -- 1. controller, 2. contact
    "phone": Words("Puh. {phone}", "Tfn {phone}", "Tel. {phone}"),
    "business_id": Words("Y-tunnus {id}", "FO-nummer {id}", "Business ID {id}"),
    "contact.intro": Words(
        "Rekisteriä koskevissa asioissa voit ottaa yhteyttä tietosuojavastaavaamme:",
        "I frågor som gäller registret kan du kontakta vårt dataskyddsombud:",
        "For matters concerning the register, please contact our data protection officer:",
    ),
    "contact.dpo": Words(
        "{controller}, tietosuojavastaava",
        "{controller}, dataskyddsombudet",
        "{controller}, Data Protection Officer",
    ),
    "contact.service": Words(
        "Asiakaspalvelu: puh. {phone}, arkisin klo {hours}",
        "Kundtjänst: tfn {phone}, vardagar kl. {hours}",
        "Customer service: tel. {phone}, weekdays {hours}",
    ),
    # -- 3. register name (right for names ending in a legal form such as Oy or Ab; any other
    # name is set whole with REKISTERI_REGISTER_NAME_FI/_SV/_EN)
    "register.default": Words(
        "{controller}:n asiakasrekisteri",
        "{controller}:s kundregister",
        "Customer register of {controller}",
    ),
    # -- 4. purposes and lawful bases
    "purposes.intro": Words(
        "Käsittelemme nykyisten, entisten ja potentiaalisten asiakkaidemme henkilötietoja "
        "seuraaviin tarkoituksiin:",
        "Vi behandlar personuppgifter om våra nuvarande, tidigare och potentiella kunder för "
        "följande ändamål:",
        "We process the personal data of our current, former and potential customers for the "
        "following purposes:",
    ),
    "purposes.basis": Words(
        "Oikeusperuste: {bases}",
        "Rättslig grund: {bases}",
        "Lawful basis: {bases}",
    ),
    "bases.heading": Words(
        "Mihin käsittely perustuu",
        "Vad behandlingen grundar sig på",
        "What the processing rests on",
    ),
    "basis.contract": Words(
        "käsittely on tarpeen asiakkaan kanssa tehdyn sopimuksen täyttämiseksi tai sopimusta "
        "edeltävien toimenpiteiden toteuttamiseksi (tietosuoja-asetuksen 6 artiklan 1 kohdan "
        "b alakohta)",
        "behandlingen är nödvändig för att fullgöra ett avtal med kunden eller för att vidta "
        "åtgärder innan ett avtal ingås (artikel 6.1 b i dataskyddsförordningen)",
        "processing is necessary to perform a contract with the customer or to take steps "
        "before entering into one (GDPR Art. 6(1)(b))",
    ),
    "basis.legal_obligation": Words(
        "käsittely on tarpeen lakisääteisen velvoitteen noudattamiseksi, esimerkiksi "
        "sähkömarkkinalain ja kirjanpitolain nojalla (6 artiklan 1 kohdan c alakohta)",
        "behandlingen är nödvändig för att fullgöra en rättslig förpliktelse, till exempel "
        "enligt elmarknadslagen och bokföringslagen (artikel 6.1 c)",
        "processing is necessary to meet a legal obligation, for example under the Electricity "
        "Market Act and the Accounting Act (Art. 6(1)(c))",
    ),
    "basis.legitimate_interest": Words(
        "käsittely perustuu asiakassuhteesta syntyvään oikeutettuun etuumme, jota on punnittu "
        "rekisteröidyn oikeuksia vasten (6 artiklan 1 kohdan f alakohta)",
        "behandlingen grundar sig på vårt berättigade intresse som följer av kundrelationen, "
        "avvägt mot den registrerades rättigheter (artikel 6.1 f)",
        "processing rests on our legitimate interest arising from the customer relationship, "
        "weighed against your rights (Art. 6(1)(f))",
    ),
    "basis.consent": Words(
        "olet antanut suostumuksesi; voit peruuttaa sen milloin tahansa (6 artiklan 1 kohdan "
        "a alakohta)",
        "du har gett ditt samtycke; du kan återkalla det när som helst (artikel 6.1 a)",
        "you have given your consent, which you may withdraw at any time (Art. 6(1)(a))",
    ),
    "purposes.marketing": Words(
        "Suoramarkkinoimme sähköpostitse, kirjeitse ja puhelimitse muutamia kertoja vuodessa "
        "(enintään {per_year} kertaa), joten viestivyöryä ei synny. Sähköiseen "
        "suoramarkkinointiin, kuten sähköpostiin ja tekstiviestiin, pyydämme aina nimenomaisen "
        "suostumuksesi. Asiakasviestintä, kuten asiakaslehti, tilaamasi uutiskirje tai "
        "määräaikaisen sopimuksen uusintatarjous, ei ole suoramarkkinointia.",
        "Vi bedriver direktmarknadsföring per e-post, brev och telefon några gånger om året "
        "(högst {per_year} gånger), så det blir ingen flod av meddelanden. För elektronisk "
        "direktmarknadsföring, som e-post och sms, ber vi alltid om ditt uttryckliga samtycke. "
        "Kundkommunikation, till exempel kundtidningen, ett nyhetsbrev som du har beställt "
        "eller ett förnyelseerbjudande för ett tidsbundet avtal, är inte direktmarknadsföring.",
        "We send direct marketing by e-mail, letter and phone a few times a year (at most "
        "{per_year} times), so there is no flood of messages. For electronic direct marketing, "
        "such as e-mail and text messages, we always ask for your explicit consent. Customer "
        "communication, such as the customer magazine, a newsletter you ordered or the renewal "
        "offer of a fixed-term contract, is not direct marketing.",
    ),
    "purposes.profiling": Words(
        "Profiloinnilla tarkoitetaan henkilötietojen automaattista käsittelyä, jossa "
        "analysoidaan tai ennakoidaan esimerkiksi henkilön käyttäytymistä, kiinnostuksen "
        "kohteita, taloudellista tilannetta ja mieltymyksiä. Sen perusteella muodostamme "
        "asiakasluokitteluja ja kohderyhmiä markkinoinnin kohdentamiseksi. Profiloinnin "
        "oikeusperuste on {bases} (ks. alla), eikä sen perusteella tehdä päätöksiä, joilla "
        "olisi sinulle oikeusvaikutuksia.",
        "Med profilering avses automatisk behandling av personuppgifter i syfte att analysera "
        "eller förutse till exempel en persons beteende, intressen, ekonomiska situation och "
        "preferenser. Utifrån den skapar vi kundklassificeringar och målgrupper för att rikta "
        "marknadsföringen. Den rättsliga grunden för profileringen är {bases} (se nedan), och "
        "den leder inte till beslut som har rättsliga följder för dig.",
        "Profiling means the automatic processing of personal data to analyse or predict, for "
        "example, a person's behaviour, interests, economic situation and preferences. From it "
        "we build customer classifications and target groups to direct our marketing. "
        "The lawful basis of profiling is {bases} (see below), and no decision with legal "
        "effects on you is made from it.",
    ),
    # -- 5. data content
    "content.intro": Words(
        "Keräämme asiakkailta sekä markkinointi- tai yhteydenottoluvan antaneilta "
        "potentiaalisilta asiakkailta vain ne tiedot, jotka ovat tarpeen edellä kuvattuihin "
        "tarkoituksiin. Rekisterissä voi olla laajimmillaan seuraavat tiedot. Kunkin "
        "tietoryhmän kohdalla kerromme myös, kenen työtehtävät edellyttävät niiden käsittelyä.",
        "Av kunder och av potentiella kunder som har gett tillstånd till marknadsföring eller "
        "kontakt samlar vi in endast de uppgifter som behövs för ändamålen ovan. Registret kan "
        "som mest innehålla följande uppgifter. För varje uppgiftsgrupp anger vi också vems "
        "arbetsuppgifter kräver att de behandlas.",
        "From customers, and from prospective customers who have given permission for marketing "
        "or contact, we collect only the data the purposes above need. At most, the register "
        "may hold the following data. For each group we also say whose work requires handling "
        "it.",
    ),
    "content.readers": Words(
        "Käsittelevät: {roles}", "Behandlas av: {roles}", "Handled by: {roles}"
    ),
    "content.attribute_readers": Words(
        "{attribute}: {roles}",
        "{attribute}: {roles}",
        "{attribute}: {roles}",
    ),
    "content.nobody": Words(
        "vain rekisteröity itse ja tietosuojavastaava pyynnöstä",
        "endast den registrerade själv och dataskyddsombudet på begäran",
        "only you yourself, and the data protection officer on request",
    ),
    "masked": Words("osittain peitettynä", "i delvis maskerad form", "partly masked"),
    # -- 6. sources
    "sources.intro": Words(
        "Saamme tiedot pääosin rekisteröidyltä itseltään tarjouspyyntöjen, tilausten, "
        "sopimusten ja muiden yhteydenottojen yhteydessä. Tietoja voidaan kerätä ja päivittää "
        "myös muista lähteistä. Alla on kaikki säännönmukaiset tietolähteet ja se, mitä tietoja "
        "kustakin saadaan:",
        "Uppgifterna fås i huvudsak av den registrerade själv i samband med offertförfrågningar, "
        "beställningar, avtal och andra kontakter. Uppgifter kan också samlas in och uppdateras "
        "från andra källor. Nedan finns alla regelmässiga uppgiftskällor och vilka uppgifter "
        "som fås från var och en:",
        "We get the data mainly from you, with quote requests, orders, contracts and other "
        "contacts. Data may also be collected and updated from other sources. Below are all "
        "the regular sources and what data each of them gives:",
    ),
    "sources.prospects": Words(
        "Potentiaalisten asiakkaiden tietoja saadaan esimerkiksi kilpailujen, arvontojen ja "
        "tapahtumien yhteydessä. Niistä tallennetaan vain niiden tiedot, jotka ovat antaneet "
        "markkinointi- tai yhteydenottoluvan.",
        "Uppgifter om potentiella kunder fås till exempel i samband med tävlingar, "
        "utlottningar och evenemang. Av dem lagras endast uppgifter om dem som har gett "
        "tillstånd till marknadsföring eller kontakt.",
        "Data on prospective customers comes, for example, from competitions, lotteries and "
        "events. Of these, we keep only the data of those who have given permission for "
        "marketing or contact.",
    ),
    "sources.recordings": Words(
        "Asiakkaiden yhteydenotot asiakaspalveluumme voidaan tallentaa. Tallenteita käytetään "
        "seuraaviin tarkoituksiin: {purposes}. Tallenteet säilytetään salattuina "
        "({retention}), ja niitä voivat kuunnella vain ne, joiden tehtäviin se kuuluu.",
        "Kundernas kontakter med vår kundtjänst kan spelas in. Inspelningarna används för "
        "följande ändamål: {purposes}. Inspelningarna förvaras krypterade ({retention}), och "
        "endast de som behöver dem i sitt arbete kan lyssna på dem.",
        "Calls and other contacts with our customer service may be recorded. The recordings "
        "serve these purposes: {purposes}. They are kept encrypted ({retention}), and only "
        "those whose work needs them can listen to them.",
    ),
    "sources.credit_check": Words(
        "Kun teemme sopimuksen, voimme tarkistaa luottotietosi Suomen Asiakastieto Oy:stä "
        "(henkilötunnuksella tai y-tunnuksella). Tarkistus kirjataan tietojen luovutuksena, "
        "ja sen tulos (päätös, maksuhäiriömerkintöjen määrä ja vaadittava vakuus) "
        "säilytetään {retention}. Sinulle kerrotaan, että tarkistus tehtiin ja mistä.",
        "När vi ingår ett avtal kan vi kontrollera dina kreditupplysningar hos Suomen "
        "Asiakastieto Oy (med personbeteckning eller FO-nummer). Kontrollen registreras som "
        "ett utlämnande av uppgifter, och dess resultat (beslut, antal "
        "betalningsanmärkningar och krävd säkerhet) sparas {retention}. Du får veta att "
        "kontrollen gjordes och varifrån.",
        "When we make a contract, we may check your credit information with Suomen "
        "Asiakastieto Oy (by identity code or business ID). The check is recorded as a "
        "disclosure of data, and its result (the decision, the number of payment-default "
        "entries and the security deposit required) is kept {retention}. You are told that "
        "the check was made and where from.",
    ),
    "sources.credit_review": Words(
        "Jos sopimus evätään tai siltä vaaditaan vakuus automaattisesti luottotietojen "
        "perusteella, kerromme sen sinulle, ja voit pyytää, että henkilö tarkistaa päätöksen, "
        "esittää näkemyksesi ja riitauttaa päätöksen (EU:n tietosuoja-asetus 22 art.).",
        "Om ett avtal nekas eller en säkerhet krävs automatiskt utifrån "
        "kreditupplysningarna, berättar vi det för dig, och du kan begära att en person "
        "granskar beslutet, framföra din synpunkt och bestrida beslutet (EU:s "
        "dataskyddsförordning art. 22).",
        "If a contract is refused or a security deposit required automatically from the "
        "credit information, we tell you, and you can ask for a person to review the "
        "decision, express your point of view and contest it (GDPR Art. 22).",
    ),
}

TEXTS: dict[str, Words] = {**OPENING_TEXTS, **SHARING_TEXTS, **RIGHTS_TEXTS}


def text(key: str, lang: Lang | str, **fields: object) -> str:
    """One fixed sentence in `lang`, with its placeholders filled."""
    chosen = TEXTS[key].in_(lang)
    return chosen.format(**fields) if fields else chosen

"""Fixed sentences of the privacy statement's middle sections in fi, sv and en: disclosures and
transfers (P8-P10), retention, security (P7, P16)."""

from __future__ import annotations

from rekisteri.domain.vocabulary import Words

SHARING_TEXTS: dict[str, Words] = {
    # -- 7. disclosures and transfers (P8-P10)
    "disclosures.intro": Words(
        "Emme myy henkilötietoja. Luovutamme tai siirrämme tietoja säännönmukaisesti vain "
        "seuraaville vastaanottajille:",
        "Vi säljer inte personuppgifter. Vi lämnar ut eller överför uppgifter regelbundet "
        "endast till följande mottagare:",
        "We do not sell personal data. We disclose or transfer data regularly only to the "
        "following recipients:",
    ),
    "transfers.heading": Words(
        "Siirrot EU:n tai ETA:n ulkopuolelle",
        "Överföringar utanför EU eller EES",
        "Transfers outside the EU or EEA",
    ),
    "transfers.none": Words(
        "Emme säännönmukaisesti siirrä tietoja Euroopan unionin tai Euroopan talousalueen "
        "ulkopuolelle.",
        "Vi överför inte regelbundet uppgifter utanför Europeiska unionen eller Europeiska "
        "ekonomiska samarbetsområdet.",
        "We do not regularly transfer data outside the European Union or the European Economic "
        "Area.",
    ),
    "transfers.some": Words(
        "Tietoja siirretään EU:n tai ETA:n ulkopuolelle vain seuraaville vastaanottajille, "
        "kullekin alla mainitun suojatoimen perusteella:",
        "Uppgifter överförs utanför EU eller EES endast till följande mottagare, var och en "
        "med stöd av den skyddsåtgärd som anges nedan:",
        "Data is transferred outside the EU or EEA only to these recipients, each under the "
        "safeguard given below:",
    ),
    "transfers.recipient": Words("{name} ({country})", "{name} ({country})", "{name} ({country})"),
    "transfers.copy": Words(
        "Saat jäljennöksen suojatoimista (esimerkiksi vakiosopimuslausekkeista) "
        "tietosuojavastaavaltamme: {dpo}.",
        "En kopia av skyddsåtgärderna (till exempel standardavtalsklausulerna) får du av vårt "
        "dataskyddsombud: {dpo}.",
        "You can get a copy of the safeguards (such as the standard contractual clauses) from "
        "our data protection officer: {dpo}.",
    ),
    "transfers.rule": Words(
        "Siirrämme tietoja EU:n tai ETA:n ulkopuolelle vain tietosuoja-asetuksen V luvun "
        "edellyttämin suojatoimin: maahan, jonka tietosuojan tason Euroopan komissio on todennut "
        "riittäväksi, tai komission vakiosopimuslausekkeiden tai sitovien yrityssääntöjen "
        "perusteella. Vastaanottajalle, jolla suojatointa ei ole, ei luovuteta mitään.",
        "Vi överför uppgifter utanför EU eller EES endast med de skyddsåtgärder som kapitel V "
        "i dataskyddsförordningen kräver: till ett land vars skyddsnivå Europeiska kommissionen "
        "har funnit adekvat, eller med stöd av kommissionens standardavtalsklausuler eller "
        "bindande företagsbestämmelser. En mottagare utan skyddsåtgärd får ingenting.",
        "We transfer data outside the EU or EEA only with the safeguards Chapter V of the GDPR "
        "demands: to a country whose level of protection the European Commission has found "
        "adequate, or under the Commission's standard contractual clauses or binding corporate "
        "rules. A recipient without such a safeguard receives nothing.",
    ),
    "safeguard.adequacy": Words(
        "komission tietosuojan riittävyyttä koskeva päätös (45 artikla)",
        "kommissionens beslut om adekvat skyddsnivå (artikel 45)",
        "a Commission adequacy decision (Art. 45)",
    ),
    "safeguard.dpf": Words(
        "komission tietosuojan riittävyyttä koskeva päätös EU:n ja Yhdysvaltojen välisestä "
        "tietosuojakehyksestä (Data Privacy Framework, 45 artikla); vastaanottaja: {reference}",
        "kommissionens beslut om adekvat skyddsnivå för ramen för dataskydd mellan EU och USA "
        "(Data Privacy Framework, artikel 45); mottagaren: {reference}",
        "the Commission's adequacy decision on the EU-US Data Privacy Framework (Art. 45); "
        "the recipient's listing: {reference}",
    ),
    "safeguard.scc": Words(
        "komission vakiosopimuslausekkeet (46 artikla)",
        "kommissionens standardavtalsklausuler (artikel 46)",
        "the Commission's standard contractual clauses (Art. 46)",
    ),
    "safeguard.bcr": Words(
        "sitovat yrityssäännöt (47 artikla)",
        "bindande företagsbestämmelser (artikel 47)",
        "binding corporate rules (Art. 47)",
    ),
    # -- 8. retention
    "retention.intro": Words(
        "Säilytämme tietoja vain niin kauan kuin niitä tarvitaan käsittelyn tarkoituksiin tai "
        "laki sitä edellyttää. Säilytysajat tietoryhmittäin:",
        "Vi lagrar uppgifterna endast så länge de behövs för ändamålen med behandlingen eller "
        "lagen kräver det. Lagringstiderna per uppgiftsgrupp:",
        "We keep data only as long as the purposes of processing need it or the law requires "
        "it. The periods by group of data:",
    ),
    "retention.after": Words(
        "Säilytysajan päätyttyä tiedot poistetaan tai anonymisoidaan. Tiedot, jotka laki "
        "velvoittaa säilyttämään, rajataan pyynnöstäsi pois muusta käsittelystä siihen asti.",
        "När lagringstiden har gått ut raderas eller anonymiseras uppgifterna. Uppgifter som "
        "lagen kräver att vi bevarar begränsar vi på din begäran från all annan behandling "
        "fram till dess.",
        "When the period ends the data is erased or anonymised. Data the law obliges us to "
        "keep is, at your request, restricted from any other processing until then.",
    ),
    # -- 9. security (P7, P16)
    "security.databases": Words(
        "Asiakasrekisterin tiedot ovat tietokannoissa, jotka on suojattu palomuurein, salasanoin "
        "ja muilla teknisillä keinoilla. Paperiset asiakirjat säilytetään lukituissa tiloissa.",
        "Kundregistrets uppgifter finns i databaser som skyddas med brandväggar, lösenord och "
        "andra tekniska medel. Dokument i pappersform förvaras i låsta utrymmen.",
        "The register's data is kept in databases protected by firewalls, passwords and other "
        "technical means. Paper documents are kept in locked premises.",
    ),
    "security.access": Words(
        "Tietoihin on pääsy vain niillä työntekijöillämme ja valtuuttamillamme toimijoilla, "
        "jotka tarvitsevat niitä työssään. Jokaisella on henkilökohtainen käyttäjätunnus ja "
        "salasana, ja kukin näkee vain ne tietoryhmät, joita hänen tehtävänsä edellyttävät "
        "(ks. kohta 5). Edellytämme henkilöstöltämme ja yhteistyökumppaneiltamme sitoutumista "
        "tietojen salassapitoon.",
        "Endast de av våra anställda och av oss auktoriserade aktörer som behöver uppgifterna i "
        "sitt arbete har tillgång till dem. Var och en har ett personligt användarnamn och "
        "lösenord och ser endast de uppgiftsgrupper som uppgifterna kräver (se punkt 5). Vi "
        "kräver att vår personal och våra samarbetspartner förbinder sig att hålla uppgifterna "
        "konfidentiella.",
        "Only those of our employees and authorised partners who need the data in their work "
        "can access it. Each has a personal user ID and password and sees only the groups of "
        "data their tasks require (see section 5). We require our staff and partners to keep "
        "customer data confidential.",
    ),
    "security.non_disclosure": Words(
        "Jos henkilöllä on turvakielto, hänen osoitteitaan näkevät vain ne, joiden työ niitä "
        "välttämättä vaatii: laskutus käyttöpaikan ja laskutusosoitteen, tietosuojavastaava "
        "kaikki. Asiakaspalvelu näkee vain, että osoite on suojattu. Henkilö ei ole "
        "markkinoinnin kohderyhmissä eikä konsernin markkinointiin luovutettavissa tiedoissa, "
        "häntä ei löydä osoitteella hakemalla, eikä hänen osoitettaan luovuteta Suomen "
        "Asiakastiedolle eikä perintään: kirjeet hänelle lähetetään Digi- ja "
        "väestötietoviraston kautta, joka välittää ne hänelle.",
        "Om en person har en spärrmarkering ser endast de vars arbete oundgängligen kräver det "
        "personens adresser: faktureringen förbrukningsställets adress och "
        "faktureringsadressen, dataskyddsombudet alla. Kundtjänsten ser endast att adressen är "
        "skyddad. Personen finns inte i marknadsföringens målgrupper eller i uppgifterna som "
        "lämnas ut för koncernens marknadsföring, hittas inte genom sökning på adress, och "
        "adressen lämnas inte ut till Suomen Asiakastieto eller för indrivning: brev till "
        "personen skickas via Myndigheten för digitalisering och befolkningsdata, som "
        "vidarebefordrar dem.",
        "If a person has a non-disclosure for personal safety (turvakielto), only those whose "
        "work strictly needs their addresses see them: billing the supply and billing "
        "addresses, the data protection officer all of them. Customer service sees only that "
        "the address is protected. The person is in no marketing audience and in no data "
        "handed over for the group's marketing, is not found by searching with an address, "
        "and their address is not given to Suomen Asiakastieto or for collection: letters to "
        "them are sent through the Digital and Population Data Services Agency, which forwards "
        "them.",
    ),
    "security.encrypted": Words(
        "{attributes} tallennetaan tietokantaan salattuina.",
        "{attributes} lagras krypterade i databasen.",
        "{attributes} are stored encrypted in the database.",
    ),
    "security.log": Words(
        "Jokaisesta henkilötietojen katselusta ja muutoksesta jää lokimerkintä, josta näkyy, "
        "kuka tietoja käsitteli ja mihin tarkoitukseen.",
        "Varje gång personuppgifter visas eller ändras loggas det, så att det framgår vem som "
        "behandlade dem och för vilket ändamål.",
        "Every view and change of personal data is logged with who handled it and for what "
        "purpose.",
    ),
    "and": Words("ja", "och", "and"),
}

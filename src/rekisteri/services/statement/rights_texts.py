"""Fixed sentences of the privacy statement's last sections in fi, sv and en: the person's rights
and how to use them (P11-P14), and cookies (P15)."""

from __future__ import annotations

from rekisteri.domain.vocabulary import Words

RIGHTS_TEXTS: dict[str, Words] = {
    "rights.intro": Words(
        "Sinulla on EU:n yleisen tietosuoja-asetuksen mukaiset oikeudet. Niiden käyttäminen on "
        "maksutonta, ellei alla toisin sanota.",
        "Du har rättigheter enligt EU:s allmänna dataskyddsförordning. Det är avgiftsfritt att "
        "använda dem, om inte annat sägs nedan.",
        "You have rights under the EU General Data Protection Regulation. Using them is free "
        "of charge unless said otherwise below.",
    ),
    "right.access": Words(
        "Oikeus tarkastaa tietosi",
        "Rätt att få tillgång till dina uppgifter",
        "Right of access",
    ),
    "right.access.text": Words(
        "Sinulla on oikeus tietää, mitä tietoja sinusta on rekisterissä, mistä ne on saatu, "
        "mihin niitä käytetään ja kenelle niitä on luovutettu, sekä saada niistä jäljennös. "
        "Ensimmäinen jäljennös on aina maksuton. Jos pyydät uuden jäljennöksen {months} "
        "kuukauden kuluessa edellisestä, voimme periä siitä kohtuullisen, hallinnollisiin "
        "kustannuksiin perustuvan maksun.",
        "Du har rätt att få veta vilka uppgifter om dig som finns i registret, varifrån de "
        "kommer, vad de används till och till vem de har lämnats ut, och att få en kopia av "
        "dem. Den första kopian är alltid kostnadsfri. Om du begär en ny kopia inom {months} "
        "månader från den föregående kan vi ta ut en rimlig avgift som grundar sig på de "
        "administrativa kostnaderna.",
        "You have the right to know what data about you the register holds, where it came "
        "from, what it is used for and to whom it has been disclosed, and to receive a copy. "
        "The first copy is always free. If you ask for a further copy within {months} months "
        "of the previous one, we may charge a reasonable fee based on our administrative "
        "costs.",
    ),
    "right.rectification": Words(
        "Oikeus tietojen oikaisemiseen",
        "Rätt till rättelse",
        "Right to rectification",
    ),
    "right.rectification.text": Words(
        "Sinulla on oikeus vaatia virheellisen tai puutteellisen tiedon korjaamista. Jokaisesta "
        "muutoksesta jää merkintä siitä, milloin, kuka ja miksi tietoa muutti.",
        "Du har rätt att kräva att felaktiga eller ofullständiga uppgifter rättas. Varje ändring "
        "antecknas med när, av vem och varför uppgiften ändrades.",
        "You have the right to have wrong or incomplete data corrected. Every change is "
        "recorded with when, by whom and why it was made.",
    ),
    "right.objection": Words(
        "Oikeus vastustaa käsittelyä ja kieltää suoramarkkinointi",
        "Rätt att invända mot behandling och förbjuda direktmarknadsföring",
        "Right to object and to forbid direct marketing",
    ),
    "right.objection.text": Words(
        "Voit milloin tahansa kieltää tietojesi käytön suoramainontaan, etämyyntiin ja muuhun "
        "suoramarkkinointiin sekä markkina- ja mielipidetutkimuksiin, ja peruuttaa antamasi "
        "suostumuksen. Voit myös vastustaa oikeutettuun etuun perustuvaa käsittelyä henkilökoh"
        "taiseen tilanteeseesi liittyvällä perusteella. Suoramarkkinointiasetuksesi voit "
        "muuttaa asetussivulla, jolle saat henkilökohtaisen linkin, tai soittamalla "
        "asiakaspalveluun.",
        "Du kan när som helst förbjuda att dina uppgifter används för direktreklam, "
        "distansförsäljning och annan direktmarknadsföring samt för marknads- och "
        "opinionsundersökningar, och återkalla ett samtycke du har gett. Du kan också invända "
        "mot behandling som grundar sig på berättigat intresse av skäl som gäller din "
        "personliga situation. Dina inställningar för direktmarknadsföring ändrar du på "
        "inställningssidan, som du får en personlig länk till, eller genom att ringa "
        "kundtjänsten.",
        "You may at any time forbid the use of your data for direct advertising, distance "
        "selling and other direct marketing and for market and opinion research, and withdraw "
        "any consent you have given. You may also object, on grounds relating to your "
        "situation, to processing based on legitimate interest. You can change your "
        "direct-marketing settings on the settings page you get a personal link to, or by "
        "calling customer service.",
    ),
    "right.erasure": Words(
        "Oikeus tietojen poistamiseen",
        "Rätt till radering",
        "Right to erasure",
    ),
    "right.erasure.text": Words(
        "Sinulla on oikeus tulla unohdetuksi eli vaatia tietojesi poistamista, kun niitä ei "
        "enää tarvita, muu lainsäädäntö huomioiden. Sopimukseen perustuvia asiakastietoja "
        "säilytetään sähkömarkkinalain ja kirjanpitolain mukaan {years} vuotta sopimuksen "
        "päättymisestä; sen ajan niitä käytetään vain lain edellyttämiin tarkoituksiin.",
        "Du har rätt att bli bortglömd, det vill säga att kräva att dina uppgifter raderas när "
        "de inte längre behövs, med beaktande av annan lagstiftning. Avtalsbaserade "
        "kunduppgifter bevaras enligt elmarknadslagen och bokföringslagen i {years} år från "
        "avtalets upphörande; under den tiden används de endast för ändamål som lagen kräver.",
        "You have the right to be forgotten: to have your data erased when it is no longer "
        "needed, taking other laws into account. Customer data based on a contract is kept "
        "{years} years after the contract ended under the Electricity Market Act and the "
        "Accounting Act; until then it is used only as the law requires.",
    ),
    "right.restriction": Words(
        "Oikeus käsittelyn rajoittamiseen ja tietojen siirtämiseen",
        "Rätt till begränsning av behandling och dataportabilitet",
        "Right to restriction and to data portability",
    ),
    "right.restriction.text": Words(
        "Voit pyytää, että tietojesi käsittelyä rajoitetaan esimerkiksi siksi aikaa, kun "
        "tietojen oikeellisuutta selvitetään. Sinulla on myös oikeus saada itse antamasi ja "
        "sopimukseen tai suostumukseen perustuvat tiedot koneluettavassa muodossa.",
        "Du kan begära att behandlingen av dina uppgifter begränsas, till exempel medan det "
        "utreds om uppgifterna är korrekta. Du har också rätt att få de uppgifter som du själv "
        "har lämnat och som grundar sig på avtal eller samtycke i maskinläsbar form.",
        "You may ask us to restrict the processing of your data, for example while its "
        "accuracy is checked. You also have the right to receive the data you gave us, where "
        "processing rests on a contract or consent, in a machine-readable form.",
    ),
    "right.how": Words(
        "Näin käytät oikeuksiasi",
        "Så här använder du dina rättigheter",
        "How to use your rights",
    ),
    "right.how.text": Words(
        "Lähetä pyyntösi kirjallisena ja allekirjoitettuna osoitteeseen {controller}, "
        "tietosuojavastaava, {address} tai sähköpostitse osoitteeseen {dpo}. Voit myös käydä "
        "toimipisteessämme; ota mukaan henkilöllisyyden todistava asiakirja. Varmistamme "
        "henkilöllisyytesi ennen kuin annamme tietoja tai muutamme niitä.",
        "Skicka din begäran skriftligen och undertecknad till {controller}, dataskyddsombudet, "
        "{address} eller per e-post till {dpo}. Du kan också besöka vårt verksamhetsställe; ta "
        "med en identitetshandling. Vi kontrollerar din identitet innan vi lämnar ut eller "
        "ändrar uppgifter.",
        "Send your request in writing and signed to {controller}, Data Protection Officer, "
        "{address}, or by e-mail to {dpo}. You may also visit our office with an identity "
        "document. We verify your identity before we give out or change any data.",
    ),
    "right.when": Words(
        "Vastaamme kirjallisesti viipymättä ja viimeistään kuukauden (30 päivän) kuluessa siitä, "
        "kun pyyntösi on saapunut tai kun kävit toimipisteessämme. Jos pyyntö on laaja tai "
        "monimutkainen, määräaikaa voidaan jatkaa enintään kahdella kuukaudella; kerromme "
        "siitä ja sen syystä ensimmäisen kuukauden aikana.",
        "Vi svarar skriftligen utan dröjsmål och senast inom en månad (30 dagar) från det att "
        "din begäran kom in eller du besökte oss. Om begäran är omfattande eller komplicerad "
        "kan tiden förlängas med högst två månader; vi meddelar det och skälet inom den första "
        "månaden.",
        "We answer in writing without delay and at the latest within one month (30 days) of "
        "receiving your request or your visit. If the request is extensive or complex, the "
        "time may be extended by at most two months; we tell you so, and why, within the "
        "first month.",
    ),
    # GDPR Art. 12(5), and 12(4): the person is told why and that they may complain.
    "right.excessive": Words(
        "Jos pyyntö on ilmeisen perusteeton tai kohtuuton, erityisesti jos samaa pyyntöä "
        "esitetään toistuvasti, voimme joko periä siitä kohtuullisen, hallinnollisiin "
        "kustannuksiin perustuvan maksun tai kieltäytyä toimimasta sen perusteella. Kerromme "
        "päätöksestä ja sen syistä kirjallisesti, ja voit tehdä asiasta valituksen "
        "tietosuojavaltuutetun toimistolle.",
        "Om en begäran är uppenbart ogrundad eller orimlig, särskilt om samma begäran framställs "
        "upprepade gånger, kan vi antingen ta ut en rimlig avgift som grundar sig på de "
        "administrativa kostnaderna eller vägra att tillmötesgå begäran. Vi meddelar dig beslutet "
        "och skälen till det skriftligen, och du kan lämna in ett klagomål till "
        "dataombudsmannens byrå.",
        "If a request is manifestly unfounded or excessive, in particular because it is "
        "repeated, we may either charge a reasonable fee based on our administrative costs or "
        "refuse to act on it. We tell you our decision and the reasons in writing, and you may "
        "lodge a complaint with the Office of the Data Protection Ombudsman.",
    ),
    "right.representative": Words(
        "Edunvalvojasi, kuolinpesäsi yhteyshenkilö tai valtuuttamasi henkilö voi käyttää näitä "
        "oikeuksia puolestasi. Tarkistamme hänen kelpoisuutensa (tuomioistuimen päätös, "
        "perukirja tai valtakirja, joista kirjaamme viitteen, emme asiakirjaa) ja vastaamme "
        "hänelle. Kuoleman jälkeen laskut ja kirjeet lähetetään kuolinpesän yhteyshenkilölle, "
        "kun hänet on ilmoitettu meille.",
        "Din intressebevakare, kontaktpersonen för ditt dödsbo eller den du har gett fullmakt "
        "kan använda dessa rättigheter för din räkning. Vi kontrollerar hans eller hennes "
        "behörighet (domstolens beslut, bouppteckningen eller fullmakten, som vi antecknar en "
        "hänvisning till, inte handlingen) och svarar honom eller henne. Efter ett dödsfall "
        "skickas fakturor och brev till dödsboets kontaktperson, när han eller hon har "
        "meddelats oss.",
        "Your guardian, the contact of your estate or someone you gave a power of attorney may "
        "use these rights for you. We check their authority (a court decision, the estate "
        "inventory or the power of attorney, of which we record a reference, not the document) "
        "and answer to them. After a death, invoices and letters go to the estate's contact "
        "once we have been told who that is.",
    ),
    "right.phone": Words(
        "Suoramarkkinointikiellon voit ilmoittaa myös puhelimitse numeroon {phone} arkisin klo "
        "{hours}.",
        "Ett förbud mot direktmarknadsföring kan du också meddela per telefon på {phone} "
        "vardagar kl. {hours}.",
        "You can also forbid direct marketing by phone on {phone}, weekdays {hours}.",
    ),
    "right.complaint": Words(
        "Oikeus valittaa valvontaviranomaiselle",
        "Rätt att klaga hos tillsynsmyndigheten",
        "Right to lodge a complaint",
    ),
    "right.complaint.text": Words(
        "Jos katsot, että henkilötietojesi käsittely rikkoo tietosuoja-asetusta, voit tehdä "
        "valituksen tietosuojavaltuutetun toimistolle (tietosuoja.fi).",
        "Om du anser att behandlingen av dina personuppgifter strider mot dataskydds"
        "förordningen kan du lämna in ett klagomål till dataombudsmannens byrå (tietosuoja.fi).",
        "If you think the processing of your personal data breaks the GDPR, you may lodge a "
        "complaint with the Office of the Data Protection Ombudsman (tietosuoja.fi).",
    ),
    # -- 11. cookies (P15)
    "cookies.what": Words(
        "Eväste on pieni tekstitiedosto, jonka selain tallentaa laitteellesi.",
        "En kaka är en liten textfil som webbläsaren sparar på din enhet.",
        "A cookie is a small text file your browser stores on your device.",
    ),
    "cookies.public": Words(
        "Julkiset sivumme, kuten tämä seloste, eivät aseta evästeitä lainkaan: kielivalinta "
        "kulkee sivun osoitteessa.",
        "Våra offentliga sidor, som den här beskrivningen, sätter inga kakor alls: språkvalet "
        "finns i sidans adress.",
        "Our public pages, such as this statement, set no cookies at all: your choice of "
        "language travels in the page address.",
    ),
    "cookies.necessary_only": Words(
        "Verkkopalvelumme käyttää vain välttämättömiä evästeitä, joita ilman palvelu ei toimi.",
        "Vår webbtjänst använder endast nödvändiga kakor, utan vilka tjänsten inte fungerar.",
        "Our web service uses only strictly necessary cookies, without which it does not work.",
    ),
    "cookies.some_by_consent": Words(
        "Välttämättömien evästeiden lisäksi asetamme alla merkittyjä evästeitä vain, jos annat "
        "siihen suostumuksesi.",
        "Utöver de nödvändiga kakorna sätter vi de kakor som är märkta nedan endast om du ger "
        "ditt samtycke.",
        "Besides the strictly necessary cookies, we set those marked below only if you consent.",
    ),
    "cookies.no_tracking": Words(
        "Emme käytä analytiikka- tai mainosevästeitä. Jos niitä joskus otetaan käyttöön, "
        "kysymme ensin suostumuksesi.",
        "Vi använder inga analys- eller reklamkakor. Om sådana någon gång tas i bruk ber vi "
        "först om ditt samtycke.",
        "We use no analytics or advertising cookies. Should we ever use them, we will ask for "
        "your consent first.",
    ),
    "cookies.list": Words(
        "Käytämme seuraavia evästeitä:",
        "Vi använder följande kakor:",
        "We use these cookies:",
    ),
    "cookie.lifetime": Words("Voimassa: {lifetime}", "Giltig: {lifetime}", "Kept: {lifetime}"),
    "cookie.who": Words("Asetetaan: {who}", "Sätts: {who}", "Set: {who}"),
    "cookie.consent": Words(
        "ei välttämätön: asetetaan vain suostumuksellasi",
        "inte nödvändig: sätts endast med ditt samtycke",
        "not strictly necessary: set only with your consent",
    ),
}

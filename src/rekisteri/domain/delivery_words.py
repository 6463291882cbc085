"""The words of the access package's delivery, in Finnish, Swedish and English: the notice
(e-mail or letter) with the download link, the one-time code's mail, and the public pages the
link opens (entrypoints/web/package_pages.py). Times are said in Helsinki time."""

from __future__ import annotations

import datetime as dt

from rekisteri.domain.values import HELSINKI
from rekisteri.domain.vocabulary import Lang, Words

AT = Words("klo", "kl.", "at")


def local_time(moment: dt.datetime, lang: Lang) -> str:
    """A moment as the person reads it: Finnish date and Helsinki time (7.1.2027 klo 14.05)."""
    t = moment.astimezone(HELSINKI)
    return f"{t.day}.{t.month}.{t.year} {AT.in_(lang)} {t.hour:02d}.{t.minute:02d}"


NOTICE_SUBJECT = Words(
    "Tietopakettisi on ladattavissa",
    "Ditt datapaket kan laddas ned",
    "Your access package is ready to download",
)
NOTICE_BODY = Words(
    "Hei,\n\n"
    "olet pyytänyt saada tietää, mitä tietoja meillä on sinusta (pyyntö {reference}). "
    "Tietopakettisi on valmis. Voit ladata sen kerran tästä linkistä {expires} asti:\n\n"
    "{link}\n\n"
    "Kun avaat linkin, lähetämme sinulle kertakäyttöisen koodin yhteystietoon, joka meillä "
    "oli jo ennen pyyntöäsi. Paketti poistetaan, kun se on ladattu tai linkki vanhenee.\n\n"
    "Jos et pyytänyt tietojasi, ota yhteyttä tietosuojavastaavaamme: {dpo}\n\n"
    "{controller}\n",
    "Hej,\n\n"
    "du har begärt att få veta vilka uppgifter vi har om dig (begäran {reference}). Ditt "
    "datapaket är klart. Du kan ladda ned det en gång via den här länken till {expires}:\n\n"
    "{link}\n\n"
    "När du öppnar länken skickar vi en engångskod till en kontaktuppgift som vi hade redan "
    "före din begäran. Paketet raderas när det har laddats ned eller länken går ut.\n\n"
    "Om du inte har begärt dina uppgifter, kontakta vårt dataskyddsombud: {dpo}\n\n"
    "{controller}\n",
    "Hello,\n\n"
    "you asked to know what data we hold about you (request {reference}). Your access package "
    "is ready. You can download it once with this link until {expires}:\n\n"
    "{link}\n\n"
    "When you open the link, we send a one-time code to a contact point we held before your "
    "request. The package is deleted once it is downloaded or the link expires.\n\n"
    "If you did not ask for your data, contact our data protection officer: {dpo}\n\n"
    "{controller}\n",
)
LETTER_EXTRA = Words(
    "Meillä ei ole sinulta sähköpostiosoitetta, johon voisimme lähettää koodin. Jos et voi "
    "käyttää linkkiä, tietosuojavastaavamme luovuttaa paketin sinulle henkilökohtaisesti tai "
    "kirjeitse: {dpo}\n",
    "Vi har ingen e-postadress till dig dit vi kan skicka koden. Om du inte kan använda "
    "länken överlämnar vårt dataskyddsombud paketet personligen eller per brev: {dpo}\n",
    "We have no e-mail address of yours to send the code to. If you cannot use the link, our "
    "data protection officer hands the package over in person or by letter: {dpo}\n",
)
CODE_SUBJECT = Words(
    "Tietopaketin latauskoodi",
    "Kod för nedladdning av datapaketet",
    "Your access package's download code",
)
CODE_BODY = Words(
    "Tietopakettisi latauskoodi on {code}\n\n"
    "Koodi on voimassa {minutes} minuuttia. Jos et itse pyytänyt koodia, älä anna sitä "
    "kenellekään ja ota yhteyttä tietosuojavastaavaamme: {dpo}\n",
    "Koden för nedladdning av ditt datapaket är {code}\n\n"
    "Koden gäller i {minutes} minuter. Om du inte själv bad om koden, ge den inte till någon "
    "och kontakta vårt dataskyddsombud: {dpo}\n",
    "The code to download your access package is {code}\n\n"
    "The code holds for {minutes} minutes. If you did not ask for it, give it to no one and "
    "contact our data protection officer: {dpo}\n",
)

# The public pages the link opens.
PAGE: dict[str, Words] = {
    "title": Words("Tietopakettisi", "Ditt datapaket", "Your access package"),
    "intro": Words(
        "Tästä voit ladata tietopaketin, jonka pyysit (pyyntö {reference}). Linkki on "
        "voimassa {expires} asti, ja paketin voi ladata vain kerran.",
        "Här kan du ladda ned datapaketet du begärde (begäran {reference}). Länken gäller "
        "till {expires}, och paketet kan laddas ned bara en gång.",
        "Here you can download the access package you asked for (request {reference}). The "
        "link holds until {expires}, and the package can be downloaded only once.",
    ),
    "why_code": Words(
        "Varmistamme ensin, että linkin avasit sinä: lähetämme kertakäyttöisen koodin "
        "osoitteeseen {where}.",
        "Först kontrollerar vi att det är du som öppnade länken: vi skickar en engångskod "
        "till {where}.",
        "First we check that it is you who opened the link: we send a one-time code to {where}.",
    ),
    "send_code": Words("Lähetä koodi", "Skicka koden", "Send the code"),
    "code_sent": Words(
        "Lähetimme koodin osoitteeseen {where}. Se on voimassa {minutes} minuuttia.",
        "Vi skickade koden till {where}. Den gäller i {minutes} minuter.",
        "We sent the code to {where}. It holds for {minutes} minutes.",
    ),
    "code_queued": Words(
        "Koodi lähtee osoitteeseen {where} hetken kuluttua. Se on voimassa {minutes} minuuttia.",
        "Koden skickas till {where} om en stund. Den gäller i {minutes} minuter.",
        "The code goes to {where} in a moment. It holds for {minutes} minutes.",
    ),
    "code_label": Words("Koodi", "Kod", "Code"),
    "download": Words("Lataa tietopaketti", "Ladda ned datapaketet", "Download the package"),
    "send_again": Words("Lähetä uusi koodi", "Skicka en ny kod", "Send a new code"),
    "wrong_code": Words(
        "Koodi ei ollut oikein. Yrityksiä jäljellä: {left}.",
        "Koden var fel. Försök kvar: {left}.",
        "The code was wrong. Tries left: {left}.",
    ),
    "code_expired": Words(
        "Koodi on vanhentunut. Pyydä uusi koodi.",
        "Koden har gått ut. Be om en ny kod.",
        "The code has expired. Ask for a new one.",
    ),
    "no_code_yet": Words("Pyydä ensin koodi.", "Be först om en kod.", "Ask for a code first."),
    "too_many_codes": Words(
        "Koodeja on lähetetty jo niin monta, ettei uutta lähetetä. Ota yhteyttä "
        "tietosuojavastaavaamme: {dpo}",
        "Vi har redan skickat så många koder att ingen ny skickas. Kontakta vårt "
        "dataskyddsombud: {dpo}",
        "So many codes have been sent that no new one is. Contact our data protection "
        "officer: {dpo}",
    ),
    "no_channel": Words(
        "Meillä ei ole sinulta ennen pyyntöäsi saatua sähköpostiosoitetta, johon voisimme "
        "lähettää koodin. Tietosuojavastaavamme luovuttaa paketin sinulle henkilökohtaisesti "
        "tai kirjeitse: {dpo}",
        "Vi har ingen e-postadress från dig från före din begäran dit vi kan skicka koden. "
        "Vårt dataskyddsombud överlämnar paketet personligen eller per brev: {dpo}",
        "We hold no e-mail address of yours from before your request to send the code to. "
        "Our data protection officer hands the package over in person or by letter: {dpo}",
    ),
    "gone_title": Words(
        "Linkki ei ole enää käytössä",
        "Länken kan inte längre användas",
        "The link can no longer be used",
    ),
    "unknown": Words(
        "Tätä linkkiä ei tunneta. Tarkista, että kopioit sen kokonaan.",
        "Länken är okänd. Kontrollera att du kopierade hela länken.",
        "This link is not known. Check that you copied it whole.",
    ),
    "downloaded": Words(
        "Tietopaketti on jo ladattu tällä linkillä {when}, eikä sitä voi ladata uudelleen. "
        "Jos et itse ladannut sitä, ota heti yhteyttä tietosuojavastaavaamme: {dpo}",
        "Datapaketet har redan laddats ned med den här länken {when} och kan inte laddas ned "
        "igen. Om det inte var du, kontakta genast vårt dataskyddsombud: {dpo}",
        "The package was already downloaded with this link on {when} and cannot be "
        "downloaded again. If it was not you, contact our data protection officer at once: "
        "{dpo}",
    ),
    "expired": Words(
        "Linkki vanheni {when}, ja paketti on poistettu. Voit pyytää tietosi uudelleen: {dpo}",
        "Länken gick ut {when} och paketet har raderats. Du kan begära dina uppgifter på "
        "nytt: {dpo}",
        "The link expired on {when} and the package has been deleted. You can ask for your "
        "data again: {dpo}",
    ),
    "locked": Words(
        "Linkki on lukittu, koska koodi syötettiin väärin liian monta kertaa. Ota yhteyttä "
        "tietosuojavastaavaamme: {dpo}",
        "Länken är låst eftersom koden angavs fel för många gånger. Kontakta vårt "
        "dataskyddsombud: {dpo}",
        "The link is locked because the code was entered wrong too many times. Contact our "
        "data protection officer: {dpo}",
    ),
    "handed_over": Words(
        "Tietopaketti on luovutettu sinulle toista kautta, eikä linkki ole enää käytössä.",
        "Datapaketet har överlämnats till dig på annat sätt och länken används inte längre.",
        "The package was handed over to you another way; the link is no longer in use.",
    ),
}


def page_words(lang: Lang) -> dict[str, str]:
    """Every word of the package pages in `lang`, for the template (`t.title`)."""
    return {key: words.in_(lang) for key, words in PAGE.items()}

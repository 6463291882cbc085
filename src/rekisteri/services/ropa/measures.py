"""The security measures the record of processing names (Art. 30(1)(g), Art. 32): only those the
register itself carries out, each with the condition under which it holds.

A measure is named when `holds(catalogue, settings)` is true: encryption only when the catalogue
has encrypted attributes (and it names them), the audit chain only when the audit is on. Each
measure's key has a test that shows the register does what the words say
(tests/integration/test_ropa_measures.py fails for a measure without one), as the statement's
claims have theirs (services/statement/claims.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rekisteri.catalogue import Catalogue, Lang, Role, Words, label
from rekisteri.config import Settings
from rekisteri.services.statement.sections import join_words


@dataclass(frozen=True)
class Measure:
    key: str
    name: Words
    words: Words
    holds: Callable[[Catalogue, Settings], bool] = lambda _cat, _settings: True

    def describe(self, catalogue: Catalogue, settings: Settings, lang: Lang) -> str:
        fields = {
            "attributes": join_words((a.label(lang) for a in catalogue.encrypted()), lang),
            "roles": join_words((label(r, lang) for r in Role), lang),
            "failures": settings.login_failures_per_address,
            "minutes": settings.login_throttle_minutes,
            "idle": settings.session_idle_minutes,
        }
        said = self.words.in_(lang).format(**fields)
        return said[:1].upper() + said[1:]


MEASURES: tuple[Measure, ...] = (
    Measure(
        "encrypted-at-rest",
        Words("Salaus tallennettaessa", "Kryptering i lagring", "Encryption at rest"),
        Words(
            "{attributes} tallennetaan tietokantaan salattuina (AES-256-GCM); ne haetaan "
            "avaimella lasketun sokean indeksin kautta, eikä selväkielinen arvo ole "
            "tietokannassa.",
            "{attributes} lagras krypterade i databasen (AES-256-GCM); de söks via ett "
            "nyckelberoende blint index, och klartexten finns inte i databasen.",
            "{attributes} are stored encrypted in the database (AES-256-GCM); they are found "
            "through a keyed blind index, and the plain value is not in the database.",
        ),
        holds=lambda cat, _settings: bool(cat.encrypted()),
    ),
    Measure(
        "keyring",
        Words("Avainrengas", "Nyckelring", "Keyring"),
        Words(
            "Salausavaimet pidetään avainrenkaassa tietokannan ulkopuolella; uusi avain "
            "otetaan käyttöön ja tietokannan salatut arvot salataan sillä uudelleen (rekisteri "
            "keys rotate), vanhat avaimet vain lukemista varten: salatut tiedostot ja "
            "varmuuskopiot avautuvat avaimella, jolla ne salattiin.",
            "Krypteringsnycklarna hålls i en nyckelring utanför databasen; en ny nyckel tas i "
            "bruk och databasens krypterade värden krypteras om med den (rekisteri keys "
            "rotate), de gamla nycklarna endast för läsning: krypterade filer och "
            "säkerhetskopior öppnas med nyckeln de krypterades med.",
            "The encryption keys are kept in a keyring outside the database; a new key is taken "
            "into use and the database's encrypted values are sealed again under it (rekisteri "
            "keys rotate), older keys only for reading: encrypted files and backups open with "
            "the key they were sealed under.",
        ),
        holds=lambda cat, _settings: bool(cat.encrypted()),
    ),
    Measure(
        "audit-chain",
        Words("Käsittelyloki", "Behandlingslogg", "Audit trail"),
        Words(
            "Jokaisesta henkilötietojen luvusta ja muutoksesta sekä evätystä yrityksestä "
            "kirjataan kuka, milloin, mihin tarkoitukseen ja mitkä tietoryhmät; kirjaukset "
            "ketjutetaan avaimellisin tiivisteillä, joten poistettu tai muutettu kirjaus "
            "havaitaan (rekisteri audit verify).",
            "För varje läsning och ändring av personuppgifter och varje nekat försök loggas "
            "vem, när, för vilket ändamål och vilka kategorier; posterna kedjas med "
            "nyckelberoende hashvärden, så en raderad eller ändrad post upptäcks (rekisteri "
            "audit verify).",
            "Every read and change of personal data, and every refused attempt, is logged with "
            "who, when, for what purpose and which categories; the entries are chained with "
            "keyed hashes, so a removed or altered entry is detected (rekisteri audit verify).",
        ),
        holds=lambda _cat, settings: settings.audit_enabled,
    ),
    Measure(
        "need-to-know",
        Words("Tarpeeseen perustuva pääsy", "Behovsbaserad åtkomst", "Need-to-know access"),
        Words(
            "Henkilökohtaiset käyttäjätunnukset; kukin rooli ({roles}) käsittelee vain "
            "tarkoituksiaan varten vain ne tietoryhmät, jotka sille on annettu, ja muu pääsy "
            "evätään.",
            "Personliga användarkonton; varje roll ({roles}) behandlar endast för sina "
            "ändamål endast de kategorier som den har fått, och all annan åtkomst nekas.",
            "Personal user accounts; each role ({roles}) processes only the categories given "
            "to it and only for its purposes, and any other access is refused.",
        ),
    ),
    Measure(
        "login-protection",
        Words("Kirjautumisen suojaus", "Skydd av inloggningen", "Login protection"),
        Words(
            "Salasanat tallennetaan vain argon2-tiivisteinä; tili lukittuu toistuvista "
            "epäonnistuneista kirjautumisista, ja yhdestä osoitteesta sallitaan enintään "
            "{failures} epäonnistunutta yritystä {minutes} minuutissa; istunto päättyy "
            "{idle} minuutin käyttämättömyyden jälkeen.",
            "Lösenord lagras endast som argon2-hashvärden; ett konto låses efter upprepade "
            "misslyckade inloggningar, och från en adress tillåts högst {failures} "
            "misslyckade försök på {minutes} minuter; en session upphör efter {idle} minuter "
            "utan användning.",
            "Passwords are stored only as argon2 hashes; an account locks after repeated failed "
            "logins, and one address may fail at most {failures} times in {minutes} minutes; a "
            "session ends after {idle} minutes without use.",
        ),
    ),
    Measure(
        "change-history",
        Words("Muutoshistoria", "Ändringshistorik", "Change history"),
        Words(
            "Jokaisesta henkilötiedon muutoksesta säilytetään aiempi arvo sekä milloin, kuka "
            "ja miksi tietoa muutettiin.",
            "För varje ändring av en personuppgift bevaras det tidigare värdet samt när, av vem "
            "och varför uppgiften ändrades.",
            "Every change of personal data keeps the earlier value, and when, by whom and why "
            "it was changed.",
        ),
    ),
    Measure(
        "private-files",
        Words("Suojatut tiedostot", "Skyddade filer", "Protected files"),
        Words(
            "Rekisterin kirjoittamat tiedostot (luovutukset, kohderyhmät, tietopyyntöjen "
            "vastaukset) ovat vain omistajansa luettavissa ja kirjoitetaan kokonaan tai ei "
            "lainkaan.",
            "Filer som registret skriver (utlämnanden, målgrupper, svar på begäranden) kan "
            "läsas endast av sin ägare och skrivs hela eller inte alls.",
            "Files the register writes (disclosures, audiences, answers to requests) are "
            "readable by their owner only and are written whole or not at all.",
        ),
    ),
    Measure(
        "encrypted-backups",
        Words("Salatut varmuuskopiot", "Krypterade säkerhetskopior", "Encrypted backups"),
        Words(
            "Varmuuskopiot (rekisteri backup) salataan kirjoitettaessa (AES-256-GCM, "
            "tiedostokohtainen avain avainrenkaasta), eikä salaamatonta kopiota kirjoiteta "
            "levylle; muutettu tai katkaistu varmuuskopio hylätään kokonaan. Palautus "
            "(rekisteri restore) tekee uudelleen jokaisen varmuuskopion jälkeen tehdyn "
            "poiston ja säilytysajon poistopäiväkirjan mukaan, joka sisältää vain "
            "avaimellisia tiivisteitä, joten palautus ei tuo poistettua henkilöä takaisin.",
            "Säkerhetskopior (rekisteri backup) krypteras när de skrivs (AES-256-GCM, en "
            "nyckel per fil ur nyckelringen), och ingen okrypterad kopia skrivs till disk; en "
            "ändrad eller avkortad säkerhetskopia avvisas helt. Återställningen (rekisteri "
            "restore) gör om varje radering och gallring som gjorts efter kopian enligt "
            "raderingsjournalen, som endast innehåller nyckelberoende hashvärden, så en "
            "återställning för inte tillbaka en raderad person.",
            "Backups (rekisteri backup) are encrypted as they are written (AES-256-GCM, a key "
            "per file from the keyring), and no unencrypted copy is written to disk; an altered "
            "or cut backup is refused whole. A restore (rekisteri restore) applies again every "
            "erasure and retention run made after the backup, from an erasure journal that "
            "holds only keyed hashes, so a restore does not bring an erased person back.",
        ),
    ),
    Measure(
        "breach-register",
        Words(
            "Tietoturvaloukkausten rekisteri",
            "Register över personuppgiftsincidenter",
            "Breach register",
        ),
        Words(
            "Tietosuojavastaava kirjaa epäillyn tietoturvaloukkauksen (rekisteri breach); "
            "rekisteri laskee käsittelylokista, keiden tietoja ja mitä tietoryhmiä käyttäjä, "
            "tunniste, istunto, luovutustiedosto tai aikaväli koski, näyttää 72 tunnin "
            "määräajan ilmoitukselle tietosuojavaltuutetulle ja kirjaa arvion, ilmoituksen "
            "ja ilmoitukset henkilöille; jokainen vaihe kirjataan lokiin.",
            "Dataskyddsombudet registrerar en misstänkt personuppgiftsincident (rekisteri "
            "breach); registret tar fram ur behandlingsloggen vilkas uppgifter och vilka "
            "kategorier en användare, token, session, utlämnad fil eller tidsperiod berörde, "
            "visar fristen på 72 timmar för anmälan till dataombudsmannen och registrerar "
            "bedömningen, anmälan och meddelandena till personerna; varje steg loggas.",
            "The data protection officer records a suspected breach (rekisteri breach); the "
            "register finds from the audit trail whose data and which categories a user, "
            "token, session, disclosed file or time window touched, shows the 72-hour "
            "deadline for notifying the Data Protection Ombudsman, and records the "
            "assessment, the notification and the notices to the persons; every step is "
            "logged.",
        ),
        # The scope comes from the audit trail: without it, the register cannot answer.
        holds=lambda _cat, settings: settings.audit_enabled,
    ),
    Measure(
        "encrypted-file-store",
        Words("Salattu tiedostovarasto", "Krypterat fillager", "Encrypted file store"),
        Words(
            "Puhelutallenteet salataan jo vastaanotettaessa tiedostovarastoon (AES-256-GCM "
            "osissa, tiedostokohtainen avain avainrenkaasta); selväkielistä ääntä ei "
            "kirjoiteta levylle, jokainen osa tarkistetaan ennen kuin sitä käytetään, ja "
            "säilytysaika ja poisto hävittävät tiedoston.",
            "Samtalsinspelningar krypteras redan när de tas emot i fillagret (AES-256-GCM i "
            "delar, en nyckel per fil ur nyckelringen); inget ljud i klartext skrivs till "
            "disk, varje del kontrolleras innan den används, och gallring och radering "
            "förstör filen.",
            "Call recordings are encrypted as they are received into the file store "
            "(AES-256-GCM in chunks, a key per file from the keyring); no plain audio is "
            "written to disk, each chunk is checked before it is used, and retention and "
            "erasure destroy the file.",
        ),
        holds=lambda cat, _settings: "call_recording" in cat.tables,
    ),
)


def measures_in_force(catalogue: Catalogue, settings: Settings) -> tuple[Measure, ...]:
    return tuple(m for m in MEASURES if m.holds(catalogue, settings))

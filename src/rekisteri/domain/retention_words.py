"""The retention run's own steps and notes in words, in Finnish, Swedish and English.

A run's result counts rows by a name (stored with the run, compared by the DPO's approval, shown
by the CLI in English). A rule applied to a table ("customer_data: contact_point") is worded by
the catalogue's own words for the data and its period (services/rights/run_words); the run's
other steps are named here, and so are the notes that ask the DPO to act. A name without words
here or in the catalogue is a test failure (tests/unit/test_retention_words.py).
"""

from __future__ import annotations

from rekisteri.domain.vocabulary import Words

PURGED_ENDED = "ended customers past the contract period: purged"
KEPT_OPEN_INVOICES = "ended customers past the period kept: open invoices"
RESTRICTED = "restricted: relationship ended"
PROSPECTS = "prospects without permission: purged"
CONTACT_PERSONS = "former contact persons: purged"
READINGS = "readings past their period"
ARCHIVED_READINGS = "archived readings past their period"
AUDIT_ENTRIES = "audit entries past their period: pruned"
TASKS_CLOSED = "staff tasks closed: their row is gone"
FILES_DESTROYED = "call audio files destroyed (encrypted file store)"
LOANS_OVERDUE = "research loans of recordings past their return date"
# Not a count: the files that rows the run deleted named, kept outside the register.
FILES_OUTSIDE = "files outside"

STEPS: dict[str, Words] = {
    PURGED_ENDED: Words(
        "Asiakkaat, joiden sopimustietojen säilytysaika on päättynyt: poistettu kokonaan",
        "Kunder vars avtalsuppgifters lagringstid har löpt ut: helt raderade",
        "Customers past the contract records' period: purged whole",
    ),
    KEPT_OPEN_INVOICES: Words(
        "Säilytysajan ylittäneet asiakkaat, joilla on avoimia laskuja: säilytetty",
        "Kunder efter lagringstiden med obetalda fakturor: sparade",
        "Customers past the period with open invoices: kept",
    ),
    RESTRICTED: Words(
        "Päättyneet asiakkuudet: käsittelyä rajoitettu",
        "Avslutade kundrelationer: behandlingen begränsad",
        "Ended customer relationships: processing restricted",
    ),
    PROSPECTS: Words(
        "Potentiaaliset asiakkaat ilman voimassa olevaa lupaa: poistettu",
        "Potentiella kunder utan gällande tillstånd: raderade",
        "Prospects without a permission in force: purged",
    ),
    CONTACT_PERSONS: Words(
        "Entiset yhteyshenkilöt: poistettu",
        "Tidigare kontaktpersoner: raderade",
        "Former contact persons: purged",
    ),
    READINGS: Words(
        "Säilytysajan ylittäneet mittauslukemat: poistettu",
        "Mätvärden efter lagringstiden: raderade",
        "Meter readings past their period: deleted",
    ),
    ARCHIVED_READINGS: Words(
        "Säilytysajan ylittäneet lukemat lukema-arkistossa: poistettu",
        "Mätvärden efter lagringstiden i mätvärdesarkivet: raderade",
        "Archived meter readings past their period: deleted",
    ),
    AUDIT_ENTRIES: Words(
        "Säilytysajan ylittäneet lokimerkinnät: karsittu",
        "Loggposter efter lagringstiden: gallrade",
        "Audit entries past their period: pruned",
    ),
    TASKS_CLOSED: Words(
        "Henkilöstön tehtävät, joiden kohde on poistettu: suljettu",
        "Personalens uppgifter vars post har raderats: stängda",
        "Staff tasks whose row is gone: closed",
    ),
    FILES_DESTROYED: Words(
        "Puhelutallenteiden äänitiedostot salatussa tiedostovarastossa: hävitetty",
        "Ljudfiler av samtalsinspelningar i det krypterade fillagret: förstörda",
        "Call audio files in the encrypted file store: destroyed",
    ),
    LOANS_OVERDUE: Words(
        "Tallenteiden tutkimuslainat, joiden palautuspäivä on ohitettu",
        "Forskningslån av inspelningar efter återlämningsdagen",
        "Research loans of recordings past their return date",
    ),
}

# What the DPO is asked to act on or know, `{n}` the number. The English ones are the notes
# the CLI prints and the run stores.
NOTES: dict[str, Words] = {
    KEPT_OPEN_INVOICES: Words(
        "Asiakkaita, joiden sopimustietojen säilytysaika on päättynyt mutta joiden tiedot "
        "säilytetään avointen laskujen perimiseksi: {n}.",
        "Kunder vars lagringstid har löpt ut men vars uppgifter sparas för att driva in "
        "obetalda fakturor: {n}.",
        "{n} ended customers past the period kept: open invoices",
    ),
    LOANS_OVERDUE: Words(
        "Tallenteiden tutkimuslainoja, joiden palautuspäivä on ohitettu: {n}. Pyydä "
        "tutkimuslaitosta palauttamaan tai hävittämään tallenteet.",
        "Forskningslån av inspelningar efter återlämningsdagen: {n}. Be forskningsinstitutet "
        "att lämna tillbaka eller förstöra inspelningarna.",
        "{n} recording loans overdue: ask the institute",
    ),
    FILES_OUTSIDE: Words(
        "Poistettujen puhelutallenteiden äänitiedostoja rekisterin ulkopuolella: {n}. Hävitä "
        "ne siellä, missä niitä säilytetään (luettelo alla).",
        "Ljudfiler av raderade samtalsinspelningar utanför registret: {n}. Förstör dem där de "
        "förvaras (förteckning nedan).",
        "{n} audio files of deleted call recordings are kept outside the register: destroy "
        "them where they are kept (listed in the run's result)",
    ),
    FILES_DESTROYED: Words(
        "Puhelutallenteiden äänitiedostoja, jotka hävitetään rekisterin salatusta "
        "tiedostovarastosta, kun ajo on tallennettu: {n}.",
        "Ljudfiler av samtalsinspelningar som förstörs i registrets krypterade fillager när "
        "körningen har sparats: {n}.",
        "{n} audio files destroyed in the register's encrypted file store (once this run commits)",
    ),
}

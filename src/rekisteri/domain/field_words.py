"""The words for the fields of a record as a person reads them (the access report's labels), in
Finnish, Swedish and English.

An attribute of one column is labelled by the catalogue's own words; an attribute of several
columns (an invoice: number, due date, amount...) shows each column under the words here, and so
do the report's own lists (changes, consultations, disclosures). A column without words here
is a test failure (tests/unit/test_field_words.py), so no column name reaches a reader.
"""

from __future__ import annotations

import re

from rekisteri.domain.vocabulary import Lang, Words

_W = Words

FIELDS: dict[str, Words] = {
    "accepted_at": _W("hyväksytty", "godkänt", "accepted"),
    "accepted_how": _W("hyväksymistapa", "hur det godkändes", "how accepted"),
    "action": _W("toimenpide", "åtgärd", "action"),
    "actor": _W("tekijä", "utförare", "done by"),
    "amount": _W("määrä", "belopp", "amount"),
    "amount_cents": _W("summa", "belopp", "amount"),
    "at": _W("aika", "tidpunkt", "time"),
    "attempts": _W("yrityksiä", "försök", "attempts"),
    "attribute": _W("tieto", "uppgift", "item"),
    "attributes": _W("tiedot", "uppgifter", "items"),
    "automated": _W("automaattinen päätös", "automatiskt beslut", "automated decision"),
    "bank_ref": _W("pankin viite", "bankens referens", "bank reference"),
    "booked_on": _W("kirjauspäivä", "bokföringsdag", "booked on"),
    "captured_by": _W("kirjaaja", "registrerad av", "recorded by"),
    "captured_how": _W("miten annettu", "hur det gavs", "how given"),
    "categories": _W("tietoryhmät", "uppgiftsgrupper", "categories"),
    "channel": _W("kanava", "kanal", "channel"),
    "charge_decided_by": _W("maksusta päättänyt", "avgiften beslutad av", "fee decided by"),
    "charge_decision": _W("päätös maksusta", "beslut om avgift", "fee decision"),
    "checked_on": _W("tarkistuspäivä", "kontrolldag", "checked on"),
    "closed_at": _W("suljettu", "avslutat", "closed"),
    "closed_how": _W("miten päättyi", "hur det avslutades", "how closed"),
    "code_sent_at": _W("koodi lähetetty", "koden skickad", "code sent"),
    "codes_sent": _W("lähetettyjä koodeja", "skickade koder", "codes sent"),
    "computed_at": _W("laskettu", "beräknat", "computed"),
    "connection_details": _W("liittymän tiedot", "anslutningsuppgifter", "connection details"),
    "consumption_estimate_kwh": _W(
        "arvioitu vuosikulutus (kWh)", "uppskattad årsförbrukning (kWh)", "yearly estimate (kWh)"
    ),
    "contract_number": _W("sopimusnumero", "avtalsnummer", "contract number"),
    "country": _W("maa", "land", "country"),
    "created_at": _W("luotu", "skapad", "created"),
    "currency": _W("valuutta", "valuta", "currency"),
    "day": _W("päivä", "dag", "day"),
    "decision": _W("päätös", "beslut", "decision"),
    "default_entries": _W("maksuhäiriömerkinnät", "betalningsanmärkningar", "payment defaults"),
    "delivery_method": _W("toimitustapa", "leveranssätt", "delivery method"),
    "deposit_cents": _W("vakuus", "säkerhet", "deposit"),
    "description": _W("kuvaus", "beskrivning", "description"),
    "direction": _W("suunta", "riktning", "direction"),
    "disclosures": _W("luovutukset", "utlämnanden", "disclosures"),
    "downloaded_at": _W("ladattu", "nedladdat", "downloaded"),
    "due_30_days_on": _W("30 päivän määräaika", "30 dagars frist", "30-day deadline"),
    "due_day": _W("eräpäivä kuukaudessa", "förfallodag i månaden", "due day of the month"),
    "due_month_on": _W("kuukauden määräaika", "månadsfrist", "one-month deadline"),
    "due_on": _W("eräpäivä", "förfallodag", "due on"),
    "duration_seconds": _W("kesto (s)", "längd (s)", "length (s)"),
    "email": _W("sähköposti", "e-post", "e-mail"),
    "email_valid_from": _W("sähköposti voimassa alkaen", "e-post giltig från", "e-mail valid from"),
    "email_valid_to": _W("sähköposti voimassa asti", "e-post giltig till", "e-mail valid to"),
    "end_date": _W("päättymispäivä", "slutdag", "end date"),
    "end_reason": _W("päättymisen syy", "orsak till slut", "why it ended"),
    "event": _W("tapahtuma", "händelse", "event"),
    "evidence": _W("todiste", "bevis", "evidence"),
    "evidence_ref": _W("todisteen viite", "bevisets referens", "evidence reference"),
    "excess_cents": _W("liikasuoritus", "överbetalning", "overpayment"),
    "expires_at": _W("vanhenee", "upphör", "expires"),
    "expires_on": _W("voimassa asti", "giltig till", "valid until"),
    "extended_to": _W("jatkettu asti", "förlängd till", "extended to"),
    "extension_notice_on": _W(
        "jatkosta ilmoitettu", "förlängning meddelad", "extension notified on"
    ),
    "extension_reason": _W("jatkon syy", "orsak till förlängning", "why extended"),
    "file_deleted_at": _W("tiedosto poistettu", "filen raderad", "file deleted"),
    "file_destroyed_at": _W("tiedosto hävitetty", "filen förstörd", "file destroyed"),
    "file_ref": _W("tallenteen tunniste", "inspelningens kod", "recording's reference"),
    "file_size": _W("tiedoston koko (tavua)", "filens storlek (byte)", "file size (bytes)"),
    "first_names": _W("etunimet", "förnamn", "first names"),
    "fixed_term_end": _W("määräaika päättyy", "tidsbestämd till", "fixed term ends"),
    "fulfilled_at": _W("käsitelty", "behandlad", "answered"),
    "gave_up_at": _W("luovuttu", "gav upp", "given up"),
    "gsrn": _W("käyttöpaikan tunnus (GSRN)", "mätpunktens kod (GSRN)", "metering point (GSRN)"),
    "handed_over": _W("luovutustapa", "hur det överlämnades", "how handed over"),
    "handed_over_at": _W("luovutettu", "överlämnat", "handed over"),
    "handed_over_by": _W("luovuttaja", "överlämnat av", "handed over by"),
    "handed_over_note": _W(
        "luovutuksen huomautus", "anteckning om överlämnandet", "hand-over note"
    ),
    "handled_by": _W("käsittelijä", "handläggare", "handled by"),
    "held_at": _W("pidetty", "hållen", "held"),
    "hour_start": _W("tunti alkaen", "timmen från", "hour from"),
    "how": _W("tapa", "sätt", "how"),
    "impossible_reason": _W("miksi ei mahdollista", "varför inte möjligt", "why not possible"),
    "installed_on": _W("asennettu", "installerad", "installed on"),
    "invoice_number": _W("laskun numero", "fakturanummer", "invoice number"),
    "ip_address": _W("IP-osoite", "IP-adress", "IP address"),
    "issued_on": _W("laskun päiväys", "fakturadatum", "issued on"),
    "kept_until": _W("säilytetään asti", "sparas till", "kept until"),
    "kind": _W("laji", "typ", "kind"),
    "lang": _W("kieli", "språk", "language"),
    "last_login_at": _W("viimeksi kirjautunut", "senast inloggad", "last signed in"),
    "last_name": _W("sukunimi", "efternamn", "last name"),
    "legal_basis": _W("peruste", "grund", "basis"),
    "locked_at": _W("lukittu", "låst", "locked"),
    "login": _W("käyttäjätunnus", "användarnamn", "user name"),
    "match_key": _W("vertailuavain", "jämförelsenyckel", "match key"),
    "matched_at": _W("yhdistetty", "matchad", "matched"),
    "method": _W("tapa", "sätt", "method"),
    "missing": _W("puuttuvia", "saknade", "missing"),
    "month": _W("kuukausi", "månad", "month"),
    "moved_on": _W("muuttopäivä", "flyttdag", "moving day"),
    "name": _W("nimi", "namn", "name"),
    "new_country": _W("uusi maa", "nytt land", "new country"),
    "new_post_office": _W("uusi postitoimipaikka", "ny postanstalt", "new post office"),
    "new_postal_code": _W("uusi postinumero", "nytt postnummer", "new postal code"),
    "new_street": _W("uusi katuosoite", "ny gatuadress", "new street address"),
    "new_value": _W("uusi arvo", "nytt värde", "new value"),
    "night_wh": _W("yökulutus (kWh)", "nattförbrukning (kWh)", "night use (kWh)"),
    "note": _W("merkintä", "anteckning", "note"),
    "notice": _W("ilmoitustapa", "hur meddelandet gick", "how notified"),
    "notified_by": _W("ilmoittaja", "anmälare", "notified by"),
    "notified_on": _W("ilmoitettu", "anmäld", "notified on"),
    "offer_sent_at": _W("tarjous lähetetty", "offert skickad", "offer sent"),
    "offer_sent_how": _W("tarjouksen lähetystapa", "hur offerten skickades", "offer sent how"),
    "old_kwh": _W("korvattu arvo (kWh)", "ersatt värde (kWh)", "replaced value (kWh)"),
    "old_value": _W("vanha arvo", "gammalt värde", "old value"),
    "outcome": _W("tulos", "resultat", "outcome"),
    "paid_on": _W("maksupäivä", "betalningsdag", "paid on"),
    "payer_name": _W("maksajan nimi", "betalarens namn", "payer's name"),
    "peak_start": _W("huipun alku", "toppens början", "peak start"),
    "peak_wh": _W("huippukulutus (kWh)", "toppförbrukning (kWh)", "peak use (kWh)"),
    "phone": _W("puhelinnumero", "telefonnummer", "phone number"),
    "phone_valid_from": _W(
        "puhelinnumero voimassa alkaen", "telefonnummer giltigt från", "phone valid from"
    ),
    "phone_valid_to": _W(
        "puhelinnumero voimassa asti", "telefonnummer giltigt till", "phone valid to"
    ),
    "post_office": _W("postitoimipaikka", "postanstalt", "post office"),
    "postal_code": _W("postinumero", "postnummer", "postal code"),
    "postal_valid_from": _W(
        "postiosoite voimassa alkaen", "postadress giltig från", "postal address valid from"
    ),
    "postal_valid_to": _W(
        "postiosoite voimassa asti", "postadress giltig till", "postal address valid to"
    ),
    "powers": _W("valtuudet", "befogenheter", "powers"),
    "previous_post_office": _W(
        "aiempi postitoimipaikka", "tidigare postanstalt", "previous post office"
    ),
    "previous_postal_code": _W("aiempi postinumero", "tidigare postnummer", "previous postal code"),
    "previous_street": _W("aiempi katuosoite", "tidigare gatuadress", "previous street address"),
    "product": _W("tuote", "produkt", "product"),
    "purpose": _W("käyttötarkoitus", "ändamål", "purpose"),
    "purpose_code": _W("käyttötarkoituskoodi", "ändamålskod", "purpose-of-use code"),
    "quality": _W("laatu", "kvalitet", "quality"),
    "quarantined_at": _W("selvitykseen", "till utredning", "put under review"),
    "queued_at": _W("jonoon", "i kö", "queued"),
    "readings": _W("lukemat", "mätvärden", "readings"),
    "reason": _W("syy", "orsak", "reason"),
    "received_how": _W("saapumistapa", "hur den kom in", "received how"),
    "received_on": _W("saapunut", "inkommen", "received on"),
    "recipient": _W("vastaanottaja", "mottagare", "recipient"),
    "recorded_at": _W("tallennettu", "inspelad", "recorded"),
    "reference": _W("viite", "referens", "reference"),
    "registered_at": _W("rekisteröitynyt", "registrerad", "registered"),
    "registered_on": _W("rekisteröity", "registrerad", "registered on"),
    "reminders": _W("muistutuksia", "påminnelser", "reminders"),
    "removed_on": _W("poistettu", "borttagen", "removed on"),
    "replaced_at": _W("korvattu", "ersatt", "replaced"),
    "replaced_by": _W("korvannut tiedosto", "ersatt av filen", "replaced by the file"),
    "resolution": _W("mittausväli", "mätintervall", "interval"),
    "restricted": _W("käsittelyä rajoitettu", "behandlingen begränsad", "processing restricted"),
    "restricted_reason": _W("rajoituksen syy", "orsak till begränsning", "why restricted"),
    "review_deposit_cents": _W(
        "vakuus uudelleenarvioinnissa", "säkerhet vid omprövning", "deposit after review"
    ),
    "review_note": _W("uudelleenarvioinnin merkintä", "anteckning vid omprövning", "review note"),
    "review_outcome": _W("uudelleenarvioinnin tulos", "resultat av omprövning", "review outcome"),
    "review_requested_at": _W("uudelleenarviointia pyydetty", "omprövning begärd", "review asked"),
    "reviewed_at": _W("arvioitu uudelleen", "omprövad", "reviewed"),
    "reviewed_by": _W("uudelleenarvioija", "omprövad av", "reviewed by"),
    "rhythm": _W("laskutusväli", "faktureringsintervall", "billing interval"),
    "role": _W("rooli", "roll", "role"),
    "row_id": _W("rivin tunniste", "radens nummer", "row number"),
    "rows": _W("tietueita", "poster", "records"),
    "rules": _W("säännöt", "regler", "rules"),
    "sales_call": _W("myyntipuhelu", "försäljningssamtal", "sales call"),
    "sales_call_at": _W("myyntipuhelun aika", "försäljningssamtalets tid", "sales call at"),
    "satisfaction": _W("tyytyväisyys", "nöjdhet", "satisfaction"),
    "segment": _W("kohderyhmä", "målgrupp", "target group"),
    "sent_at": _W("lähetetty", "skickat", "sent"),
    "slots": _W("mittausjaksoja", "mätperioder", "intervals"),
    "source": _W("lähde", "källa", "source"),
    "start": _W("jakson alku", "periodens början", "interval start"),
    "start_date": _W("alkamispäivä", "startdag", "start date"),
    "start_ts": _W("alku", "början", "start"),
    "state": _W("tila", "status", "state"),
    "status": _W("tila", "status", "status"),
    "street": _W("katuosoite", "gatuadress", "street address"),
    "study": _W("tutkimus", "studie", "study"),
    "table_name": _W("taulu", "tabell", "table"),
    "text": _W("teksti", "text", "text"),
    "topic": _W("aihe", "ämne", "topic"),
    "trade_status": _W("kaupparekisterin tila", "handelsregistrets status", "trade register"),
    "trade_status_on": _W(
        "kaupparekisterin tila päivältä", "handelsregistrets status den", "trade register as of"
    ),
    "ts": _W("aika", "tidpunkt", "time"),
    "until": _W("asti", "till", "until"),
    "user_agent": _W("selain", "webbläsare", "browser"),
    "valid_from": _W("voimassa alkaen", "giltig från", "valid from"),
    "valid_to": _W("voimassa asti", "giltig till", "valid to"),
    "verified_at": _W("tunnistettu", "identifierad", "verified"),
    "verified_by": _W("tunnistaja", "identifierad av", "verified by"),
    "verified_how": _W("tunnistustapa", "identifieringssätt", "verified how"),
    "wh": _W("kulutus (kWh)", "förbrukning (kWh)", "use (kWh)"),
    "wh_sum": _W("kulutus yhteensä (kWh)", "förbrukning totalt (kWh)", "total use (kWh)"),
    "what": _W("mitä", "vad", "what"),
    "why": _W("miksi", "varför", "why"),
    "wording": _W("sanamuoto", "formulering", "wording"),
    "wording_version": _W("sanamuodon versio", "formuleringens version", "wording version"),
    "wrong_codes": _W("vääriä koodeja", "felaktiga koder", "wrong codes"),
}

# The audiences' last contacts (person_reach.contacted_N_at): one word, numbered.
_CONTACTED = re.compile(r"^contacted_(\d+)_at$")
_CONTACTED_WORDS = _W("{n}. viimeisin yhteydenotto", "{n}:e senaste kontakt", "contact {n} back")


def known(column: str) -> bool:
    return column in FIELDS or bool(_CONTACTED.match(column))


def field_label(column: str, lang: Lang | str) -> str:
    """The words for a field in `lang` (its column name, spaced, if it has none: a test fails
    on that before a reader could see it)."""
    if column in FIELDS:
        return FIELDS[column].in_(lang)
    numbered = _CONTACTED.match(column)
    if numbered:
        return _CONTACTED_WORDS.in_(lang).format(n=numbered.group(1))
    return column.replace("_", " ")

"""The preference pages' own words in Finnish, Swedish and English."""

from __future__ import annotations

from rekisteri.catalogue import Lang, Words

TEXTS: dict[str, Words] = {
    "title": Words(
        # A soft hyphen where the compound joins: a phone breaks the word there, not anywhere.
        "Suoramarkkinointi\u00adasetukset",
        "Inställningar för direktmarknadsföring",
        "Direct-marketing settings",
    ),
    "intro": Words(
        "Tällä sivulla näet ja voit muuttaa, miten saamme ottaa sinuun yhteyttä. Markkinoimme "
        "vain muutamia kertoja vuodessa. Asiakasviestintä, kuten asiakaslehti, tilaamasi "
        "uutiskirje ja määräaikaisen sopimuksen uusintatarjous, ei ole suoramarkkinointia.",
        "På den här sidan ser du och kan ändra hur vi får kontakta dig. Vi marknadsför endast "
        "några gånger om året. Kundkommunikation, som kundtidningen, ett nyhetsbrev du "
        "beställt och förnyelseerbjudandet för ett tidsbundet avtal, är inte "
        "direktmarknadsföring.",
        "On this page you see, and can change, how we may contact you. We market only a few "
        "times a year. Customer communication, such as the customer magazine, a newsletter you "
        "ordered and the renewal offer of a fixed-term contract, is not direct marketing.",
    ),
    "what": Words("Mitä", "Vad", "What"),
    "channel": Words("Kanava", "Kanal", "Channel"),
    "allowed": Words("Sallittu", "Tillåtet", "Allowed"),
    "save": Words("Tallenna asetukset", "Spara inställningarna", "Save settings"),
    "saved": Words(
        "Asetuksesi on tallennettu.",
        "Dina inställningar har sparats.",
        "Your settings have been saved.",
    ),
    "confirm_sent": Words(
        "Lähetimme vahvistuslinkin sähköpostiisi. Sähköpostimarkkinointi alkaa vasta, kun "
        "avaat linkin.",
        "Vi skickade en bekräftelselänk till din e-post. E-postmarknadsföringen börjar först "
        "när du öppnar länken.",
        "We sent a confirmation link to your e-mail. E-mail marketing starts only when you "
        "open the link.",
    ),
    "confirm_queued": Words(
        "Vahvistuslinkin lähetys sähköpostiisi viivästyy hetken, koska postipalvelimemme ei "
        "juuri nyt vastaa. Lähetämme sen automaattisesti heti, kun se onnistuu. "
        "Sähköpostimarkkinointi alkaa vasta, kun avaat linkin.",
        "Bekräftelselänken till din e-post dröjer en stund eftersom vår e-postserver inte svarar "
        "just nu. Vi skickar den automatiskt så snart det går. E-postmarknadsföringen börjar "
        "först när du öppnar länken.",
        "The confirmation link to your e-mail is delayed a little because our mail server is not "
        "answering right now. We send it automatically as soon as we can. E-mail marketing "
        "starts only when you open the link.",
    ),
    "phone_help": Words(
        "Voit tarkistaa asetuksesi myös soittamalla asiakaspalveluun.",
        "Du kan också kontrollera dina inställningar genom att ringa kundtjänsten.",
        "You can also check your settings by calling customer service.",
    ),
    "confirm_title": Words(
        "Vahvista sähköpostitilaus",
        "Bekräfta e-postbeställningen",
        "Confirm your e-mail subscription",
    ),
    "confirm_button": Words("Vahvistan", "Jag bekräftar", "I confirm"),
    "confirmed": Words(
        "Kiitos, tilaus on vahvistettu.",
        "Tack, beställningen är bekräftad.",
        "Thank you, the subscription is confirmed.",
    ),
    "unsubscribe_title": Words("Peru tilaus", "Avbeställ", "Unsubscribe"),
    "unsubscribe_button": Words("Peru tilaus", "Avbeställ", "Unsubscribe"),
    "unsubscribe_what": Words(
        "Peruutat tämän: {what}. Muut asetuksesi pysyvät ennallaan.",
        "Du avbeställer detta: {what}. Dina övriga inställningar förblir som de är.",
        "You are unsubscribing from: {what}. Your other settings stay as they are.",
    ),
    "unsubscribed": Words(
        "Tilaus on peruttu: {what}. Et saa enää näitä viestejä.",
        "Avbeställt: {what}. Du får inte längre dessa meddelanden.",
        "Unsubscribed: {what}. You will no longer receive these messages.",
    ),
    "version": Words("Tekstien versio", "Textversion", "Text version"),
}


def page_words(lang: Lang) -> dict[str, str]:
    """Every word of the preference pages in `lang`, for the template (`t.title`)."""
    return {key: words.in_(lang) for key, words in TEXTS.items()}

"""The preference pages' own words in Finnish, Swedish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Suoramarkkinointiasetukset",
        "intro": "Tällä sivulla näet ja voit muuttaa, miten saamme ottaa sinuun yhteyttä. "
        "Markkinoimme vain muutamia kertoja vuodessa. Asiakasviestintä, kuten asiakaslehti, "
        "tilaamasi uutiskirje ja määräaikaisen sopimuksen uusintatarjous, ei ole "
        "suoramarkkinointia.",
        "what": "Mitä",
        "channel": "Kanava",
        "allowed": "Sallittu",
        "save": "Tallenna asetukset",
        "saved": "Asetuksesi on tallennettu.",
        "confirm_sent": "Lähetimme vahvistuslinkin sähköpostiisi. Sähköpostimarkkinointi "
        "alkaa vasta, kun avaat linkin.",
        "phone_help": "Voit tarkistaa asetuksesi myös soittamalla asiakaspalveluun.",
        "confirm_title": "Vahvista sähköpostitilaus",
        "confirm_button": "Vahvistan",
        "confirmed": "Kiitos, tilaus on vahvistettu.",
        "unsubscribe_title": "Peru tilaus",
        "unsubscribe_button": "Peru tilaus",
        "unsubscribed": "Et saa enää näitä viestejä.",
        "version": "Tekstien versio",
    },
    "sv": {
        "title": "Inställningar för direktmarknadsföring",
        "intro": "På den här sidan ser du och kan ändra hur vi får kontakta dig. Vi "
        "marknadsför endast några gånger om året. Kundkommunikation, som kundtidningen, ett "
        "nyhetsbrev du beställt och förnyelseerbjudandet för ett tidsbundet avtal, är inte "
        "direktmarknadsföring.",
        "what": "Vad",
        "channel": "Kanal",
        "allowed": "Tillåtet",
        "save": "Spara inställningarna",
        "saved": "Dina inställningar har sparats.",
        "confirm_sent": "Vi skickade en bekräftelselänk till din e-post. E-postmarknadsföringen "
        "börjar först när du öppnar länken.",
        "phone_help": "Du kan också kontrollera dina inställningar genom att ringa kundtjänsten.",
        "confirm_title": "Bekräfta e-postbeställningen",
        "confirm_button": "Jag bekräftar",
        "confirmed": "Tack, beställningen är bekräftad.",
        "unsubscribe_title": "Avbeställ",
        "unsubscribe_button": "Avbeställ",
        "unsubscribed": "Du får inte längre dessa meddelanden.",
        "version": "Textversion",
    },
    "en": {
        "title": "Direct-marketing settings",
        "intro": "On this page you see, and can change, how we may contact you. We market "
        "only a few times a year. Customer communication, such as the customer magazine, a "
        "newsletter you ordered and the renewal offer of a fixed-term contract, is not direct "
        "marketing.",
        "what": "What",
        "channel": "Channel",
        "allowed": "Allowed",
        "save": "Save settings",
        "saved": "Your settings have been saved.",
        "confirm_sent": "We sent a confirmation link to your e-mail. E-mail marketing starts "
        "only when you open the link.",
        "phone_help": "You can also check your settings by calling customer service.",
        "confirm_title": "Confirm your e-mail subscription",
        "confirm_button": "I confirm",
        "confirmed": "Thank you, the subscription is confirmed.",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed": "You will no longer receive these messages.",
        "version": "Text version",
    },
}

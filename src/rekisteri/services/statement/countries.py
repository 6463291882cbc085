"""Country names for the transfer paragraph (P10), in fi, sv and en.

The countries with a Commission adequacy decision and the usual destinations of processors;
any other country is named by its ISO 3166 code, which is still exact.
"""

from __future__ import annotations

from rekisteri.domain.vocabulary import Lang, Words

COUNTRY_NAMES: dict[str, Words] = {
    "AD": Words("Andorra", "Andorra", "Andorra"),
    "AR": Words("Argentiina", "Argentina", "Argentina"),
    "AU": Words("Australia", "Australien", "Australia"),
    "BR": Words("Brasilia", "Brasilien", "Brazil"),
    "CA": Words("Kanada", "Kanada", "Canada"),
    "CH": Words("Sveitsi", "Schweiz", "Switzerland"),
    "CN": Words("Kiina", "Kina", "China"),
    "FO": Words("Färsaaret", "Färöarna", "Faroe Islands"),
    "GB": Words("Yhdistynyt kuningaskunta", "Förenade kungariket", "United Kingdom"),
    "GG": Words("Guernsey", "Guernsey", "Guernsey"),
    "IL": Words("Israel", "Israel", "Israel"),
    "IM": Words("Mansaari", "Isle of Man", "Isle of Man"),
    "IN": Words("Intia", "Indien", "India"),
    "JE": Words("Jersey", "Jersey", "Jersey"),
    "JP": Words("Japani", "Japan", "Japan"),
    "KR": Words("Etelä-Korea", "Sydkorea", "South Korea"),
    "NZ": Words("Uusi-Seelanti", "Nya Zeeland", "New Zealand"),
    "SG": Words("Singapore", "Singapore", "Singapore"),
    "US": Words("Yhdysvallat", "USA", "United States"),
    "UY": Words("Uruguay", "Uruguay", "Uruguay"),
}


def country_name(code: str, lang: Lang) -> str:
    names = COUNTRY_NAMES.get(code)
    return names.in_(lang) if names else code

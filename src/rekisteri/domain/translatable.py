"""A marker for English texts that pages show translated.

`N_("...")` returns the text unchanged; `make messages` extracts the marked texts into the web
pages' gettext catalogues (fi, sv, en), and the page translates them where it shows them. The
domain stays free of any language machinery, and the command line keeps the English words.
"""

from __future__ import annotations


def N_(text: str) -> str:
    return text

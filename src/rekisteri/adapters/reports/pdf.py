"""An HTML document as PDF, rendered by WeasyPrint (as the access report's PDF is), so the
printed document says what its HTML says."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading it takes a moment

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf

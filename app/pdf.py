"""PDF documents from HTML (WeasyPrint), the one way every area makes them."""

from __future__ import annotations

# Tagged PDF (PDF/UA-1): a structure tree of headings, paragraphs, lists and tables that screen
# readers follow, marked as such, with the document language from the HTML root's `lang`
# (every template that becomes a PDF sets it) and the <title> shown as the document's title.
PDF_VARIANT = "pdf/ua-1"


def write_pdf(html: str) -> bytes:
    """Render without any external resource: no base URL and a fetcher that allows nothing, so a
    document can never make the server fetch an address (its styles and fonts are inline)."""
    from weasyprint import HTML, URLFetcher  # heavy import, only where a PDF is made

    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))

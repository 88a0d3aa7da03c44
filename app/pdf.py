"""PDF documents from HTML (WeasyPrint), the one way every area makes them."""

from __future__ import annotations


def write_pdf(html: str) -> bytes:
    """Render without any external resource: no base URL and a fetcher that allows nothing, so a
    document can never make the server fetch an address (its styles and fonts are inline)."""
    from weasyprint import HTML, URLFetcher  # heavy import, only where a PDF is made

    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    return bytes(document.write_pdf())

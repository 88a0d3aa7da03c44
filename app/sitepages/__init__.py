"""The site's own pages: the accessibility statement and the privacy notice, in each language,
edited by the administrator (defaults in `data/`)."""

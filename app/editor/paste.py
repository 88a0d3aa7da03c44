"""Pasted HTML (Word, a web page) to Markdown: the formatting an author means (headings, bold,
italic, lists, tables, links) is kept, everything else is dropped.

This only converts: the Markdown goes into the author's textarea and, like any text, through
`app.markdown.render_markdown` (raw HTML off, then nh3) whenever it is shown. Nothing here is
trusted to make HTML safe.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import PreformattedString
from markdownify import ATX, BACKSLASH, MarkdownConverter

from app.errors import PayloadTooLarge

# Far beyond a long statement in Word (whose clipboard HTML is mostly styles); the app's body
# limit (MAX_REQUEST_BYTES) may cut it earlier.
MAX_HTML_BYTES = 1024 * 1024

# Dropped with everything inside: code, styles, metadata, embedded and interactive things, media
# (an image pasted from Word points to the author's own disk).
DROPPED = frozenset({
    "script", "style", "head", "title", "meta", "link", "base", "template", "noscript", "iframe",
    "frame", "frameset", "object", "embed", "applet", "svg", "math", "canvas", "audio", "video",
    "picture", "img", "map", "input", "button", "select", "textarea", "option", "xml",
})  # fmt: skip
# Attributes that survive cleaning; every class, style, id, lang and event handler goes.
KEPT_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "td": {"colspan"}, "th": {"colspan"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Deeper elements keep only their text: markdownify (and bs4's smooth) recurse per level.
MAX_DEPTH = 100
WORD_HEADINGS = {"MsoTitle": "h1", "MsoSubtitle": "h2"}

_MSO_LIST = re.compile(r"mso-list:\s*l(\d+)\s+level(\d+)", re.I)
_MSO_IGNORE = re.compile(r"mso-list:\s*ignore", re.I)
_BOLD = re.compile(r"font-weight:\s*(bold|[6-9]00)", re.I)
_NOT_BOLD = re.compile(r"font-weight:\s*(normal|[1-4]00)", re.I)
_ITALIC = re.compile(r"font-style:\s*italic", re.I)
_ORDERED_MARKER = re.compile(r"^\(?(\d{1,9}|[a-z]|[ivxlcdm]{1,6})[.)]$", re.I)
# Control characters (tab and line breaks aside) and invisible format characters (zero-width
# spaces, direction marks, soft hyphens, byte-order marks): the forms refuse the former, and
# nobody can see or edit the latter.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    r"\u2066-\u2069\ufeff\ud800-\udfff]"
)
_SPACES = re.compile(r"[\xa0\r\n]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+$", re.M)


def decode(body: bytes) -> str:
    """The pasted HTML sent as the request's body, refused (413) over `MAX_HTML_BYTES`."""
    if len(body) > MAX_HTML_BYTES:
        raise PayloadTooLarge(MAX_HTML_BYTES)
    return body.decode("utf-8", errors="replace")


def html_to_markdown(html: str) -> str:
    """Markdown for pasted HTML: Word's markup and any code removed, the structure kept."""
    soup = BeautifulSoup(html, "html.parser")
    _limit_depth(soup)
    _remove_junk(soup)
    _word_lists(soup)
    _word_styles(soup)
    _strip_attributes(soup)
    _plain_spaces(soup)
    _escape_cells_and_links(soup)
    markdown = MarkdownConverter(
        heading_style=ATX,
        bullets="-",
        newline_style=BACKSLASH,
        table_infer_header=True,  # Word's tables have no <th>: the first row is the heading
        escape_misc=False,  # keep the text readable; it is Markdown with raw HTML off anyway
    ).convert_soup(soup)
    return _tidy(markdown)


def _style(tag: Tag) -> str:
    value = tag.get("style")
    return value if isinstance(value, str) else ""


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    return [value] if isinstance(value, str) else list(value or [])


def _limit_depth(soup: BeautifulSoup) -> None:
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in list(node.children):
            if isinstance(child, Tag):
                if depth + 1 >= MAX_DEPTH:
                    child.replace_with(child.get_text())
                else:
                    stack.append((child, depth + 1))


def _remove_junk(soup: BeautifulSoup) -> None:
    """Comments (Word's conditional ones too), declarations, code and Office-only tags."""
    # extract(), not decompose(): a tag inside one already taken out is taken out again harmlessly
    for node in soup.find_all(string=lambda s: isinstance(s, PreformattedString)):
        node.extract()
    for tag in soup.find_all(lambda t: (t.name or "").lower() in DROPPED):
        tag.extract()
    for tag in soup.find_all(lambda t: ":" in (t.name or "")):
        tag.unwrap()  # <o:p>, <w:sdt>, <v:shape>…: Office's own tags, keep only their text


def _list_marker(tag: Tag) -> str:
    """The number or bullet Word wrote in its `mso-list:Ignore` span (then drops the span)."""
    marker = ""
    for span in tag.find_all(style=_MSO_IGNORE):
        marker = marker or span.get_text().replace("\xa0", " ").strip()
        span.extract()
    return marker


def _word_lists(soup: BeautifulSoup) -> None:
    """Word writes list items as paragraphs styled `mso-list:lN levelM` with the bullet as text;
    turn each run of them into real (nested) <ul>/<ol>."""
    for li in soup.find_all("li"):  # real lists need no marker of their own
        _list_marker(li)
    for tag in soup.find_all(style=_MSO_LIST):
        if tag.name == "li" or tag.parent is None:  # no parent: taken into a list already
            continue
        if tag.name != "p":  # a numbered heading keeps its number as text
            marker = _list_marker(tag)
            if marker:
                tag.insert(0, marker + " ")
            continue
        _build_list(soup, tag)  # the first of a run: the others are taken with it


def _is_list_paragraph(tag: Tag | None) -> bool:
    return tag is not None and tag.name == "p" and bool(_MSO_LIST.search(_style(tag)))


def _build_list(soup: BeautifulSoup, first: Tag) -> None:
    run = [first]
    while _is_list_paragraph(nxt := run[-1].find_next_sibling()):
        assert nxt is not None
        run.append(nxt)
    stack: list[tuple[int, Tag]] = []  # (level, list) from the outermost in
    for paragraph in run:
        match = _MSO_LIST.search(_style(paragraph))
        level = int(match.group(2)) if match else 1
        marker = _list_marker(paragraph)
        while stack and stack[-1][0] > level:
            stack.pop()
        if not stack or stack[-1][0] < level:
            ordered = bool(_ORDERED_MARKER.match(marker))
            new = soup.new_tag("ol" if ordered else "ul")
            if ordered and marker.strip("().").isdigit() and int(marker.strip("().")) > 1:
                new["start"] = marker.strip("().")
            if stack:
                items = stack[-1][1].find_all("li", recursive=False)
                (items[-1] if items else stack[-1][1]).append(new)
            else:
                paragraph.insert_before(new)
            stack.append((level, new))
        item = soup.new_tag("li")
        item.extend(list(paragraph.contents))
        stack[-1][1].append(item)
        paragraph.extract()


def _word_styles(soup: BeautifulSoup) -> None:
    """What Word and web editors say with classes and inline styles, said with tags: a title
    paragraph is a heading, a bold or italic span is <strong>/<em>, Google Docs' <b> around
    the whole paste is not bold."""
    for tag in soup.find_all(["p", "div"]):
        for name in _classes(tag):
            if name in WORD_HEADINGS:
                tag.name = WORD_HEADINGS[name]
    for tag in soup.find_all(["b", "strong"]):
        if _NOT_BOLD.search(_style(tag)):
            tag.unwrap()
    for tag in soup.find_all("span"):
        style = _style(tag)
        if _BOLD.search(style):
            tag.wrap(soup.new_tag("strong"))
        if _ITALIC.search(style):
            tag.wrap(soup.new_tag("em"))


def _strip_attributes(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(True):
        kept: dict[str, str] = {}
        for key, value in tag.attrs.items():
            if key in KEPT_ATTRIBUTES.get(tag.name, ()) and isinstance(value, str):
                kept[key] = value
        href = safe_href(kept.pop("href", ""))
        if href:
            kept["href"] = href
        tag.attrs = {k: v for k, v in kept.items() if k == "href" or v.isdigit()}


def _plain_spaces(soup: BeautifulSoup) -> None:
    """Word spaces with no-break spaces (`mso-spacerun`) and wraps its lines as it likes; in
    HTML a line break outside <pre> is a space, and Markdown wants plain ones. Texts left side
    by side by removed tags are joined first, so that their spaces collapse into one."""
    soup.smooth()
    has_pre = soup.find("pre") is not None
    for text in soup.find_all(string=_SPACES):
        if not has_pre or not any(parent.name == "pre" for parent in text.parents):
            text.replace_with(_SPACES.sub(" ", text))


def _escape_cells_and_links(soup: BeautifulSoup) -> None:
    """A "|" would split a table cell, a "]" end a link's text early."""
    for text in soup.find_all(string=re.compile(r"[|\[\]]")):
        names = {parent.name for parent in text.parents}
        escaped = str(text)
        if names & {"td", "th"}:
            escaped = escaped.replace("|", r"\|")
        if "a" in names:
            escaped = escaped.replace("[", r"\[").replace("]", r"\]")
        if escaped != text:
            text.replace_with(escaped)


def safe_href(href: str) -> str | None:
    """A link worth keeping: absolute http(s) or mailto, without what would end a Markdown
    link early (spaces, brackets); a page's own anchors and local files are dropped."""
    href = href.strip()
    if not href:
        return None
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    if scheme not in LINK_SCHEMES:
        return None
    return quote(href, safe="/:?#[]@!$&'*+,;=%~-._")


def _tidy(markdown: str) -> str:
    markdown = unicodedata.normalize("NFC", markdown)
    markdown = _INVISIBLE.sub("", markdown)
    markdown = _TRAILING_SPACES.sub("", markdown)
    return _MANY_BLANK_LINES.sub("\n\n", markdown).strip()

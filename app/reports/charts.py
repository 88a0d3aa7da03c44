"""Server-rendered SVG charts for the reports dashboard (no chart library, no script).

Each function returns an inline ``<svg>`` element as `Markup`, for ``{{ chart }}`` in a template.
The page always shows the same figures in a data table next to the chart; the chart is a picture
of that table (``role="img"`` with a ``<title>`` and ``<desc>``), and every bar carries its own
``<title>`` tooltip. A chart whose bars link to the lists behind them is a ``role="group"``
named by the same title and described by the same text instead (an image may hold no link): each
link is named by its tooltip (its ``<title>``), and the axis is hidden from assistive technology.

The strict content security policy forbids ``style`` attributes and ``<style>`` elements, so the
colours come from classes styled in ``static/css/app.css`` ("Reports: charts"); the same colours
are repeated as presentation attributes (``fill``, ``stroke``), which any CSS rule overrides, so
the chart stays readable without the stylesheet. Every text and address is escaped with
`markupsafe.escape`; a bar links only to a relative address that starts with ``/``.

The drawing is sized in ``viewBox`` units and scales to the width of its container; the text is
sized for a container about as wide as the ``viewBox`` (a phone shows it somewhat smaller).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"
LABEL_MAX_CHARS = 40  # bar_chart: longer labels are cut with "…" (the tooltip keeps them whole)
COLUMN_LABEL_MAX_CHARS = 16  # column_chart: the labels under the columns

# Fallback colours (the palette of app.css), used when the stylesheet does not apply.
INK = "#1b1f24"
MUTED = "#4a5360"
LINE = "#c9ced6"
BRAND = "#0b4f8a"
OK = "#1d6b35"
ERROR = "#b3261e"
ERROR_PALE = "#fbeceb"

FONT_SIZE = 12
# The viewBox widths: about as wide as a phone's screen in CSS pixels, so the 12-unit text stays
# near 10 px on a phone (app.css caps a chart at 34rem, where it is near 16 px).
COLUMN_CHART_WIDTH = 400.0
BAR_CHART_WIDTH = 400.0
SIDE_LABEL_SHARE = 0.4  # bar_chart: labels wider than this share of the width go above the bars
CHAR_WIDTH = 0.56  # average advance of a sans-serif character, in ems (a width estimate)

_serial = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart."""

    label: str  # e.g. "01/2026", "Sở Y tế", "Tiếng Anh"
    value: float  # the measured value (a count or a percent)
    target: float | None = None  # the required minimum for this bar (drawn as a marker line)
    href: str = ""  # the list behind the bar; a relative address starting with "/" becomes a link
    note: str = ""  # extra text for the tooltip, e.g. "3 / 4"


# --- helpers -------------------------------------------------------------------------------------


def _finite(value: float | None) -> float:
    """A value usable for drawing: NaN, infinities and negatives draw as zero."""
    if value is None or not math.isfinite(value):
        return 0.0
    return max(float(value), 0.0)


def _is_whole(value: float) -> bool:
    return math.isfinite(value) and float(value).is_integer()


def format_number(value: float) -> str:
    """A count as an integer ("12"), anything else with one decimal ("83.3")."""
    if not math.isfinite(value):
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _with_unit(text: str, unit: str) -> str:
    """A value and its unit: "83" and "%" give "83%"; "3" and "ngày" give "3 ngày"."""
    if not unit:
        return text
    return f"{text} {unit}" if unit[0].isalnum() else f"{text}{unit}"


def _n(x: float) -> str:
    """A coordinate for an attribute: at most two decimals, no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _attrs(**attrs: str | float | None) -> str:
    """Escaped attributes; a trailing underscore is dropped and other underscores become dashes."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        key = name.rstrip("_").replace("_", "-")
        text = _n(value) if isinstance(value, int | float) else value
        parts.append(f' {key}="{escape(text)}"')
    return "".join(parts)


def _el(tag: str, content: str = "", **attrs: str | float | None) -> str:
    if content:
        return f"<{tag}{_attrs(**attrs)}>{content}</{tag}>"
    return f"<{tag}{_attrs(**attrs)}/>"


def _text(text: str, **attrs: str | float | None) -> str:
    return f"<text{_attrs(**attrs)}>{escape(text)}</text>"


def safe_href(href: str) -> str:
    """The address if it is a relative address on this site ("/…"), else ""."""
    if not href.startswith("/") or href.startswith(("//", "/\\")):
        return ""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in href):  # browsers drop tabs, newlines
        return ""
    return href


def _truncate(label: str, limit: int) -> str:
    if len(label) <= limit:
        return label
    return label[: limit - 1].rstrip() + "…"


def _text_width(text: str, font_size: float = FONT_SIZE) -> float:
    return len(text) * font_size * CHAR_WIDTH


def nice_ticks(top: float, *, whole: bool, count: int = 4) -> list[float]:
    """Round ticks 0, step, 2·step… up to the first tick >= `top` (integers when `whole`)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * magnitude
        if candidate >= raw and (not whole or float(candidate).is_integer()):
            step = candidate
            break
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def _chart_id(kind: str, title: str, bars: Iterable[Bar]) -> str:
    """An id unique in this process, stable in its first part for the same chart."""
    seed = "\x1f".join([kind, title, *(bar.label for bar in bars)])
    digest = hashlib.blake2s(seed.encode(), digest_size=4).hexdigest()
    return f"chart-{digest}-{next(_serial)}"


def _tooltip(bar: Bar, unit: str, target_label: str) -> str:
    text = f"{bar.label}: {_with_unit(format_number(bar.value), unit)}"
    if bar.note:
        text += f" ({bar.note})"
    if bar.target is not None:
        target = _with_unit(format_number(bar.target), unit)
        text += f"; {target_label} {target}" if target_label else f"; ≥ {target}"
    return text


def _bar_class(bar: Bar) -> tuple[str, dict[str, str]]:
    """The class of a bar and its fallback paint."""
    if bar.target is None:
        return "chart-bar", {"fill": BRAND}
    if bar.value >= bar.target:
        return "chart-bar chart-met", {"fill": OK}
    return "chart-bar chart-short", {"fill": ERROR_PALE, "stroke": ERROR, "stroke_width": "2"}


def _item(bar: Bar, body: list[str], tooltip: str, *, linked: bool) -> str:
    """One bar's group: a link when it has a safe address (named by its `<title>`, the tooltip,
    which holds the label and the value it shows), else a plain group (in a chart with links, a
    picture of its own with the tooltip as its name)."""
    content = _el("title", str(escape(tooltip))) + "".join(body)
    href = safe_href(bar.href)
    if href:
        return _el("a", content, class_="chart-item", href=href)
    if linked:
        return _el("g", content, class_="chart-item", role="img", aria_label=tooltip)
    return _el("g", content, class_="chart-item")


def _has_links(bars: list[Bar]) -> bool:
    return any(safe_href(bar.href) for bar in bars)


def _svg(
    chart_id: str,
    kind: str,
    size: tuple[float, float],
    title: str,
    description: str,
    body: str,
    *,
    linked: bool,
) -> Markup:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    heading = _el("title", str(escape(title)), id=title_id)
    labelled_by, described_by = title_id, None
    if description:
        heading += _el("desc", str(escape(description)), id=desc_id)
        if linked:
            described_by = desc_id
        else:
            labelled_by += f" {desc_id}"
    width, height = size
    svg = _el(
        "svg",
        heading + body,
        xmlns=SVG_NS,
        id=chart_id,
        class_=f"chart chart--{kind}",
        role="group" if linked else "img",
        aria_labelledby=labelled_by,
        aria_describedby=described_by,
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        preserveAspectRatio="xMidYMid meet",
        width="100%",
        font_family="sans-serif",
        font_size=FONT_SIZE,
    )
    return Markup(svg)  # noqa: S704 - every text and attribute above is escaped


def _scale_top(bars: list[Bar], max_value: float | None = None) -> tuple[float, list[float]]:
    """The value at the end of the scale and the gridline ticks."""
    values = [_finite(b.value) for b in bars] + [_finite(b.target) for b in bars if b.target]
    whole = all(_is_whole(b.value) for b in bars) and all(
        b.target is None or _is_whole(b.target) for b in bars
    )
    if max_value is not None and max_value > 0 and math.isfinite(max_value):
        ticks = [t for t in nice_ticks(max_value, whole=whole) if t <= max_value]
        return float(max_value), ticks
    ticks = nice_ticks(max(values, default=0.0), whole=whole)
    return ticks[-1], ticks


# --- charts --------------------------------------------------------------------------------------


def column_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    target_label: str = "",
) -> Markup:
    """Vertical columns, one per label along the x axis (e.g. the twelve months of a year).

    A column with a target gets a horizontal marker at the target's height and the class
    ``chart-met`` (value >= target) or ``chart-short``; the value is printed above each column.
    """
    if not bars:
        return Markup("")
    chart_id = _chart_id("column", title, bars)
    linked = _has_links(bars)
    top_value, ticks = _scale_top(bars)

    width, plot_height, top = COLUMN_CHART_WIDTH, 200.0, 22.0
    tick_texts = [format_number(t) for t in ticks]
    left = max(24.0, max(_text_width(t) for t in tick_texts) + 10)
    right = 8.0
    plot_width = width - left - right
    slot = plot_width / len(bars)
    bar_width = min(slot * 0.62, 48.0)

    labels = [_truncate(b.label, COLUMN_LABEL_MAX_CHARS) for b in bars]
    longest = max(_text_width(label) for label in labels)
    rotate = longest > slot * 0.95
    if rotate:  # slanted labels: room on the left for the first one
        left = max(left, longest * math.sqrt(0.5) - slot / 2 + 4)
        plot_width = width - left - right
        slot = plot_width / len(bars)
        bar_width = min(slot * 0.62, 48.0)
    bottom = (longest * math.sqrt(0.5) + FONT_SIZE + 8) if rotate else FONT_SIZE + 14
    height = top + plot_height + bottom
    base = top + plot_height

    def y_of(value: float) -> float:
        return base - min(_finite(value), top_value) / top_value * plot_height

    body: list[str] = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        if tick:
            body.append(
                _el(
                    "line",
                    class_="chart-grid",
                    x1=left,
                    x2=width - right,
                    y1=y,
                    y2=y,
                    stroke=LINE,
                    data_value=text,
                )
            )
        body.append(
            _text(
                text,
                class_="chart-axis",
                aria_hidden="true",
                x=left - 6,
                y=y,
                dy="0.35em",
                text_anchor="end",
                fill=MUTED,
            )
        )

    for i, (bar, label) in enumerate(zip(bars, labels, strict=True)):
        x0 = left + i * slot
        centre = x0 + slot / 2
        y = y_of(bar.value)
        css_class, paint = _bar_class(bar)
        parts = [
            _el(
                "rect",
                class_="chart-hit",
                x=x0,
                y=top,
                width=slot,
                height=plot_height,
                fill="none",
                pointer_events="all",
            ),
            _el(
                "rect",
                class_=css_class,
                x=centre - bar_width / 2,
                y=y,
                width=bar_width,
                height=base - y,
                **paint,
            ),
        ]
        text_y = y - 5
        if bar.target is not None:
            ty = y_of(bar.target)
            if text_y - FONT_SIZE - 2 <= ty <= y + 2:  # the marker would cross the value
                text_y = ty - 5
            half = min(slot * 0.45, bar_width / 2 + 6)
            parts.append(
                _el(
                    "line",
                    class_="chart-target",
                    x1=centre - half,
                    x2=centre + half,
                    y1=ty,
                    y2=ty,
                    stroke=INK,
                    stroke_width="3",
                )
            )
        value_text = format_number(bar.value)
        if unit and not unit[0].isalnum():
            value_text = _with_unit(value_text, unit)
        parts.append(
            _text(
                value_text, class_="chart-value", x=centre, y=text_y, text_anchor="middle", fill=INK
            )
        )
        if rotate:
            parts.append(
                _text(
                    label,
                    class_="chart-label",
                    x=centre,
                    y=base + 12,
                    text_anchor="end",
                    transform=f"rotate(-45 {_n(centre)} {_n(base + 12)})",
                    fill=INK,
                )
            )
        else:
            parts.append(
                _text(
                    label,
                    class_="chart-label",
                    x=centre,
                    y=base + FONT_SIZE + 6,
                    text_anchor="middle",
                    fill=INK,
                )
            )
        body.append(_item(bar, parts, _tooltip(bar, unit, target_label), linked=linked))

    body.append(
        _el("line", class_="chart-axis", x1=left, x2=width - right, y1=base, y2=base, stroke=MUTED)
    )
    return _svg(
        chart_id, "column", (width, height), title, description, "".join(body), linked=linked
    )


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    max_value: float | None = None,
    target_label: str = "",
) -> Markup:
    """Horizontal bars, one row per label, the value and unit at the end of each bar ("83%").

    Short labels stand on the left of their bar; when a label would take more than
    `SIDE_LABEL_SHARE` of the width, every label goes on its own line above its bar instead, so the
    bars keep a readable length on a phone. Labels are cut at ~40 characters (the tooltip keeps
    them whole). `max_value` fixes the end of the scale (100 for percentages; longer bars stop
    there); otherwise the scale ends at the first round tick at or above the largest value or
    target. A bar with a target gets a vertical marker at the target.
    """
    if not bars:
        return Markup("")
    chart_id = _chart_id("bar", title, bars)
    linked = _has_links(bars)
    top_value, ticks = _scale_top(bars, max_value)

    width, bar_height, top = BAR_CHART_WIDTH, 16.0, 6.0
    labels = [_truncate(b.label, LABEL_MAX_CHARS) for b in bars]
    value_texts = [_with_unit(format_number(b.value), unit) for b in bars]
    label_width = max(_text_width(label) for label in labels)
    stacked = label_width + 10 > width * SIDE_LABEL_SHARE
    if stacked:  # label line, then the bar
        left, row, bar_offset = 2.0, 42.0, 19.0
    else:
        left, row, bar_offset = label_width + 10, 28.0, 6.0
    last_tick = format_number(ticks[-1])
    if unit and not unit[0].isalnum():
        last_tick = _with_unit(last_tick, unit)
    right = max(max(_text_width(text) for text in value_texts) + 10, _text_width(last_tick) / 2 + 4)
    plot_width = width - left - right
    axis_y = top + row * len(bars)
    height = axis_y + FONT_SIZE + 10

    def x_of(value: float) -> float:
        return left + min(_finite(value), top_value) / top_value * plot_width

    body: list[str] = []
    for tick in ticks:
        x = x_of(tick)
        text = format_number(tick)
        if tick:
            body.append(
                _el(
                    "line",
                    class_="chart-grid",
                    x1=x,
                    x2=x,
                    y1=top,
                    y2=axis_y,
                    stroke=LINE,
                    data_value=text,
                )
            )
        tick_text = _with_unit(text, unit) if unit and not unit[0].isalnum() else text
        body.append(
            _text(
                tick_text,
                class_="chart-axis",
                aria_hidden="true",
                x=x,
                y=axis_y + FONT_SIZE + 4,
                text_anchor="start" if stacked and not tick else "middle",
                fill=MUTED,
            )
        )

    for i, (bar, label, value_text) in enumerate(zip(bars, labels, value_texts, strict=True)):
        y0 = top + i * row
        bar_y = y0 + bar_offset
        middle = bar_y + bar_height / 2
        end = x_of(bar.value)
        css_class, paint = _bar_class(bar)
        parts = [
            _el(
                "rect",
                class_="chart-hit",
                x=0,
                y=y0,
                width=width,
                height=row,
                fill="none",
                pointer_events="all",
            ),
        ]
        if stacked:
            parts.append(
                _text(label, class_="chart-label", x=left + 6, y=y0 + FONT_SIZE + 2, fill=INK)
            )
        else:
            parts.append(
                _text(
                    label,
                    class_="chart-label",
                    x=left - 8,
                    y=middle,
                    dy="0.35em",
                    text_anchor="end",
                    fill=INK,
                )
            )
        parts.append(
            _el(
                "rect",
                class_=css_class,
                x=left,
                y=bar_y,
                width=end - left,
                height=bar_height,
                **paint,
            )
        )
        text_x = end + 5
        if bar.target is not None:
            tx = x_of(bar.target)
            overshoot = 2 if stacked else 4  # clear of the label line above a stacked bar
            if end - 2 <= tx <= text_x + _text_width(value_text) + 2:  # would cross the value
                text_x = tx + 5
            parts.append(
                _el(
                    "line",
                    class_="chart-target",
                    x1=tx,
                    x2=tx,
                    y1=bar_y - overshoot,
                    y2=bar_y + bar_height + overshoot,
                    stroke=INK,
                    stroke_width="3",
                )
            )
        parts.append(
            _text(value_text, class_="chart-value", x=text_x, y=middle, dy="0.35em", fill=INK)
        )
        body.append(_item(bar, parts, _tooltip(bar, unit, target_label), linked=linked))

    body.append(_el("line", class_="chart-axis", x1=left, x2=left, y1=top, y2=axis_y, stroke=MUTED))
    return _svg(chart_id, "bar", (width, height), title, description, "".join(body), linked=linked)

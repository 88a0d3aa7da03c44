"""The SVG charts of the reports: well-formed, accessible, escaped and drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from markupsafe import Markup

from app.reports.charts import Bar, bar_chart, column_chart, format_number, nice_ticks

NS = "{http://www.w3.org/2000/svg}"
Chart = Callable[..., Markup]
HOSTILE = "<script>alert(1)</script> \"&'"


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    root = ET.fromstring(str(markup))  # noqa: S314 - our own output
    assert root.tag == f"{NS}svg"
    return root


def classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def find_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{NS}{tag}") if css_class in classes(el)]


def bar_rects(root: ET.Element) -> list[ET.Element]:
    return find_class(root, "rect", "chart-bar")


def items(root: ET.Element) -> list[ET.Element]:
    """The group (or link) of each bar, in order."""
    return [el for el in root.iter() if "chart-item" in classes(el)]


def item_title(item: ET.Element) -> str:
    title = item.find(f"{NS}title")
    assert title is not None
    return title.text or ""


def grid_at(root: ET.Element, value: str) -> ET.Element:
    (line,) = [el for el in find_class(root, "line", "chart-grid") if el.get("data-value") == value]
    return line


def axis_line(root: ET.Element) -> ET.Element:
    (line,) = find_class(root, "line", "chart-axis")
    return line


def approx(expected: object) -> object:
    """Coordinates are written with two decimals."""
    return pytest.approx(expected, abs=0.02)


def f(el: ET.Element, name: str) -> float:
    return float(el.get(name, "nan"))


MONTHS = [
    Bar("01/2026", 2, target=1),
    Bar("02/2026", 0, target=1),
    Bar("03/2026", 4, target=4),
    Bar("04/2026", 3),
]


# --- column_chart -----------------------------------------------------------------------------


def test_column_chart_draws_one_rect_per_bar_proportional_to_its_value() -> None:
    root = parse(column_chart(MONTHS, title="Họp báo theo tháng"))
    rects = bar_rects(root)
    assert len(rects) == 4
    heights = [f(r, "height") for r in rects]
    assert heights[1] == 0
    assert heights[2] == approx(2 * heights[0])
    assert heights[3] == approx(1.5 * heights[0])
    base = f(axis_line(root), "y1")
    for rect in rects:  # every column stands on the x axis
        assert f(rect, "y") + f(rect, "height") == approx(base)
    # the columns are side by side, left to right in the order given
    xs = [f(r, "x") for r in rects]
    assert xs == sorted(xs) and len(set(xs)) == 4


def test_column_chart_classes_follow_the_targets() -> None:
    root = parse(column_chart(MONTHS, title="t"))
    assert [classes(r) for r in bar_rects(root)] == [
        {"chart-bar", "chart-met"},  # 2 >= 1
        {"chart-bar", "chart-short"},  # 0 < 1
        {"chart-bar", "chart-met"},  # 4 >= 4: meeting the minimum exactly is met
        {"chart-bar"},  # no target
    ]


def test_column_chart_draws_target_lines_at_the_targets_height() -> None:
    root = parse(column_chart(MONTHS, title="t"))
    targets = find_class(root, "line", "chart-target")
    assert len(targets) == 3  # the fourth bar has no target
    base = f(axis_line(root), "y1")
    two = f(grid_at(root, "2"), "y1")
    per_unit = (base - two) / 2
    for line, target in zip(targets, (1, 1, 4), strict=True):
        assert f(line, "y1") == f(line, "y2") == approx(base - target * per_unit)
    # the marker of bar 3 (value 4, target 4) is level with the top of its column
    rect = bar_rects(root)[2]
    assert f(targets[2], "y1") == approx(f(rect, "y"))
    # each marker sits over its own column
    for line, i in zip(targets, (0, 1, 2), strict=True):
        rect = bar_rects(root)[i]
        centre = f(rect, "x") + f(rect, "width") / 2
        assert f(line, "x1") < centre < f(line, "x2")


def test_column_chart_ticks_are_round_integers_reaching_the_largest_value_or_target() -> None:
    root = parse(column_chart([Bar("a", 3, target=7), Bar("b", 5)], title="t"))
    ticks = [el.text for el in find_class(root, "text", "chart-axis")]
    assert ticks == ["0", "2", "4", "6", "8"]
    # the highest gridline is the top of the scale: 8 units above the axis
    base = f(axis_line(root), "y1")
    assert base - f(grid_at(root, "8"), "y1") == approx(4 * (base - f(grid_at(root, "2"), "y1")))


def test_column_chart_prints_the_value_of_each_bar() -> None:
    root = parse(column_chart([Bar("a", 3), Bar("b", 12.25)], title="t", unit="%"))
    values = [el.text for el in find_class(root, "text", "chart-value")]
    assert values == ["3%", "12.2%"]
    labels = [el.text for el in find_class(root, "text", "chart-label")]
    assert labels == ["a", "b"]


def test_accessible_name_and_per_bar_tooltips() -> None:
    root = parse(
        column_chart(
            [Bar("01/2026", 0, target=1, note="0 / 4"), Bar("02/2026", 3)],
            title="Số cuộc họp báo",
            description="Mỗi tháng phải có ít nhất một cuộc họp báo.",
            target_label="tối thiểu",
        )
    )
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby", "").split()
    assert len(ids) == 2
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (f"{NS}title", ids[0], "Số cuộc họp báo")
    assert (desc.tag, desc.get("id")) == (f"{NS}desc", ids[1])
    assert desc.text == "Mỗi tháng phải có ít nhất một cuộc họp báo."
    tips = [item_title(item) for item in items(root)]
    assert tips == ["01/2026: 0 (0 / 4); tối thiểu 1", "02/2026: 3"]
    # each bar rect belongs to the item carrying its tooltip
    for item in items(root):
        assert len(find_class(item, "rect", "chart-bar")) == 1


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
def test_a_chart_with_links_is_a_named_group_whose_links_say_what_they_open(chart: Chart) -> None:
    """An image may not hold links (screen readers skip what is inside it): a chart whose bars
    link to their lists is a group with the chart's title as its name and its text as its
    description; each link is named by its tooltip, a bar without a link is a picture of its own."""
    root = parse(
        chart(
            [Bar("Sở Y tế", 3, href="/reports/items?org=1"), Bar("Sở Tài chính", 0)],
            title="Câu hỏi theo đơn vị",
            description="Số câu hỏi mỗi đơn vị được giao.",
        )
    )
    assert root.get("role") == "group"
    title, desc = list(root)[:2]
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    link, plain = items(root)
    # a link's name is its <title> (SVG-AAM), the label and value it shows: no aria-label that
    # a voice user could not say from what they see
    assert link.tag == f"{NS}a" and link.get("aria-label") is None
    assert link[0].tag == f"{NS}title" and item_title(link) == "Sở Y tế: 3"
    assert (plain.get("role"), plain.get("aria-label")) == ("img", "Sở Tài chính: 0")
    # the axis numbers are not read out between the bars (the table beside it has the figures)
    axis_texts = find_class(root, "text", "chart-axis")
    assert axis_texts and all(t.get("aria-hidden") == "true" for t in axis_texts)


def test_without_description_the_name_is_the_title_alone() -> None:
    root = parse(bar_chart([Bar("a", 1)], title="Tên"))
    (title_id,) = root.get("aria-labelledby", "").split()
    assert root.find(f"{NS}title").get("id") == title_id  # type: ignore[union-attr]
    assert root.find(f"{NS}desc") is None


def test_responsive_sizing_without_style_or_fixed_width() -> None:
    for markup in (
        column_chart(MONTHS, title="t"),
        bar_chart([Bar("a", 1), Bar("b", 2)], title="t"),
    ):
        root = parse(markup)
        assert len(root.get("viewBox", "").split()) == 4
        assert root.get("preserveAspectRatio")
        assert root.get("width") in (None, "100%")
        assert root.get("height") is None
        assert "chart" in classes(root)


def test_bar_chart_height_grows_with_the_rows() -> None:
    def height(n: int) -> float:
        root = parse(bar_chart([Bar(f"Sở {i}", i) for i in range(n)], title="t"))
        return float(root.get("viewBox", "").split()[3])

    assert height(2) < height(5) < height(20)


def test_two_charts_in_a_page_have_different_ids() -> None:
    first = parse(column_chart(MONTHS, title="Same"))
    second = parse(column_chart(MONTHS, title="Same"))
    third = parse(bar_chart(MONTHS, title="Same"))
    all_ids = [
        el.get("id", "") for root in (first, second, third) for el in root.iter() if el.get("id")
    ]
    assert len(all_ids) == len(set(all_ids)) == 6  # svg + title per chart (no description)
    for chart_id in all_ids:
        assert chart_id[0].isalpha() and all(c.isalnum() or c in "-_" for c in chart_id)


# --- escaping and links ---------------------------------------------------------------------------


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
def test_hostile_texts_are_escaped(chart: Chart) -> None:
    markup = chart(
        [Bar(HOSTILE, 1, note=HOSTILE, href="/x?q=" + HOSTILE)],
        title=HOSTILE,
        description=HOSTILE,
        unit="%",
    )
    raw = str(markup)
    assert "<script>" not in raw
    assert "&lt;script&gt;" in raw
    root = parse(markup)  # still well-formed
    assert root.find(f"{NS}title").text == HOSTILE  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").text == HOSTILE  # type: ignore[union-attr]
    (item,) = items(root)
    assert item_title(item) == f"{HOSTILE}: 1% ({HOSTILE})"
    assert item.get("href") == "/x?q=" + HOSTILE
    (label,) = find_class(root, "text", "chart-label")
    if chart is bar_chart:
        assert label.text == HOSTILE
    else:  # column labels are cut at 16 characters
        assert label.text == HOSTILE[:15] + "…"


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
def test_only_relative_addresses_are_linked(chart: Chart) -> None:
    bars = [
        Bar("ok", 1, href="/reports/items?metric=x&year=2026"),
        Bar("js", 2, href="javascript:alert(1)"),
        Bar("offsite", 3, href="//evil.example/x"),
        Bar("backslash", 4, href="/\\evil.example"),
        Bar("tab", 4, href="/\t/evil.example"),
        Bar("absolute", 5, href="https://evil.example/"),
        Bar("none", 6),
    ]
    markup = chart(bars, title="t")
    raw = str(markup)
    assert 'href="/reports/items?metric=x&amp;year=2026"' in raw
    assert "javascript" not in raw and "evil" not in raw
    root = parse(markup)
    links = list(root.iter(f"{NS}a"))
    assert [link.get("href") for link in links] == ["/reports/items?metric=x&year=2026"]
    # the link wraps the bar it belongs to
    assert len(find_class(links[0], "rect", "chart-bar")) == 1
    assert item_title(links[0]).startswith("ok: 1")
    assert len(bar_rects(root)) == 7  # unlinked bars are still drawn


def test_no_style_attribute_or_element_anywhere() -> None:
    outputs = [
        column_chart(MONTHS, title="t", description="d", unit="%", target_label="tối thiểu"),
        bar_chart(MONTHS, title="t", description="d", unit="%", max_value=100),
        column_chart([Bar(f"Tháng {i}", i) for i in range(31)], title="rotated labels"),
    ]
    for markup in outputs:
        raw = str(markup)
        assert "style=" not in raw and "<style" not in raw
        for el in parse(markup).iter():
            assert "style" not in el.attrib
            assert el.tag != f"{NS}style"


# --- edge cases ------------------------------------------------------------------------------------


def test_empty_list_gives_empty_markup() -> None:
    for markup in (column_chart([], title="t"), bar_chart([], title="t")):
        assert isinstance(markup, Markup)
        assert markup == ""


@pytest.mark.parametrize("chart", [column_chart, bar_chart])
def test_all_zero_values_draw_zero_sized_bars(chart: Chart) -> None:
    root = parse(chart([Bar("a", 0), Bar("b", 0.0)], title="t"))
    rects = bar_rects(root)
    size = "height" if chart is column_chart else "width"
    assert [f(r, size) for r in rects] == [0, 0]
    assert [el.text for el in find_class(root, "text", "chart-value")] == ["0", "0"]


# --- bar_chart ------------------------------------------------------------------------------------


def test_bar_chart_with_max_value_scales_to_it() -> None:
    bars = [Bar("Sở Y tế", 50), Bar("Sở Tư pháp", 100), Bar("Sở Xây dựng", 25)]
    root = parse(bar_chart(bars, title="Tỷ lệ trả lời đúng hạn", unit="%", max_value=100))
    start = f(axis_line(root), "x1")
    end = f(grid_at(root, "100"), "x1")
    plot = end - start
    assert plot > 0
    widths = [f(r, "width") for r in bar_rects(root)]
    assert widths == approx([plot / 2, plot, plot / 4])
    for rect in bar_rects(root):
        assert f(rect, "x") == approx(start)
    assert [el.text for el in find_class(root, "text", "chart-value")] == ["50%", "100%", "25%"]


def test_bar_chart_max_value_fixes_the_scale_even_when_values_are_small() -> None:
    root = parse(bar_chart([Bar("a", 10)], title="t", max_value=100))
    plot = f(grid_at(root, "100"), "x1") - f(axis_line(root), "x1")
    assert f(bar_rects(root)[0], "width") == approx(plot / 10)


def test_bar_chart_max_value_off_the_ticks_still_ends_the_scale() -> None:
    root = parse(bar_chart([Bar("a", 45), Bar("b", 90)], title="t", max_value=90))
    start = f(axis_line(root), "x1")
    fifty = f(grid_at(root, "50"), "x1") - start
    assert [f(r, "width") for r in bar_rects(root)] == approx([fifty * 45 / 50, fifty * 90 / 50])
    assert [el.get("data-value") for el in find_class(root, "line", "chart-grid")][-1] == "75"


def test_bar_chart_without_max_value_scales_to_the_largest_value() -> None:
    root = parse(bar_chart([Bar("a", 2), Bar("b", 4)], title="t"))
    start = f(axis_line(root), "x1")
    widths = [f(r, "width") for r in bar_rects(root)]
    assert widths[1] == approx(2 * widths[0])
    assert start + widths[1] == approx(f(grid_at(root, "4"), "x1"))


def test_bar_chart_value_above_max_value_stops_at_the_end_of_the_scale() -> None:
    root = parse(bar_chart([Bar("a", 120), Bar("b", 60)], title="t", max_value=100))
    plot = f(grid_at(root, "100"), "x1") - f(axis_line(root), "x1")
    assert [f(r, "width") for r in bar_rects(root)] == approx([plot, 0.6 * plot])
    assert find_class(root, "text", "chart-value")[0].text == "120"


def test_bar_chart_truncates_long_labels_but_keeps_them_in_the_tooltip() -> None:
    long = "Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh Quảng Trị"
    root = parse(bar_chart([Bar(long, 3), Bar("Sở Y tế", 1)], title="t"))
    labels = [el.text or "" for el in find_class(root, "text", "chart-label")]
    assert labels[0].endswith("…") and len(labels[0]) <= 40
    assert long.startswith(labels[0][:-1])
    assert labels[1] == "Sở Y tế"
    assert item_title(items(root)[0]) == f"{long}: 3"


def test_bar_chart_short_labels_stand_left_of_their_bars() -> None:
    root = parse(bar_chart([Bar("Tiếng Anh", 3), Bar("Tiếng Pháp", 1)], title="t"))
    axis = f(axis_line(root), "x1")
    for label, rect in zip(find_class(root, "text", "chart-label"), bar_rects(root), strict=True):
        assert label.get("text-anchor") == "end"
        assert 0 < f(label, "x") < axis == approx(f(rect, "x"))
        assert f(rect, "y") < f(label, "y") < f(rect, "y") + f(rect, "height")  # same row


def test_bar_chart_long_labels_go_above_their_bars_clear_of_the_axis() -> None:
    long = "Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh"
    root = parse(bar_chart([Bar(long, 3), Bar("Sở Y tế", 1)], title="t"))
    axis = f(axis_line(root), "x1")
    width = float(root.get("viewBox", "").split()[2])
    rects = bar_rects(root)
    labels = find_class(root, "text", "chart-label")
    for i, (label, rect) in enumerate(zip(labels, rects, strict=True)):
        assert label.get("text-anchor") in (None, "start")
        assert axis < f(label, "x")  # the axis line does not run through the text
        assert f(rect, "y") - 20 < f(label, "y") < f(rect, "y")  # just above its own bar
        if i:
            assert f(label, "y") > f(rects[i - 1], "y") + f(rects[i - 1], "height")
    # the bars get most of the width: the longest one reaches at least two thirds of it
    assert f(rects[0], "width") > width * 2 / 3


def test_bar_chart_targets_mark_and_classify() -> None:
    bars = [Bar("Tiếng Anh", 83.3, target=80), Bar("Tiếng Pháp", 50, target=80)]
    root = parse(bar_chart(bars, title="t", unit="%", max_value=100, target_label="tối thiểu"))
    assert [classes(r) for r in bar_rects(root)] == [
        {"chart-bar", "chart-met"},
        {"chart-bar", "chart-short"},
    ]
    start = f(axis_line(root), "x1")
    plot = f(grid_at(root, "100"), "x1") - start
    targets = find_class(root, "line", "chart-target")
    assert [f(t, "x1") for t in targets] == approx([start + 0.8 * plot] * 2)
    for line, rect in zip(targets, bar_rects(root), strict=True):  # across its own row
        assert f(line, "y1") <= f(rect, "y") < f(rect, "y") + f(rect, "height") <= f(line, "y2")
    assert [item_title(i) for i in items(root)] == [
        "Tiếng Anh: 83.3%; tối thiểu 80%",
        "Tiếng Pháp: 50%; tối thiểu 80%",
    ]


def test_bar_chart_value_moves_past_a_target_marker_it_would_cross() -> None:
    root = parse(bar_chart([Bar("a", 50, target=52), Bar("b", 20, target=90)], title="t",
                           max_value=100))  # fmt: skip
    near, far = find_class(root, "text", "chart-value")
    near_target, far_target = find_class(root, "line", "chart-target")
    rect_near, rect_far = bar_rects(root)
    # the marker at 52 stands just past the end of the bar at 50; the value goes after it
    assert f(rect_near, "x") + f(rect_near, "width") < f(near_target, "x1") < f(near, "x")
    # a marker far away leaves the value at the end of its bar
    assert f(rect_far, "x") + f(rect_far, "width") < f(far, "x") < f(far_target, "x1")


def test_column_chart_value_moves_above_a_target_marker_it_would_cross() -> None:
    root = parse(column_chart([Bar("a", 4, target=4.5), Bar("b", 1, target=8)], title="t"))
    near, far = find_class(root, "text", "chart-value")
    near_target, far_target = find_class(root, "line", "chart-target")
    rect_near, rect_far = bar_rects(root)
    # the marker at 4.5 is just above the column at 4, where the value would be; it goes above
    assert f(rect_near, "y") - 20 < f(near_target, "y1") < f(rect_near, "y")
    assert f(near, "y") < f(near_target, "y1") - 2
    assert (
        f(far_target, "y1") < f(far, "y") < f(rect_far, "y")
    )  # at its column, under the far marker


def test_word_units_are_spaced() -> None:
    root = parse(bar_chart([Bar("a", 3)], title="t", unit="ngày"))
    assert find_class(root, "text", "chart-value")[0].text == "3 ngày"


# --- numbers -----------------------------------------------------------------------------------------


def test_numbers_counts_as_integers_others_with_one_decimal() -> None:
    assert format_number(3) == "3"
    assert format_number(3.0) == "3"
    assert format_number(83.333) == "83.3"
    assert format_number(0.05) == "0.1"


def test_nice_ticks() -> None:
    assert nice_ticks(0, whole=True) == [0, 1]
    assert nice_ticks(1, whole=True) == [0, 1]
    assert nice_ticks(3, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(7, whole=True) == [0, 2, 4, 6, 8]
    assert nice_ticks(100, whole=False) == [0, 25, 50, 75, 100]
    assert nice_ticks(0.3, whole=False) == [0, 0.1, 0.2, 0.3]
    for top in (1, 5, 9, 13, 47, 120, 999):
        ticks = nice_ticks(top, whole=True)
        assert all(t == int(t) for t in ticks)
        assert ticks[-1] >= top > ticks[-2]

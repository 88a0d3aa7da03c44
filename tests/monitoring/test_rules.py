"""Watch lists and article addresses, pure: folding like the newsroom search, whole words,
AND / any-of / NOT, and one canonical address per article."""

from __future__ import annotations

import pytest

from app.monitoring import rules, urls


def match(all_of: str, text: str, any_of: str = "", none_of: str = "") -> bool:
    return rules.matches(rules.Rule.parse(1, all_of, any_of, none_of), rules.Text(text))


@pytest.mark.parametrize(
    "text",
    ["Hạ Long đón khách", "HẠ LONG ĐÓN KHÁCH", "vịnh hạ long", "Thành phố Hạ  Long, ngày 4"],
)
def test_ha_long_without_marks_finds_ha_long_with_them(text: str) -> None:
    assert match("ha long", text)


def test_a_phrase_matches_whole_words_in_order() -> None:
    assert not match("ha long", "Long Hạ")  # order
    assert not match("long", "Longchamp ở Pháp")  # whole words
    assert match("đặc khu vân đồn", "Đặc khu Vân Đồn thu hút đầu tư")


def test_every_all_of_one_any_of_and_no_none_of() -> None:
    assert match("ha long\ndu lich", "Du lịch Hạ Long tăng trưởng")
    assert not match("ha long\ndu lich", "Hạ Long mưa lớn")
    assert match("ha long", "Hạ Long mưa lớn", any_of="mua lon, bao")
    assert not match("ha long", "Hạ Long nắng đẹp", any_of="mua lon, bao")
    assert not match("ha long", "Hạ Long: giảm giá khách sạn", none_of="quang cao\ngiam gia")


def test_a_rule_with_nothing_to_look_for_matches_nothing() -> None:
    assert not match("", "Hạ Long")
    assert not match(" , \n", "Hạ Long")
    assert match("", "Tin Cẩm Phả", any_of="cam pha")


def test_the_same_article_has_one_canonical_address() -> None:
    a = "https://baoquangninh.example.vn/bai-3301.html?utm_source=rss&utm_medium=feed"
    b = "HTTPS://BaoQuangNinh.example.vn:443/bai-3301.html?fbclid=xyz#binh-luan"
    assert urls.canonical(a) == urls.canonical(b) == "https://baoquangninh.example.vn/bai-3301.html"
    assert urls.key(a) == urls.key(b)
    kept = urls.canonical("https://x.example.vn/tin?id=5&utm_campaign=z&page=2")
    assert kept == "https://x.example.vn/tin?id=5&page=2"
    assert urls.key("https://x.example.vn/tin?id=5") != urls.key("https://x.example.vn/tin?id=6")


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "ftp://x.example.vn/feed",
        "file:///etc/passwd",
        "/relative",
        "https://",
    ],
)
def test_only_http_addresses_are_links(value: str) -> None:
    assert not urls.is_web_address(value)


def test_loopback_and_private_addresses_are_recognised() -> None:
    for url in (
        "http://127.0.0.1/feed",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://localhost/",
        "http://169.254.169.254/latest",
    ):
        assert urls.private_host(url), url
    assert not urls.private_host("http://203.0.113.9.invalid-name-that-does-not-resolve/")

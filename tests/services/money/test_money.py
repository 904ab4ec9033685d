import pytest

from instainstru.services.money.money import format_price, parse_dollars, platform_fee
from instainstru.settings import get_settings, reset_settings


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("65", 6500),
        ("$62.50", 6250),
        ("1,000", 100000),
        (" 0.01 ", 1),
        ("$ 65", 6500),
        (".5", 50),
        ("62.5", 6250),
        ("65.", 6500),
        ("1,000,000.00", 100000000),
    ],
)
def test_parse_dollars(text, cents):
    assert parse_dollars(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sixty",
        "65.505",
        "1e30",
        "1e100",
        "NaN",
        "Infinity",
        "$",
        "1e3",
        "1E3",
        "0x10",
        "+65",
        "-65",
        "6 5",
        "1,00",
        "١٢",
        "65_000",
    ],
)
def test_parse_dollars_refuses_with_a_message(text):
    with pytest.raises(ValueError, match="Enter an amount in dollars"):
        parse_dollars(text)


def test_format_price_shows_cents_only_when_not_whole():
    assert [format_price(c) for c in (6500, 6250, 100000, 5)] == ["$65", "$62.50", "$1,000", "$0.05"]


def test_platform_fee_is_15_percent_rounded_half_up(monkeypatch):
    assert [platform_fee(c) for c in (6500, 4999, 4990, 10)] == [975, 750, 749, 2]  # 749.85 -> 750, 748.5 -> 749
    monkeypatch.setenv("PLATFORM_FEE_PERCENT", "12.5")
    reset_settings()
    assert platform_fee(6500) == 813  # 812.5 -> 813


@pytest.mark.parametrize("value", ["fifteen", "-1", "101", "nan"])
def test_a_malformed_fee_setting_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("PLATFORM_FEE_PERCENT", value)
    reset_settings()
    with pytest.raises(ValueError, match="PLATFORM_FEE_PERCENT"):
        get_settings()

"""The one decimal parser (ntm.lib.numbers), shared by the assessment form and the import."""

from decimal import Decimal

import pytest

from ntm.lib.numbers import parse_decimal_comma, plain_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("85,5", Decimal("85.5")),
        ("85.5", Decimal("85.5")),
        (" 1 200 ", Decimal("1200")),
        ("1.000", Decimal("1")),  # a point is a decimal point, never a thousands separator
        ("-3", Decimal("-3")),
        ("+7", Decimal("7")),
        (",5", Decimal("0.5")),
        ("5,", Decimal("5")),
        ("0", Decimal("0")),
    ],
)
def test_it_reads_a_comma_or_a_point_as_the_decimal_separator(text, number):
    assert parse_decimal_comma(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "abc",
        "1,000.5",
        "1.000,5",
        "1,2,3",
        "1e3",
        "1_000",
        "NaN",
        "Infinity",
        "٣",
        "²",
        "85%",
        "--1",
        ",",
        ".",
    ],
)
def test_it_refuses_what_is_not_one_plain_number(text):
    with pytest.raises(ValueError):
        parse_decimal_comma(text)


def test_a_percent_sign_is_allowed_only_for_percentages():
    assert parse_decimal_comma("85,5 %", percent=True) == Decimal("85.5")
    with pytest.raises(ValueError):
        parse_decimal_comma("85%%", percent=True)
    with pytest.raises(ValueError):
        parse_decimal_comma("85%")


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("80.00"), "80"), (Decimal("8.50"), "8,5"), (Decimal("1200"), "1200"), (None, "")],
)
def test_a_number_is_written_back_as_a_person_types_it(value, text):
    assert plain_number(value) == text
    if value is not None:
        assert parse_decimal_comma(text) == value

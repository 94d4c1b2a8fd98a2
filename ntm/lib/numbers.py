"""Reading a number as a person in Vietnam types it: the one decimal parser of the app, used by
the assessment form and the Excel import; and writing one back the same way (`plain_number`).

The rules, stricter than `Decimal()` (which also takes "1e3", "1_000", "NaN" and non-ASCII
digits such as "٣"):
- spaces anywhere are ignored ("85 ,5", "1 200");
- an optional sign, then ASCII digits with at most one decimal separator, a comma (Vietnamese)
  or a point: "85,5" and "85.5" are both 85.5. Never a thousands separator, so "1.000" is 1 and
  "1.000,5" or "1,000.5" are refused rather than guessed;
- with `percent=True`, one trailing "%" is allowed ("85%" is 85), for percentage values only.
"""

import re
from decimal import Decimal

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


def parse_decimal_comma(text: str, *, percent: bool = False) -> Decimal:
    """`text` as a Decimal by the rules above; ValueError when it is not such a number (callers
    word their own message)."""
    compact = "".join(text.split())
    if percent and compact.endswith("%"):
        compact = compact[:-1]
    if not _NUMBER.fullmatch(compact):
        raise ValueError(f"not a number: {text!r}")
    return Decimal(compact.replace(",", "."))


def plain_number(value: Decimal | None) -> str:
    """80.00 -> "80", 8.50 -> "8,5": what a person would type (no thousands separator), as the
    form shows a value and the history a change."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")

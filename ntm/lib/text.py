"""Text folded for search: lower case, no diacritics, words separated by single spaces.

The one normalising function of the project: writers store `fold(name)` in a search column
(`Commune.search_name`, `Practice.search_text`) and the query side folds what the user typed,
so "chi lang" finds "Chi Lăng" and "be tong" finds "bê tông" on SQLite and PostgreSQL alike
(SQLite's LIKE and lower() know only ASCII letters; PostgreSQL's unaccent needs an extension
and has no SQLite twin)."""

import re
import unicodedata

from django.db.models import Q

# "đ" is a letter of its own, not d with a mark: NFD leaves it whole.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """'  Xã Hoàng  Đồng (cũ)' -> 'xa hoang dong cu'. Accepts composed (NFC) and decomposed
    (NFD, "Unicode tổ hợp" typed on some Windows keyboards) Vietnamese alike."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.lower()).strip()


def starts_a_word_q(field: str, text: str) -> Q:
    """Rows whose folded `field` has fold(text) at the start of a word: once diacritics are
    gone a bare substring over-matches ("ong" is inside "duong", "đường"), while Vietnamese
    syllables are words, so "ong" should find "ong" and "nuoi ong" but not "duong"."""
    folded = fold(text)
    return Q(**{f"{field}__startswith": folded}) | Q(**{f"{field}__contains": f" {folded}"})

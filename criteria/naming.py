"""Catalogue names in the reader's language.

Criteria sets, groups, criteria, indicators, regions and commune groups are data with a Vietnamese
name (`name_vi`, always filled) and an optional English one (`name_en`). The interface shows the
English name when English is active and the catalogue has one, else the Vietnamese name: the
Vietnamese name is the legal text and stays the fallback.
"""

from django.utils import translation


def pick_name(name_vi: str, name_en: str | None) -> str:
    """`name_en` when the active language is English and it is not blank, else `name_vi`."""
    language = translation.get_language() or ""
    if language.split("-")[0] == "en" and name_en and name_en.strip():
        return name_en
    return name_vi


def localized_name(obj) -> str:
    """The name of any object with `name_vi` and `name_en`; anything else as its string."""
    if obj is None:
        return ""
    name_vi = getattr(obj, "name_vi", None)
    if name_vi is None:
        return str(obj)
    return pick_name(name_vi, getattr(obj, "name_en", ""))

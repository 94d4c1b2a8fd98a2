"""`{{ criterion|localized_name }}`: a catalogue name in the active language (criteria.naming)."""

from django import template

from criteria import naming

register = template.Library()


@register.filter
def localized_name(obj) -> str:
    """The English name when English is active and the catalogue has one, else `name_vi`."""
    return naming.localized_name(obj)

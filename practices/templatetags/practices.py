"""`{% load practices %}{% learn_from commune year %}`: links to the published practices that
help the criteria a commune has not met yet (two queries). For the commune page, the assessment
form and the province report (`{% practices_for_missed province year %}`)."""

from django import template

from practices.learning import practices_for_commune, practices_for_missed_criteria

register = template.Library()


@register.inclusion_tag("practices/includes/learn_from.html")
def learn_from(commune, year, limit=10):
    return {"practices": practices_for_commune(commune, int(year), limit=limit), "year": year}


@register.inclusion_tag("practices/includes/missed_criteria.html")
def practices_for_missed(province, year, limit=5):
    return {"rows": practices_for_missed_criteria(province, int(year), limit=limit), "year": year}

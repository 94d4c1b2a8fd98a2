"""Admin pieces shared by several apps."""

from ntm.lib.text import fold


class FoldedSearchMixin:
    """Search without diacritics: `search_fields` name folded columns (and codes), and the term
    is folded the same way before Django's search (ntm.lib.text.fold). Also serves the
    autocomplete widgets that search this admin."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

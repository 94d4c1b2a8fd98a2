from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that show several apps at once (a commune and its assessments, the home page,
    the plans against their results): the top layer, which the domain apps never import."""

    name = "pages"

"""Vietnamese unless the user picked another language (cookie set by set_language).

Django's LocaleMiddleware would follow the browser's Accept-Language, which shows an English
interface on most office PCs; a provincial system defaults to Vietnamese instead.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

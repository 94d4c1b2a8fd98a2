"""Compressed HTML: pages are 8-113 KB of repetitive markup that gzip shrinks five- to tenfold.

Only text responses are compressed here. Static files are compressed once, at collectstatic
(WhiteNoise's CompressedManifestStaticFilesStorage, answered above this middleware); photos,
PDFs and workbooks are compressed formats already, and are streamed with their length.

BREACH (a secret in a compressed page guessed from response sizes while the attacker injects
text into the same page): the only secret in the pages is the CSRF token, and Django masks it
with a fresh random value in every response, so it never repeats for the attack to converge on;
Django's GZipMiddleware also pads each response with random bytes ("Heal the BREACH").
Session and CSRF cookies travel in headers, which are not compressed."""

from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)

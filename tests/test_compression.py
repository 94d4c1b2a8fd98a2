"""Pages are gzipped for browsers that accept it; files that are compressed formats already
(photos, PDFs) are passed through untouched."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ntm.lib.compression import TextGZipMiddleware

pytestmark = pytest.mark.django_db

BODY = b"<!doctype html>" + b"<tr><td>Xa Mot</td><td>19</td></tr>" * 200


def respond(content_type: str):
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip, br"})
    middleware = TextGZipMiddleware(lambda r: HttpResponse(BODY, content_type=content_type))
    return middleware(request)


def test_a_page_is_gzipped():
    response = respond("text/html; charset=utf-8")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == BODY
    assert len(response.content) < len(BODY) / 5


@pytest.mark.parametrize("content_type", ["image/jpeg", "application/pdf"])
def test_a_compressed_format_is_left_alone(content_type):
    response = respond(content_type)
    assert not response.has_header("Content-Encoding")
    assert response.content == BODY


def test_the_site_gzips_its_pages(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(response.content)

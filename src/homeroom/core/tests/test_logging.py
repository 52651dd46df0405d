"""What the server log says about refused requests and errors."""

import logging

import pytest
from django.test import Client
from django.urls import path

from homeroom.core import roles
from homeroom.core.access import PUBLIC, access
from homeroom.urls import urlpatterns as homeroom_urls


@access(PUBLIC)
def broken(request):
    raise RuntimeError("a fault in the code")


urlpatterns = [path("broken/", broken), *homeroom_urls]
handler500 = "homeroom.core.errors.server_error"


def test_a_refused_page_is_logged_as_one_line(users, client_as, caplog):
    teacher = client_as(users[roles.TEACHER])

    with caplog.at_level(logging.WARNING):
        response = teacher.get("/users/")

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /users/"
    assert record.exc_info is None
    formatted = logging.Formatter().format(record)
    assert "Traceback" not in formatted
    assert "\n" not in formatted


@pytest.mark.urls(__name__)
def test_a_server_error_keeps_its_traceback(db, caplog):
    with caplog.at_level(logging.ERROR):
        response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert "Traceback" in logging.Formatter().format(record)
    assert "a fault in the code" in logging.Formatter().format(record)

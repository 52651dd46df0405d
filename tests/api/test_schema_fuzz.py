"""Schemathesis against the API's own OpenAPI schema, as a district admin and as a teacher
of the demo district: no operation may answer a server error, a status code its schema
does not declare, or a body that does not match the schema.

Bounded to a few examples per operation, derandomized so every run sends the same
requests. Its writes go to the test database, inside a transaction rolled back at the end."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, settings

from homeroom.api import api
from homeroom.core.demo import generate
from homeroom.people import services as people_services
from homeroom.people.models import User

# Fuzzing runs on PostgreSQL alone to keep CI short (DESIGN.md); the defects it found on
# SQLite have their own tests, which run on both.
pytestmark = [
    pytest.mark.schema_fuzz,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="API fuzzing runs on PostgreSQL"),
]

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.status_code_conformance,
]


@pytest.fixture(scope="module")
def demo_tokens(django_db_setup, django_db_blocker):
    """The demo district and a token for its district admin and one of its teachers. A WSGI
    request normally closes the connection when it ends, which would end this module's
    transaction; Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        generate(report=lambda line: None)
        tokens = {}
        for username in ("admin", "teacher"):
            user = User.objects.get(username=username)
            tokens[username] = people_services.token_create(actor=None, user=user, name="fuzz")[1]
        yield tokens
        transaction.set_rollback(True)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()

BOUNDED = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@BOUNDED
def test_as_district_admin(case, demo_tokens, db):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {demo_tokens['admin']}"}, checks=CHECKS
    )


@schema.parametrize()
@BOUNDED
def test_as_teacher(case, demo_tokens, db):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {demo_tokens['teacher']}"}, checks=CHECKS
    )

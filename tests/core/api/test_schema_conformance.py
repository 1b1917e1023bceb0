"""The API keeps the promises its OpenAPI schema makes, for every operation the schema lists.

Schemathesis generates requests from ``/api/schema/`` and sends them through Django's WSGI app: no server
error, only documented status codes and content types, bodies that validate against the schema, and no
operation that works without a token. The run is bounded and derandomized so it is reproducible in CI.

The operations are walked here rather than through ``schema.parametrize()``: its lazy fixture loader (needed
because the schema is served from the test database) does not run on pytest 9."""

import contextlib

import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings

from core import roles
from core.api.tokens import api_token_issue
from tests.core.api.seeding import api_data_seed
from tests.factories.users import user_with_role

EXAMPLES_PER_OPERATION = 5

# "Schema-valid request rejected" expects every request the schema allows to succeed. Our services refuse
# schema-valid input by business rules no schema can state (an activity needs a party or a lead, a cursor must
# be one we issued, an ATP check needs a line), answering 400/409 problem+json naming the field, which the
# other checks still validate.
RULES_BEYOND_THE_SCHEMA = [schemathesis.checks.positive_data_acceptance]

bounded = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _token_headers(role: str) -> dict[str, str]:
    username = f"schema_{role.replace(' ', '_')}"
    user = User.objects.filter(username=username).first() or user_with_role(role, username=username)
    return {"Authorization": f"Token {api_token_issue(user=user).key}"}


@contextlib.contextmanager
def _connection_kept():
    """Requests go through the real WSGI handler, which closes the connection when a request starts and ends; the test's
    transaction lives on that connection, so keep it open (as Django's own test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema_failures(role: str) -> list[str]:
    """Every operation's failures, one line each, so one run reports all of them."""
    with _connection_kept():
        return _failures_of_every_operation(role)


def _failures_of_every_operation(role: str) -> list[str]:
    api_data_seed()
    headers = _token_headers(role)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100
    for operation in operations:

        @bounded
        @given(case=operation.as_strategy())
        def keeps_its_schema(case):
            # Each request in its own savepoint, as each is its own transaction in production: a refused
            # request's database error must not poison the next, and every example starts from the seed.
            savepoint = transaction.savepoint()
            try:
                case.call_and_validate(headers=headers, excluded_checks=RULES_BEYOND_THE_SCHEMA)
            finally:
                transaction.savepoint_rollback(savepoint)

        try:
            keeps_its_schema()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - all reported together below
            failures.append(f"{operation.label}: {failure}")
    return failures


def test_every_operation_keeps_its_schema_for_an_integrator(db):
    failures = _schema_failures(roles.INTEGRATOR)
    assert failures == [], "\n\n".join(failures)


def test_every_operation_keeps_its_schema_for_a_clerk(db):
    failures = _schema_failures(roles.SALES_CLERK)
    assert failures == [], "\n\n".join(failures)

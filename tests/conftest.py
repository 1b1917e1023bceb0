import pytest
from django.conf import settings
from django.utils import translation

from core import roles
from tests.factories.users import user_with_role


@pytest.fixture(autouse=True)
def default_language():
    """A request in another language (the language tests) activates it for the thread; the next test must
    start in the default language again, as a new request would."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def clerk(db):
    return user_with_role(roles.SALES_CLERK)


@pytest.fixture
def manager(db):
    return user_with_role(roles.SALES_MANAGER)


@pytest.fixture
def billing(db):
    return user_with_role(roles.BILLING_CLERK)


@pytest.fixture
def integrator(db):
    return user_with_role(roles.INTEGRATOR)


@pytest.fixture
def administrator(db):
    return user_with_role(roles.ADMINISTRATOR)


def pytest_collection_modifyitems(items):
    """Transactional tests (threads, live server) flush the database when they end. Mark them for
    serialized rollback so the reference data the migrations made (tax codes, number series, roles)
    is restored for every one of them, whatever order they run in."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or {
            "transactional_db",
            "live_server",
        } & set(getattr(item, "fixturenames", ()))
        if transactional:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)

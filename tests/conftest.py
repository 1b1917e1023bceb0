import pytest

from core import roles
from tests.factories.users import user_with_role


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

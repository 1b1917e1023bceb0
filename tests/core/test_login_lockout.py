"""Login lockout (django-axes): per username and address together, on the clerks' login page and the admin's."""

from axes.models import AccessAttempt
from django.test import Client

from core import roles
from tests.factories.users import user_with_role

PASSWORD = "pw-123456"  # tests.factories.users


def _log_in(client: Client, path: str, username: str, password: str, address: str):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_is_refused_from_that_address(db):
    # given
    user = user_with_role(roles.SALES_CLERK, username="ann")
    attacker = Client()

    # when
    wrong = [_log_in(attacker, "/login/", "ann", f"guess-{n}", "203.0.113.7").status_code for n in range(30)]
    right = _log_in(attacker, "/login/", "ann", PASSWORD, "203.0.113.7")

    # then: nine failures answered by the form, the tenth and every later attempt by the lockout
    assert wrong == [200] * 9 + [429] * 21
    assert right.status_code == 429
    assert "_auth_user_id" not in attacker.session
    page = right.content.decode()
    assert "Too many failed attempts to log in with this username from your address. Try again in 15 minutes." in page
    assert 'value="ann"' in page
    attempt = AccessAttempt.objects.get(username="ann", ip_address="203.0.113.7")
    assert attempt.failures_since_start == 31
    assert user.last_login is None


def test_the_same_user_still_logs_in_from_another_address(db):
    # given: ann is locked out at one address
    user_with_role(roles.SALES_CLERK, username="ann")
    attacker = Client()
    for n in range(10):
        _log_in(attacker, "/login/", "ann", f"guess-{n}", "203.0.113.7")
    assert _log_in(attacker, "/login/", "ann", PASSWORD, "203.0.113.7").status_code == 429

    # when
    ann = Client()
    response = _log_in(ann, "/login/", "ann", PASSWORD, "198.51.100.20")

    # then
    assert response.status_code == 302
    assert response.url == "/"
    assert ann.session["_auth_user_id"]


def test_another_user_at_the_locked_address_still_logs_in(db):
    # given
    user_with_role(roles.SALES_CLERK, username="ann")
    user_with_role(roles.BILLING_CLERK, username="bob")
    office = Client()
    for n in range(10):
        _log_in(office, "/login/", "ann", f"guess-{n}", "203.0.113.7")

    # when
    response = _log_in(office, "/login/", "bob", PASSWORD, "203.0.113.7")

    # then
    assert response.status_code == 302


def test_the_admin_login_is_locked_out_too(db):
    # given
    user_with_role(roles.ADMINISTRATOR, username="root")
    attacker = Client()

    # when
    for n in range(10):
        _log_in(attacker, "/admin/login/", "root", f"guess-{n}", "203.0.113.7")
    response = _log_in(attacker, "/admin/login/", "root", PASSWORD, "203.0.113.7")

    # then
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_a_success_clears_the_failures_before_the_limit(db):
    # given: nine failures, one short of the limit
    user_with_role(roles.SALES_CLERK, username="ann")
    ann = Client()
    for n in range(9):
        _log_in(ann, "/login/", "ann", f"typo-{n}", "198.51.100.20")

    # when
    assert _log_in(ann, "/login/", "ann", PASSWORD, "198.51.100.20").status_code == 302
    ann.logout()
    again = [_log_in(ann, "/login/", "ann", "typo", "198.51.100.20").status_code for _ in range(9)]

    # then: the count started again
    assert again == [200] * 9

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_token(*args) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_creates_and_prints_a_token(integrator):
    # when
    output = api_token("integrator")

    # then
    token = Token.objects.get(user=integrator)
    assert output == f"{token.key}\n"
    assert len(token.key) == 40


def test_returns_the_existing_token(integrator):
    # given
    first = api_token("integrator")

    # when
    second = api_token("integrator")

    # then
    assert second == first
    assert Token.objects.filter(user=integrator).count() == 1


def test_rotate_replaces_the_token(integrator):
    # given
    old = api_token("integrator").strip()

    # when
    new = api_token("integrator", "--rotate").strip()

    # then
    assert new != old
    assert list(Token.objects.filter(user=integrator).values_list("key", flat=True)) == [new]


def test_the_printed_token_authenticates(integrator):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token('integrator').strip()}")

    # when
    response = client.get("/api/v1/sales-orders/")

    # then
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_unknown_user_is_an_error_with_non_zero_exit_code(db):
    # when
    with pytest.raises(CommandError) as refused:
        api_token("ghost")

    # then: manage.py exits with the error's return code
    assert str(refused.value) == "No user named 'ghost'."
    assert refused.value.returncode == 1
    assert Token.objects.count() == 0


def test_inactive_user_gets_no_token(db):
    # given
    User.objects.create_user(username="gone", password="pw-123456", is_active=False)

    # when
    with pytest.raises(CommandError) as refused:
        api_token("gone")

    # then
    assert str(refused.value) == "User gone is inactive."
    assert Token.objects.count() == 0

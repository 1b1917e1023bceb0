"""Settings are read from the environment once, at import: each case imports them in a new interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_DATABASE = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"


def _run_with_settings(module: str, code: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SALESFLOW_TEST_DB_SUFFIX"))
    }
    env.update(DJANGO_SETTINGS_MODULE=module, **environment)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_database_url_is_used_instead_of_the_embedded_server():
    # when
    result = _run_with_settings(
        "config.settings.local", PRINT_DATABASE, DATABASE_URL="postgresql://shop:s3cret@db.example.com:6543/erp"
    )

    # then
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ENGINE": "config.postgresql",
        "NAME": "erp",
        "USER": "shop",
        "PASSWORD": "s3cret",
        "HOST": "db.example.com",
        "PORT": 6543,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": False,
        "ATOMIC_REQUESTS": False,
    }


def test_the_owner_role_comes_from_database_owner_url():
    code = "import json; from django.conf import settings; print(json.dumps(settings.SALESFLOW_DATABASE_OWNER))"
    app_url = "postgresql://shop_app:s3cret@db.example.com:6543/erp"

    with_owner = _run_with_settings(
        "config.settings.local",
        code,
        DATABASE_URL=app_url,
        DATABASE_OWNER_URL="postgresql://shop:0wner@db.example.com:6543/erp",
    )
    without = _run_with_settings("config.settings.local", code, DATABASE_URL=app_url)

    assert with_owner.returncode == 0, with_owner.stderr
    assert json.loads(with_owner.stdout) == {"USER": "shop", "PASSWORD": "0wner"}
    assert json.loads(without.stdout) is None


def test_django_talks_to_postgresql_through_psycopg2_though_psycopg_3_is_installed():
    code = (
        "import django; django.setup(); import psycopg; from django.db import connection; "
        "from django.db.backends.postgresql.psycopg_any import is_psycopg3; "
        "print(connection.Database.__name__, is_psycopg3)"
    )
    result = _run_with_settings(
        "config.settings.local", code, DATABASE_URL="postgresql://shop:s3cret@db.example.com/erp"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["psycopg2", "False"]


def test_test_database_name_takes_the_suffix_for_parallel_runs():
    # when
    result = _run_with_settings(
        "config.settings.test",
        PRINT_DATABASE,
        DATABASE_URL="postgresql://shop:s3cret@db.example.com:6543/erp",
        SALESFLOW_TEST_DB_SUFFIX="ci",
    )

    # then
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["TEST"] == {"NAME": "test_salesflow_ci"}


def test_production_refuses_to_start_without_a_secret_key():
    # when
    result = _run_with_settings(
        "config.settings.production", PRINT_DATABASE, DATABASE_URL="postgresql://shop:s3cret@db.example.com/erp"
    )

    # then
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set DJANGO_SECRET_KEY in production."
    )


def test_production_settings_with_a_secret_key_and_allowed_hosts():
    # given
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DEBUG, settings.ALLOWED_HOSTS, settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.DATABASES['default']['HOST']]))"
    )

    # when
    result = _run_with_settings(
        "config.settings.production",
        code,
        DATABASE_URL="postgresql://salesflow:salesflow@db:5432/salesflow",
        DJANGO_SECRET_KEY="a-long-random-production-secret",
        DJANGO_ALLOWED_HOSTS="sales.example.com,localhost",
    )

    # then
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, ["sales.example.com", "localhost"], True, True, "db"]


SECURE_COOKIES = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE]))"
)
PRODUCTION = {
    "DATABASE_URL": "postgresql://salesflow:salesflow@db:5432/salesflow",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret",
}


def test_secure_cookies_read_like_every_boolean_setting():
    # given
    words = {"1": True, "TRUE": True, "Yes": True, " on ": True, "0": False, "false": False, "NO": False}
    words |= {"off": False, "": False}

    # when
    read = {
        word: _run_with_settings("config.settings.production", SECURE_COOKIES, DJANGO_SECURE_COOKIES=word, **PRODUCTION)
        for word in words
    }

    # then: session and CSRF cookie alike
    for word, result in read.items():
        assert result.returncode == 0, (word, result.stderr)
        assert json.loads(result.stdout) == [words[word], words[word]], word


def test_secure_cookies_default_to_on_and_refuse_a_word_they_do_not_know():
    # when
    default = _run_with_settings("config.settings.production", SECURE_COOKIES, **PRODUCTION)
    typo = _run_with_settings("config.settings.production", SECURE_COOKIES, DJANGO_SECURE_COOKIES="ture", **PRODUCTION)

    # then: a typo does not quietly turn secure cookies off
    assert json.loads(default.stdout) == [True, True]
    assert typo.returncode == 1
    assert typo.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECURE_COOKIES='ture': "
        "use one of 1, true, yes, on or 0, false, no, off."
    )


def test_debug_is_read_the_same_way():
    # when
    on = _run_with_settings("config.settings.local", "from django.conf import settings; print(settings.DEBUG)")
    off = _run_with_settings(
        "config.settings.local", "from django.conf import settings; print(settings.DEBUG)", DJANGO_DEBUG="off"
    )
    wrong = _run_with_settings(
        "config.settings.local", "from django.conf import settings; print(settings.DEBUG)", DJANGO_DEBUG="maybe"
    )

    # then
    assert (on.stdout.strip(), off.stdout.strip()) == ("True", "False")
    assert wrong.returncode == 1
    assert (
        wrong.stderr.strip()
        .splitlines()[-1]
        .endswith("DJANGO_DEBUG='maybe': use one of 1, true, yes, on or 0, false, no, off.")
    )

"""A database outage, for real: a web server (gunicorn) on a throwaway embedded PostgreSQL, which is stopped and
started again while the server keeps running."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from config.embedded_db import _stop_postmaster

GUNICORN = Path(sys.executable).with_name("gunicorn")
API = "/api/v1/customers/"
PAGE = "/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(base: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(base + path, headers=headers)
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _api(base):
    # any token: looking it up needs the database
    return _get(base, API, {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"})


def _page(base):
    # a session cookie: reading the session needs the database
    return _get(base, PAGE, {"Cookie": "sessionid=nosuchsession0123456789abcdefghi", "Accept-Language": "nl"})


@pytest.fixture
def web_server_on_its_own_database():
    var_dir = Path(tempfile.mkdtemp(prefix="sf-outage-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SALESFLOW_"))}
    # local settings: connections kept between requests and health-checked, as in production
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SALESFLOW_VAR_DIR=str(var_dir),
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr

    def database_stop():
        # a fast shutdown, as `pg_ctl stop -m fast` (which refuses to run as root; the server runs as its own user)
        _stop_postmaster(var_dir / "pgdata")

    def database_start():
        manage("check")  # the settings start the embedded server on its data directory

    manage("migrate", "--noinput")  # starts the server too
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield base, database_stop, database_start
    finally:
        server.terminate()
        server.wait(timeout=30)
        database_stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def test_an_outage_answers_503_and_the_next_request_after_it_works(web_server_on_its_own_database):
    # given: a server that has answered with its database up
    base, database_stop, database_start = web_server_on_its_own_database
    assert _api(base)[0] == 401
    assert _page(base)[0] == 302

    # when: the database goes away
    database_stop()
    api_status, api_headers, api_body = _api(base)
    page_status, page_headers, page_body = _page(base)

    # then: 503 with Retry-After; problem+json for the API, the clerk's page translated, no traceback
    assert api_status == 503
    assert api_headers["Content-Type"] == "application/problem+json"
    assert api_headers["Retry-After"] == "30"
    problem = json.loads(api_body)
    assert problem["code"] == "service-unavailable"
    assert problem["status"] == 503
    assert problem["detail"] == "The database cannot be reached just now. Try again in a moment."
    assert page_status == 503
    assert page_headers["Retry-After"] == "30"
    assert page_headers["Content-Type"].startswith("text/html")
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in page_body
    assert "Traceback" not in page_body + api_body

    # when: it is back
    database_start()

    # then: the very next requests work again
    assert _api(base)[0] == 401
    assert _page(base)[0] == 302

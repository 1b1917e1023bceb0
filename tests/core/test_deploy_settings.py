"""Production settings as a deployment sets them: each case runs in a new interpreter (settings are read once)."""

import json
import os
import subprocess
import sys

from django.conf import settings

REALISTIC = {
    "DJANGO_SECRET_KEY": "q8Jm2vX0-rT5nLw7Zp3Yb9Kc1Hs6Ud4Fg8Ae2Ri5To7Py0Qx3Nv",
    "DJANGO_ALLOWED_HOSTS": "erp.example.com",
    "DATABASE_URL": "postgresql://shop_app:s3cret@db.example.com:5432/erp",
    "DATABASE_OWNER_URL": "postgresql://shop:0wner@db.example.com:5432/erp",
}
PRINT_SECURITY = (
    "import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, name, None) for name in"
    " ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER',"
    " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'AXES_IPWARE_META_PRECEDENCE_ORDER')}))"
)


def _run(args: list[str], **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "SALESFLOW_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **REALISTIC, **environment)
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    # when
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SALESFLOW_BEHIND_PROXY="1")

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_https_is_required_and_the_proxy_header_trusted_only_behind_a_proxy():
    # when
    direct = _run(["-c", PRINT_SECURITY])
    proxied = _run(["-c", PRINT_SECURITY], SALESFLOW_BEHIND_PROXY="1")
    plain_http = _run(["-c", PRINT_SECURITY], DJANGO_HTTPS="0")

    # then
    assert json.loads(direct.stdout) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
    }
    assert json.loads(proxied.stdout)["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert json.loads(proxied.stdout)["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert {
        key: value
        for key, value in json.loads(plain_http.stdout).items()
        if key in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE")
    } == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}


def test_a_misspelt_https_switch_stops_the_start():
    result = _run(["-c", PRINT_SECURITY], DJANGO_HTTPS="ture")

    assert result.returncode != 0
    assert "DJANGO_HTTPS='ture'" in result.stderr


def test_pages_carry_the_content_security_policy(client, clerk):
    # given
    client.force_login(clerk)

    # when
    response = client.get("/")

    # then
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"

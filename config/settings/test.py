import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Scenario tests and the browser tests build the demo company.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# Parallel test runs on one server (several checkouts, or a developer beside CI) each get their own database.
if os.environ.get("SALESFLOW_TEST_DB_SUFFIX"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_salesflow_{os.environ['SALESFLOW_TEST_DB_SUFFIX']}"}  # noqa: F405
# Each test thread (live server, concurrency tests) opens and closes its own connection.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
# The API throttle counts every request as in production, with a limit no test reaches by accident (the tests of
# the throttle set their own).
SALESFLOW_API_THROTTLE_RATE = "100000/minute"

# Test receivers listen on 127.0.0.1 (tests/integrations/test_webhook_targets.py turns this off).
SALESFLOW_WEBHOOK_PRIVATE_TARGETS = True

# Dashboard figures are computed on every request, so a test sees what it has just written
# (tests/core/test_figures.py keeps them as production does).
SALESFLOW_FIGURES_SECONDS = 0

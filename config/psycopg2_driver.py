"""Django talks to PostgreSQL through psycopg2 (the product's driver). psycopg 3 is installed too, for the job
worker only (procrastinate's worker connector), and Django's backend picks psycopg 3 whenever it can import it.

Imported first by the settings, before any app: Django's PostgreSQL modules are loaded once with psycopg 3
hidden, so they bind to psycopg2, then psycopg 3 is visible again for the worker."""

import sys

_BACKEND_MODULES = (
    "django.db.backends.postgresql.psycopg_any",
    "django.db.backends.postgresql.base",
)


def _bind_django_to_psycopg2() -> None:
    if all(name in sys.modules for name in _BACKEND_MODULES):
        return
    hidden = {name: module for name, module in sys.modules.items() if name == "psycopg" or name.startswith("psycopg.")}
    for name in hidden:
        del sys.modules[name]
    sys.modules["psycopg"] = None  # `import psycopg` raises ImportError while Django's modules load
    try:
        for name in _BACKEND_MODULES:
            __import__(name)
    finally:
        del sys.modules["psycopg"]
        sys.modules.update(hidden)
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if is_psycopg3:
        raise RuntimeError("Django's PostgreSQL backend was loaded on psycopg 3 before the settings.")


_bind_django_to_psycopg2()

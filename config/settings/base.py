"""Settings shared by every environment. The environment is read here and nowhere else."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import config.psycopg2_driver  # noqa: F401  (first: Django's PostgreSQL backend binds to psycopg2)
from config.embedded_db import embedded_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SALESFLOW_VAR_DIR", BASE_DIR / "var"))


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    # A typo ("ture") must not quietly turn a safety setting such as secure cookies off.
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"{name}={value!r}: use one of 1, true, yes, on or 0, false, no, off.")
    return word in TRUE_WORDS


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_fsm_log",
    "django_htmx",
    # Before the apps: their jobs.py modules register tasks on the app it makes ready.
    "procrastinate.contrib.django",
    "core",
    "integrations",
    "marketing",
    "salesapp",
    "invoicing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
            ],
        },
    },
]

# The application connects as a role that neither owns the tables nor is a superuser; migrations run as the
# owner (core/db_roles.py). Django's backend is ours only so that test databases are made by the owner.
DATABASE_ENGINE = "config.postgresql"
# Connections stay open between requests (health-checked before reuse): a new one costs a few milliseconds.
DATABASE_CONN_MAX_AGE = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
if os.environ.get("DATABASE_URL"):
    database_url = os.environ["DATABASE_URL"]
    owner_url = os.environ.get("DATABASE_OWNER_URL", "")
else:
    embedded = embedded_database(VAR_DIR)
    database_url, owner_url = embedded.app_url, embedded.owner_url
DATABASES = {
    "default": dj_database_url.parse(
        database_url,
        engine=DATABASE_ENGINE,
        conn_max_age=DATABASE_CONN_MAX_AGE,
        conn_health_checks=DATABASE_CONN_MAX_AGE > 0,
    )
}
# The owner's credentials on the same server (None: one role owns and uses the tables).
SALESFLOW_DATABASE_OWNER = (
    {key: dj_database_url.parse(owner_url)[key] for key in ("USER", "PASSWORD")} if owner_url else None
)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's model backend, with a user's permissions read in one query (core/auth_backends.py).
AUTHENTICATION_BACKENDS = ["core.auth_backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("SALESFLOW_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("SALESFLOW_MEDIA_ROOT", VAR_DIR / "media"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SALESFLOW_FROM_EMAIL", "sales@salesflow.example")
# Links in email (e.g. a campaign's unsubscribe link) are absolute: the address users reach this site at.
SALESFLOW_BASE_URL = os.environ.get("SALESFLOW_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "core.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "salesflow API",
    "DESCRIPTION": "Lead-to-cash: parties, customers, items, sales orders, packing slips, invoices, payments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed package, never from a CDN (users may run without internet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that several fields share, or whose field names collide ("source" of a lead and of a campaign
    # target), get one name of their own.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.problem_codes_hook",
        "core.api.idempotency.idempotency_schema_hook",
        "core.api.schema.json_request_bodies_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LeadSourceEnum": "marketing.choices.LeadSource",
        "PartyRoleEnum": "marketing.choices.RelationshipStage",
        "PriceSourceEnum": "salesapp.choices.PriceSource",
        "AgreementKindEnum": "salesapp.choices.AgreementKind",
        "PartyKindEnum": "marketing.choices.PartyKind",
        "QuotationLostReasonEnum": "salesapp.choices.QuotationLostReason",
        "RelationKindEnum": "salesapp.choices.RelationKind",
        "SuggestionEventKindEnum": "salesapp.choices.SuggestionEventKind",
        "BillingRunKindEnum": "invoicing.choices.BillingRunKind",
        "BillingRunStateEnum": "invoicing.choices.BillingRunState",
        # Packing slips and invoices share these states (draft → posted → canceled): one enum for both.
        "PostingStateEnum": "salesapp.choices.PackingSlipState",
        "SupplyStateEnum": "salesapp.choices.SupplyState",
        "StockMoveKindEnum": "salesapp.choices.StockMoveKind",
        "LineSupplyEnum": "salesapp.choices.LineSupply",
        "InvoiceBasisEnum": "invoicing.choices.InvoiceBasis",
        "OrderInvoiceInputBasisEnum": "invoicing.choices.ORDER_BASIS_CHOICES",
    },
}

# Each transition's history row in one plain INSERT (core/state_log.py); the model and reads stay django-fsm-log's.
DJANGO_FSM_LOG_STORAGE_METHOD = "core.state_log.StatementBackend"

# Django's cache lives in the database (DESIGN.md §9: shared by every web process and worker, never in process
# memory); its table is made by a migration (core 0009).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_cache"}}
# How long company-wide figures (the dashboard's tiles) are kept before they are computed again (core/figures.py);
# 0 computes them on every request.
SALESFLOW_FIGURES_SECONDS = int(os.environ.get("SALESFLOW_FIGURES_SECONDS", "60"))

# Background jobs (DESIGN.md §2.3): procrastinate, PostgreSQL as the queue. Each app's tasks live in its jobs.py.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "jobs"
# Finished jobs stay listed in the admin until the daily prune removes them (core.jobs.prune_daily).
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "never"}
# Workers record why an attempt failed (procrastinate keeps only that it did); the admin's job list shows it.
PROCRASTINATE_ON_APP_READY = "core.jobs.on_app_ready"
SALESFLOW_JOBS_KEEP_DAYS = int(os.environ.get("SALESFLOW_JOBS_KEEP_DAYS", "14"))
# Failed jobs are kept longer: someone may still want to read their error or retry them.
SALESFLOW_FAILED_JOBS_KEEP_DAYS = int(os.environ.get("SALESFLOW_FAILED_JOBS_KEEP_DAYS", "90"))

# Company the documents are issued by (shown on PDFs).
SALESFLOW_COMPANY = {
    "name": os.environ.get("SALESFLOW_COMPANY_NAME", "Northwind Trading B.V."),
    "address": os.environ.get("SALESFLOW_COMPANY_ADDRESS", "Keizersgracht 100, 1015 AA Amsterdam, NL"),
    "vat_number": os.environ.get("SALESFLOW_COMPANY_VAT", "NL001234567B01"),
    "iban": os.environ.get("SALESFLOW_COMPANY_IBAN", "NL91 ABNA 0417 1643 00"),
    "currency": "EUR",
}

# Orders whose total is above this amount (company currency) wait for a sales manager's approval; empty: none.
# A customer's own approval threshold overrules it (DESIGN.md §4.2).
SALESFLOW_ORDER_APPROVAL_THRESHOLD = os.environ.get("SALESFLOW_ORDER_APPROVAL_THRESHOLD", "")

# The item number that carries write-in lines (products not in the catalogue, DESIGN.md §4.2): its type, unit, tax
# group and revenue account are the write-in line's; the text typed stays on the line.
SALESFLOW_WRITE_IN_ITEM = os.environ.get("SALESFLOW_WRITE_IN_ITEM", "WRITE-IN")

# Quotations (DESIGN.md §4.2): how long a new quotation is valid, and the terms a prospect's customer account
# gets when a sale makes it a customer (a quotation accepted, an order for an opportunity). The tax group is
# chosen by the party's country (salesapp.selectors.customer_terms), by customer tax group code; a code without
# a group falls back to "tax_group". "price_group" empty: no price group.
SALESFLOW_QUOTATION_VALID_DAYS = int(os.environ.get("SALESFLOW_QUOTATION_VALID_DAYS", "30"))
SALESFLOW_CUSTOMER_TEMPLATE = {
    "currency": os.environ.get("SALESFLOW_CUSTOMER_CURRENCY", "EUR"),
    "payment_terms_days": int(os.environ.get("SALESFLOW_CUSTOMER_PAYMENT_TERMS_DAYS", "30")),
    "home_country": os.environ.get("SALESFLOW_HOME_COUNTRY", "NL"),
    "tax_group": os.environ.get("SALESFLOW_CUSTOMER_TAX_GROUP", "DOMESTIC"),
    "tax_group_domestic": "DOMESTIC",
    "tax_group_eu": "EU",  # an EU business with a VAT number: reverse charge
    "tax_group_export": "EXPORT",
    # An EU party without a VAT number taxed with its own country's VAT (distance sales above the threshold).
    "tax_group_by_country": {"SE": "SE"},
    "price_group": os.environ.get("SALESFLOW_CUSTOMER_PRICE_GROUP", ""),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # A worker says which job it starts and how each one ended.
    "loggers": {"procrastinate.worker": {"level": os.environ.get("SALESFLOW_WORKER_LOG_LEVEL", "INFO")}},
}

FORMAT_MODULE_PATH = ["config.formats"]

# Login lockout (django-axes): failures are counted per username *and* address together, so someone guessing
# passwords is stopped without locking the user out from every other place. A lockout lasts the cool-off from the
# last failure; a successful login clears the count. Every failure and lockout is logged (axes' own logger).
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
# Last: it turns the lockout the backend flags into the login page with its message.
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("SALESFLOW_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SALESFLOW_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
# Behind a reverse proxy (SALESFLOW_BEHIND_PROXY=1) the client's address is the one the proxy adds to
# X-Forwarded-For: the right-most one; those left of it are the client's to invent.
BEHIND_PROXY = env_bool("SALESFLOW_BEHIND_PROXY", False)
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_ORDER = "right-most"

# API throttling per user (core/api/throttling.py), counted in the database so every web process shares it. An
# integrator syncing or importing stays well below it; a runaway loop does not. Empty: off.
SALESFLOW_API_THROTTLE_RATE = os.environ.get("SALESFLOW_API_THROTTLE_RATE", "180/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["core.api.throttling.UserRateThrottle"]

# Content-Security-Policy (django-csp), enforced in every environment so the browser tests meet the same policy:
# scripts and styles only from our own static files (htmx and Swagger UI are vendored), no inline script, event
# handler or style attribute (static/js/page.js does what those did), no eval (htmx's is switched off in base.html).
MIDDLEWARE = [*MIDDLEWARE[:1], "csp.middleware.CSPMiddleware", *MIDDLEWARE[1:]]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The API's schema and its documentation page are for signed-in users and tokens only: they map every resource.
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["rest_framework.permissions.IsAuthenticated"]

# A database outage answers 503 with Retry-After (core/outage.py), here in seconds.
MIDDLEWARE = [*MIDDLEWARE, "core.outage.DatabaseOutageMiddleware"]
SALESFLOW_OUTAGE_RETRY_AFTER = int(os.environ.get("SALESFLOW_OUTAGE_RETRY_AFTER", "30"))

# CSV imports (core/csv_import.py) are read as a stream and refused above these sizes, naming the limit.
SALESFLOW_CSV_MAX_BYTES = int(os.environ.get("SALESFLOW_CSV_MAX_BYTES", str(20 * 1024 * 1024)))
SALESFLOW_CSV_MAX_ROWS = int(os.environ.get("SALESFLOW_CSV_MAX_ROWS", "50000"))
# Every API operation may answer 429 (throttled) or 503 (database unreachable): the schema says so.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    *SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"],
    "core.api.outage_schema.retry_answers_hook",
]
# Token requests are counted for the throttle in the token look-up they make anyway (core/api/throttling.py).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "core.api.throttling.CountingTokenAuthentication" if name.endswith(".TokenAuthentication") else name
    for name in REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
]

# Webhooks go to public receivers only (integrations/services/webhook_targets.py); 1 allows internal addresses.
SALESFLOW_WEBHOOK_PRIVATE_TARGETS = env_bool("SALESFLOW_WEBHOOK_PRIVATE_TARGETS", False)

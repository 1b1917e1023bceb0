from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.concurrency import Versioned


class TimeStampedModel(Versioned):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class AuthoredModel(TimeStampedModel):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class NumberSeries(models.Model):
    """A counter row per document kind. Numbers are taken under a row lock inside the caller's
    transaction, so a rolled-back posting gives its number back and the series stays gapless."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    next_value = models.PositiveBigIntegerField(_("next value"), default=1)
    width = models.PositiveSmallIntegerField(_("digits"), default=6)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.prefix}{'0' * self.width})"

    def format(self, value: int) -> str:
        return f"{self.prefix}{value:0{self.width}d}"


class WebAccess(models.Model):
    """Holds permissions that belong to no table (Django ties every permission to a model): who may use the
    web pages at all. Integrator accounts lack it: they work through the API with a token."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("use_pages", "Can use the web pages")]

    def __str__(self):
        return "web access"


class JobFailure(models.Model):
    """Why one attempt of a background job failed. procrastinate records that a job failed and how often it
    was tried, not the error; this is read beside its job in the admin and pruned with it."""

    # Not a foreign key: procrastinate owns its tables and deletes finished jobs itself.
    job_id = models.BigIntegerField(_("job"), db_index=True)
    attempt = models.PositiveIntegerField(_("attempt"))
    task_name = models.CharField(_("task"), max_length=128)
    error = models.TextField(_("error"))
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("job failure")
        verbose_name_plural = _("job failures")
        ordering = ["job_id", "attempt", "id"]

    def __str__(self):
        return f"{self.task_name} #{self.job_id}, attempt {self.attempt}"


class RateCounter(models.Model):
    """Requests counted in the current window per client (the API throttle, core/api/throttling.py). One row per
    client, rewritten by a single UPSERT per request, so every web process counts against the same figure."""

    key = models.CharField(_("client"), max_length=64, primary_key=True)
    window_start = models.BigIntegerField(_("window start (epoch seconds)"))
    hits = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.key}: {self.hits}"


class TransactionIdField(models.BigIntegerField):
    """A PostgreSQL ``xid8``: the id of the transaction that wrote the row, read as an integer."""

    def db_type(self, connection):
        return "xid8"

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(value)


class Event(models.Model):
    """A business event in the outbox, written in the transaction of the change it tells about.

    ``id`` is the cursor integrators page by; ``txid`` lets the feed hand out only events whose transaction no
    longer runs, so a cursor never passes an event that commits later (core.events)."""

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"))
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.BigIntegerField(_("subject id"))
    occurred_at = models.DateTimeField(_("occurred at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    txid = TransactionIdField(
        _("transaction"), db_default=models.Func(function="pg_current_xact_id", output_field=TransactionIdField())
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["txid", "id"], name="core_event_feed_order"),
            models.Index(fields=["subject_type", "subject_id"], name="core_event_subject"),
        ]

    def __str__(self):
        return f"{self.id} {self.type}"


class IdempotencyKey(models.Model):
    """The answer to one POST sent with an ``Idempotency-Key`` header, written in the same transaction as the
    work it answers: a retry finds it only if that work committed, and then gets the same answer again."""

    key = models.CharField(_("key"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(_("HTTP method"), max_length=10)
    path = models.CharField(_("request path"), max_length=2000)
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_key_unique_per_user")]

    def __str__(self):
        return f"{self.method} {self.path} ({self.key})"


class ExternalReference(models.Model):
    """A record coupled to a record in another system (a CRM, a web shop): that system's id for it.

    An external id names one record of a kind per system, and a record has one id per system, so an integrator
    that creates the record again for the same external id is refused instead of making a second one
    (core.external_references)."""

    system = models.SlugField(_("system"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=200)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("coupled at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("coupled by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("external reference")
        verbose_name_plural = _("external references")
        ordering = ["system", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "content_type", "external_id"], name="external_reference_names_one_record"
            ),
            models.UniqueConstraint(
                fields=["system", "content_type", "object_id"], name="external_reference_once_per_system"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="external_reference_record")]

    def __str__(self):
        return f"{self.system}:{self.external_id}"

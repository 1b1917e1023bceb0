from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
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

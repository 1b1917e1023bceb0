from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class QueuedEmail(models.Model):
    """What every document email that a job sends keeps (salesapp.services.document_mail): where it goes, when
    it was queued, sent or refused for good, the server's answer and who asked for it.

    The job claims the row (``sent_at``) before the message goes, so a retried job never mails twice; a message
    the mail server refused for good is stamped ``failed_at`` with its answer."""

    to = models.EmailField(_("to"))
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-queued_at", "-id"]

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        return "failed" if self.failed_at else "queued"

    @property
    def status_label(self) -> str:
        return {"sent": gettext("sent"), "failed": gettext("failed"), "queued": gettext("queued")}[self.status]

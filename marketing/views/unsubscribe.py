"""The unsubscribe link of campaign email: public (no login), identified by the target's secret token."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.actors import system_actor
from marketing.models import CampaignTarget
from marketing.services.campaign_targets import target_unsubscribe


# Mail programs post the one-click unsubscribe (RFC 8058) without a CSRF token; the unguessable token in the
# address is what authorizes it, and all it can do is stop email to that address.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    target = CampaignTarget.objects.select_related("campaign").filter(unsubscribe_token=token).first()
    if target is None:
        return render(request, "marketing/unsubscribe_unknown.html", status=404)
    # The recipient is not logged in and may never have chosen a language here: speak the party's language,
    # unless the visitor picked one with the language switch.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen or (target.language if target.language in dict(settings.LANGUAGES) else None)
    with translation.override(language or translation.get_language()):
        if request.method == "POST":
            # The recipient follows a link from the email: no account of ours acts, so the system does.
            target = target_unsubscribe(target=target, by=system_actor())
            return render(request, "marketing/unsubscribe_done.html", {"target": target})
        return render(request, "marketing/unsubscribe.html", {"target": target})

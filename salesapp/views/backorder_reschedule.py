"""The reschedule action of the backorder views: chosen lines get a new confirmed ship date (typed, or each its
ATP date) and each customer concerned is told once (salesapp.services.backorders)."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError, ValidationFailed
from core.web import permission
from salesapp.services.backorders import backorders_reschedule


def _back(request):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("salesapp:backorders_by_customer")


def _date(value: str):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            field_errors={"confirmed_ship_date": _("Enter a date as YYYY-MM-DD, not '%(value)s'.") % {"value": value}}
        ) from None


@permission("salesapp.change_salesorder")
@require_POST
def backorders_reschedule_view(request):
    use_atp = request.POST.get("use_atp") in ("on", "1", "true")
    try:
        result = backorders_reschedule(
            lines=request.POST.getlist("lines"),
            # Ticking "take the ATP date" wins over a date typed in the same form.
            confirmed_ship_date=None if use_atp else _date(request.POST.get("confirmed_ship_date", "").strip()),
            use_atp=use_atp,
            by=request.user,
        )
    except DomainError as exc:
        for message in getattr(exc, "field_errors", {}).values() or [exc.reason]:
            messages.error(request, message)
        return _back(request)
    if result.changed:
        messages.success(
            request,
            ngettext("New ship date on %(count)s line.", "New ship dates on %(count)s lines.", len(result.changed))
            % {"count": len(result.changed)},
        )
    else:
        messages.info(request, _("No ship date changed."))
    if result.notices:
        messages.success(
            request,
            _("Emailing %(customers)s the new dates.")
            % {"customers": ", ".join(notice.customer.party.name for notice in result.notices)},
        )
    for customer in result.unreachable:
        messages.warning(
            request,
            _("%(customer)s has no email address: a task to tell them is on their timeline.")
            % {"customer": customer.party.name},
        )
    for line, promise in result.unpromisable:
        messages.warning(
            request,
            _("Order %(number)s line %(line_no)s kept its date: %(why)s")
            % {"number": line.order.number, "line_no": line.line_no, "why": promise.text()},
        )
    return _back(request)

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.web import form_save, paginate
from marketing.forms.parties import PartyFilterForm, PartyForm
from marketing.models import Party
from marketing.selectors import parties as selectors


@login_required
@permission_required("marketing.view_party", raise_exception=True)
def party_list(request):
    filters = PartyFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    parties = selectors.party_list(
        search=wanted.get("q", "").strip(), kind=wanted.get("kind", ""), country=wanted.get("country", "").strip()
    )
    return render(request, "marketing/party_list.html", {"filters": filters, "page_obj": paginate(request, parties)})


@login_required
@permission_required("marketing.view_party", raise_exception=True)
def party_detail(request, pk: int):
    party = get_object_or_404(Party.objects.select_related("customer"), pk=pk)
    # A party without a customer account is a prospect (DESIGN.md §3).
    customer = getattr(party, "customer", None)
    return render(request, "marketing/party_detail.html", {"party": party, "customer": customer})


@login_required
@permission_required("marketing.add_party", raise_exception=True)
def party_create(request):
    form = PartyForm(request.POST or None)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Party %(name)s created.") % {"name": saved.name})
        return redirect("marketing:party_detail", pk=saved.pk)
    return render(request, "marketing/party_form.html", {"form": form, "party": None})


@login_required
@permission_required("marketing.change_party", raise_exception=True)
def party_update(request, pk: int):
    party = get_object_or_404(Party, pk=pk)
    # The form writes the posted values onto its instance while validating; the heading keeps the stored name.
    form = PartyForm(request.POST or None, instance=copy.copy(party))
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Party %(name)s saved.") % {"name": saved.name})
        return redirect("marketing:party_detail", pk=saved.pk)
    return render(request, "marketing/party_form.html", {"form": form, "party": party})

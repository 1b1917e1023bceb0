"""Party pages: the list, the party form with its duplicate warning, the party page (contacts, addresses, open
leads and opportunities, activities, timeline), contact and address forms, and merging two parties."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.listing import Column, list_response
from core.web import form_add_domain_error, form_save, list_url, panel_rows, permission, run_action
from core.web_versions import version_field_add
from core.widgets import suggestions_response
from marketing.forms.parties import (
    PARTY_LOOKUP,
    AddressForm,
    ContactForm,
    PartyFilterForm,
    PartyForm,
    PartyMergeForm,
    PartyMergeSearchForm,
)
from marketing.models import Address, Contact, Party, Tag
from marketing.selectors import parties as selectors
from marketing.selectors.activities import activities_open_for
from marketing.services import parties as services
from marketing.services.party_merge import party_merge, party_merge_refusal

TIMELINE_PER_PAGE = 20


def _party_or_404(pk: int) -> Party:
    try:
        return selectors.party_get(pk=pk)
    except Party.DoesNotExist:
        raise Http404(_("No such party.")) from None


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


PARTY_COLUMNS = [
    Column("name", gettext_lazy("Name"), lambda party: party.name),
    Column("kind", gettext_lazy("Kind"), lambda party: party.get_kind_display()),
    Column("email", gettext_lazy("Email"), lambda party: party.email),
    Column("city", gettext_lazy("City"), lambda party: party.city),
    Column("country", gettext_lazy("Country"), lambda party: party.country),
    Column("stage", gettext_lazy("Stage"), lambda party: selectors.stage_label(party.stage)),
    Column("tags", gettext_lazy("Tags"), lambda party: ", ".join(tag.name for tag in party.tags.all())),
]


@permission("marketing.view_party")
@require_GET
def party_list(request):
    filters = PartyFilterForm(request.GET)
    parties = selectors.party_list(**filters.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=parties,
        columns=PARTY_COLUMNS,
        sorts=selectors.PARTY_SORTS,
        template="marketing/party_list.html",
        filename="parties",
        form=filters,
        context={"filters": filters},
    )


@permission("marketing.view_party")
@require_GET
def party_detail(request, pk: int):
    party = _party_or_404(pk)
    context = {
        "party": party,
        # A party without a customer account is a prospect (DESIGN.md §3).
        "customer": getattr(party, "customer", None),
        "stage_label": selectors.stage_label(party.stage),
        "contacts": list(party.contacts.all()),
        "addresses": list(party.addresses.all()),
        "tags": list(party.tags.all()),
        "open_leads": panel_rows(
            selectors.party_open_leads(party=party), url=list_url("marketing:lead_list", party=party.pk, state="open")
        ),
        "open_opportunities": panel_rows(
            selectors.party_open_opportunities(party=party),
            url=list_url("marketing:opportunity_list", party=party.pk, state="open"),
        ),
        "activities": panel_rows(
            activities_open_for(party=party),
            url=list_url("marketing:activity_list", party=party.pk, status="open"),
        ),
        "add_query": f"party={party.pk}",
        "timeline": selectors.party_timeline(party=party, per_page=TIMELINE_PER_PAGE),
    }
    return render(request, "marketing/party_detail.html", context)


@permission("marketing.view_party")
@require_GET
def party_timeline(request, pk: int):
    """A page of the timeline: the "older" part the party page loads in place (htmx), or a page of its own."""
    party = get_object_or_404(Party, pk=pk)
    timeline = selectors.party_timeline(party=party, page=_page_number(request), per_page=TIMELINE_PER_PAGE)
    context = {"party": party, "timeline": timeline}
    if request.headers.get("HX-Request"):
        return render(request, "marketing/includes/party_timeline.html", context)
    return render(request, "marketing/party_timeline.html", context)


def _form_context(form: PartyForm, *, party: Party | None, duplicates=()) -> dict:
    return {
        "form": form,
        "party": party,
        "duplicates": list(duplicates),
        "tag_names": list(Tag.objects.values_list("name", flat=True)),
    }


@permission("marketing.add_party")
@require_http_methods(["GET", "POST"])
def party_create(request):
    form = PartyForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(by=request.user)
        except services.PartyDuplicates as exc:
            duplicates = exc.duplicates
            form.add_error(None, exc.reason)
            # What the clerk decides now is whether it is a different party.
            form.fields["name"].widget.attrs.pop("autofocus", None)
            form.fields["allow_duplicate"].widget.attrs["autofocus"] = True
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Party %(name)s created.") % {"name": saved.name})
            return redirect("marketing:party_detail", pk=saved.pk)
    return render(request, "marketing/party_form.html", _form_context(form, party=None, duplicates=duplicates))


@permission("marketing.view_party")
@require_GET
def party_suggestions(request):
    """Parties matching what is typed, for a form's party field."""
    return suggestions_response(PARTY_LOOKUP, Party.objects.all(), request.GET.get("q", ""))


@permission("marketing.add_party")
@require_GET
def party_duplicates_check(request):
    """Possible duplicates of what is typed in the new-party form, shown while typing (htmx)."""
    duplicates = selectors.party_duplicates(
        name=request.GET.get("name", ""), email=request.GET.get("email", ""), postcode=request.GET.get("postcode", "")
    )[:10]
    return render(request, "marketing/includes/party_duplicates.html", {"duplicates": list(duplicates)})


@permission("marketing.change_party")
@require_http_methods(["GET", "POST"])
def party_update(request, pk: int):
    party = get_object_or_404(Party, pk=pk)
    # The form writes the posted values onto its instance while validating; the heading keeps the stored name.
    form = PartyForm(request.POST or None, instance=copy.copy(party))
    version_field_add(form, party)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Party %(name)s saved.") % {"name": saved.name})
        return redirect("marketing:party_detail", pk=saved.pk)
    return render(request, "marketing/party_form.html", _form_context(form, party=party))


# Contact persons


@permission("marketing.add_contact")
@require_http_methods(["GET", "POST"])
def contact_create(request, pk: int):
    party = get_object_or_404(Party, pk=pk)
    form = ContactForm(request.POST or None, party=party)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Contact person %(name)s added.") % {"name": saved.name})
        return redirect("marketing:party_detail", pk=party.pk)
    return render(request, "marketing/contact_form.html", {"form": form, "party": party, "contact": None})


@permission("marketing.change_contact")
@require_http_methods(["GET", "POST"])
def contact_update(request, pk: int):
    contact = get_object_or_404(Contact.objects.select_related("party"), pk=pk)
    form = ContactForm(request.POST or None, instance=copy.copy(contact), party=contact.party)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Contact person %(name)s saved.") % {"name": saved.name})
        return redirect("marketing:party_detail", pk=contact.party_id)
    context = {"form": form, "party": contact.party, "contact": contact}
    return render(request, "marketing/contact_form.html", context)


@permission("marketing.change_contact")
@require_POST
def contact_make_primary(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    run_action(
        request,
        lambda: services.contact_update(contact=contact, by=request.user, is_primary=True),
        success=_("%(name)s is now the primary contact.") % {"name": contact.name},
    )
    return redirect("marketing:party_detail", pk=contact.party_id)


@permission("marketing.delete_contact")
@require_POST
def contact_delete(request, pk: int):
    contact = get_object_or_404(Contact, pk=pk)
    run_action(
        request,
        lambda: services.contact_delete(contact=contact, by=request.user),
        success=_("Contact person %(name)s deleted.") % {"name": contact.name},
    )
    return redirect("marketing:party_detail", pk=contact.party_id)


# Addresses


@permission("marketing.add_address")
@require_http_methods(["GET", "POST"])
def address_create(request, pk: int):
    party = get_object_or_404(Party, pk=pk)
    initial = {"country": party.country, "purpose": request.GET.get("purpose", "")}
    form = AddressForm(request.POST or None, party=party, initial=initial)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("%(purpose)s address added.") % {"purpose": saved.get_purpose_display()})
        return redirect("marketing:party_detail", pk=party.pk)
    return render(request, "marketing/address_form.html", {"form": form, "party": party, "address": None})


@permission("marketing.change_address")
@require_http_methods(["GET", "POST"])
def address_update(request, pk: int):
    address = get_object_or_404(Address.objects.select_related("party"), pk=pk)
    form = AddressForm(request.POST or None, instance=copy.copy(address), party=address.party)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("%(purpose)s address saved.") % {"purpose": saved.get_purpose_display()})
        return redirect("marketing:party_detail", pk=address.party_id)
    context = {"form": form, "party": address.party, "address": address}
    return render(request, "marketing/address_form.html", context)


@permission("marketing.change_address")
@require_POST
def address_make_default(request, pk: int):
    address = get_object_or_404(Address, pk=pk)
    run_action(
        request,
        lambda: services.address_update(address=address, by=request.user, is_default=True),
        success=_("Default %(purpose)s address changed.") % {"purpose": address.get_purpose_display().lower()},
    )
    return redirect("marketing:party_detail", pk=address.party_id)


@permission("marketing.delete_address")
@require_POST
def address_delete(request, pk: int):
    address = get_object_or_404(Address, pk=pk)
    run_action(
        request,
        lambda: services.address_delete(address=address, by=request.user),
        success=_("%(purpose)s address deleted.") % {"purpose": address.get_purpose_display()},
    )
    return redirect("marketing:party_detail", pk=address.party_id)


# Merge


@permission("marketing.change_party", "marketing.delete_party")
@require_http_methods(["GET", "POST"])
def party_merge_view(request, pk: int):
    """Merge another party into this one: find it, see what would move, confirm."""
    keep = get_object_or_404(Party, pk=pk)
    if request.method == "POST":
        form = PartyMergeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the party to merge into %(name)s.") % {"name": keep.name})
            return redirect("marketing:party_merge", pk=keep.pk)
        remove = form.cleaned_data["remove"]
        merged = run_action(
            request,
            lambda: party_merge(keep=keep, remove=remove, by=request.user),
            success=_("%(remove)s merged into %(keep)s.") % {"remove": remove.name, "keep": keep.name},
        )
        if merged is None:
            return redirect(f"{request.path}?remove={remove.pk}")
        return redirect("marketing:party_detail", pk=keep.pk)

    search = PartyMergeSearchForm(request.GET)
    query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    context = {"keep": keep, "search": search, "query": query, "remove": None}
    remove_pk = request.GET.get("remove", "")
    if remove_pk.isdigit() and int(remove_pk) != keep.pk:
        remove = Party.objects.filter(pk=int(remove_pk)).first()
        if remove is not None:
            context.update(
                remove=remove,
                moves=selectors.party_merge_preview(keep=keep, remove=remove),
                refusal=party_merge_refusal(keep=keep, remove=remove),
                form=PartyMergeForm(initial={"remove": remove.pk}),
            )
    if context["remove"] is None:
        context["duplicates"] = list(
            selectors.party_duplicates(name=keep.name, email=keep.email, postcode=keep.postcode, exclude_pk=keep.pk)[
                :10
            ]
        )
        context["candidates"] = selectors.party_search(search=query, exclude_pk=keep.pk) if query else []
    return render(request, "marketing/party_merge.html", context)

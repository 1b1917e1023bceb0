"""Saved segments: the list, the segment form (with how many it selects today) and deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.web import form_save, paginate, permission, run_action
from marketing.choices import Language, PartyKind, TargetSource
from marketing.forms.campaigns import SegmentForm
from marketing.models import OpportunityStage, Segment
from marketing.selectors.segments import FILTER_KEYS, segment_candidates, segment_list
from marketing.services.segments import segment_delete


def filters_summary(filters: dict, stage_names: dict[int, str]) -> list[tuple[str, str]]:
    """A segment's filters in words, for lists and headings."""
    labels = {
        "roles": _("Select"),
        "kind": _("Kind"),
        "tags": _("Tags"),
        "country": _("Country"),
        "city": _("City"),
        "language": _("Language"),
        "stage": _("Opportunity stage"),
        "last_activity_after": _("Last activity after"),
        "last_activity_before": _("Last activity before"),
        "no_activity_days": _("No activity for (days)"),
        "has_open_opportunity": _("Open opportunity"),
        "search": _("Contains"),
    }
    words = []
    filters = filters or {}
    # In the order of the form, whatever order the database keeps the keys in.
    for key in [key for key in FILTER_KEYS if key in filters]:
        value = filters[key]
        if key == "roles":
            shown = ", ".join(str(TargetSource(role).label) for role in value if role in TargetSource.values)
        elif key == "kind" and value in PartyKind.values:
            shown = str(PartyKind(value).label)
        elif key == "language" and value in Language.values:
            shown = str(Language(value).label)
        elif key == "stage":
            shown = ", ".join(stage_names.get(pk, str(pk)) for pk in value)
        elif key == "has_open_opportunity":
            shown = _("has one") if value else _("has none")
        elif isinstance(value, list):
            shown = ", ".join(str(item) for item in value)
        else:
            shown = str(value)
        words.append((str(labels.get(key, key)), shown))
    return words


def _stage_names() -> dict[int, str]:
    return dict(OpportunityStage.objects.values_list("pk", "name"))


@permission("marketing.view_segment")
@require_GET
def segment_list_view(request):
    search = request.GET.get("q", "").strip()
    page_obj = paginate(request, segment_list(search=search))
    stage_names = _stage_names()
    rows = [(segment, filters_summary(segment.filters, stage_names)) for segment in page_obj]
    return render(request, "marketing/segment_list.html", {"page_obj": page_obj, "rows": rows, "search": search})


def _form_page(request, form, segment: Segment | None):
    selected = None
    if segment is not None:
        try:
            selected = len(segment_candidates(filters=segment.filters))
        except DomainError as exc:
            # A stage or tag it names may have gone since it was saved: say so and let the clerk fix it.
            messages.warning(request, exc.reason)
    return render(request, "marketing/segment_form.html", {"form": form, "segment": segment, "selected": selected})


@permission("marketing.add_segment")
@require_http_methods(["GET", "POST"])
def segment_create(request):
    form = SegmentForm(request.POST or None)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Segment '%(name)s' saved.") % {"name": saved.name})
        return redirect("marketing:segment_update", pk=saved.pk)
    return _form_page(request, form, None)


@permission("marketing.change_segment")
@require_http_methods(["GET", "POST"])
def segment_update(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    form = SegmentForm(request.POST or None, instance=segment)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Segment '%(name)s' saved.") % {"name": saved.name})
        return redirect("marketing:segment_update", pk=saved.pk)
    return _form_page(request, form, segment)


@permission("marketing.delete_segment")
@require_POST
def segment_delete_view(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    run_action(
        request,
        lambda: segment_delete(segment=segment, by=request.user),
        success=_("Segment '%(name)s' deleted.") % {"name": segment.name},
    )
    return redirect("marketing:segment_list")

"""Merging two parties that turned out to be one: everything that points at the removed party moves to the kept
one (marketing's rows here, other apps' rows by those apps' own services), and the removed party is deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from core import extensions
from core.errors import ActionForbidden, ValidationFailed
from marketing.choices import ActivityType
from marketing.errors import ErrorCode
from marketing.models import Address, CampaignTarget, Contact, Party
from marketing.selectors.parties import party_merge_preview, party_merge_unhandled, party_relations
from marketing.services.activities import activity_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Filled on the kept party from the removed one when empty; the address lines only as a whole, so a street
# never ends up with another party's city.
FILLED_FIELDS = ("email", "phone", "vat_number")
ADDRESS_FIELDS = ("street", "postcode", "city", "country")


def party_merge_refusal(*, keep: Party, remove: Party) -> str | None:
    """Why ``remove`` cannot be merged into ``keep``, or None when it can. Apps whose rows point at parties
    say their own reasons (two customer accounts are never merged)."""
    if keep.pk == remove.pk:
        return gettext("Choose another party: a party cannot be merged into itself.")
    for participant in extensions.party_merge_participants:
        reason = participant.refusal(keep, remove)
        if reason:
            return reason
    unhandled = party_merge_unhandled(remove=remove)
    if unhandled:
        return gettext("%(remove)s has %(what)s that a merge cannot move: keep working with both parties.") % {
            "remove": remove.name,
            "what": ", ".join(unhandled),
        }
    return None


def _locked_pair(keep: Party, remove: Party) -> tuple[Party, Party]:
    # Always in id order, so two merges of the same parties cannot wait for each other.
    locked = {
        party.pk: party
        for party in Party.objects.select_for_update(of=("self",)).filter(pk__in=[keep.pk, remove.pk]).order_by("pk")
    }
    return locked[keep.pk], locked[remove.pk]


def _repointed(model, *, field: str, old, new) -> None:
    values = {field: new}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        # Integrators synchronise by last change: a row that moved has changed.
        values["updated_at"] = timezone.now()
    model._base_manager.filter(**{field: old}).update(**values)


def _target_replaced(dropped: CampaignTarget, kept: CampaignTarget) -> None:
    """What refers to a campaign target that goes (its calls, …) goes with the target that stays."""
    for relation in CampaignTarget._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and relation.one_to_many:
            _repointed(relation.related_model, field=relation.field.name, old=dropped, new=kept)
    dropped.delete()


def _targets_prepared(keep: Party, remove: Party) -> None:
    """Both parties targeted by the same campaign: the kept party's target stays, unless only the removed
    party's target has a response — the answer is what the campaign is about."""
    kept_by_campaign = {target.campaign_id: target for target in CampaignTarget.objects.filter(party=keep)}
    for target in CampaignTarget.objects.filter(party=remove, campaign_id__in=list(kept_by_campaign)):
        kept = kept_by_campaign[target.campaign_id]
        if target.response and not kept.response:
            _target_replaced(kept, target)
        else:
            _target_replaced(target, kept)


def _primaries_prepared(keep: Party, remove: Party) -> None:
    if Contact.objects.filter(party=keep, is_primary=True).exists():
        Contact.objects.filter(party=remove, is_primary=True).update(is_primary=False)
    kept_defaults = Address.objects.filter(party=keep, is_default=True).values("purpose")
    Address.objects.filter(party=remove, is_default=True, purpose__in=kept_defaults).update(is_default=False)


def _links_moved(relation, *, keep: Party, remove: Party) -> None:
    """Rows of a many-to-many (the tags) move unless keep has the same link already; the rest go with remove."""
    model = relation.related_model
    target = next(f for f in model._meta.fields if f.is_relation and f.related_model is not Party)
    kept = model._base_manager.filter(**{relation.field.name: keep}).values(target.attname)
    model._base_manager.filter(**{relation.field.name: remove}).exclude(**{f"{target.attname}__in": kept}).update(
        **{relation.field.name: keep}
    )


def _empty_fields_filled(keep: Party, remove: Party) -> None:
    for name in FILLED_FIELDS:
        if not getattr(keep, name) and getattr(remove, name):
            setattr(keep, name, getattr(remove, name))
    if not any(getattr(keep, name) for name in ("street", "postcode", "city")):
        for name in ADDRESS_FIELDS:
            setattr(keep, name, getattr(remove, name))


@transaction.atomic
def party_merge(*, keep: Party, remove: Party, by: User) -> Party:
    """Merge ``remove`` into ``keep``: contacts (keep's primary stays primary), addresses (keep's defaults win),
    tags, leads, opportunities, activities, campaign targets, unsubscriptions, the customer account and every
    other row of any app that points at ``remove`` move to ``keep``; keep's empty fields are filled from remove;
    the merge is recorded as a done task on keep, and remove is deleted."""
    if by is None or not by.has_perms(["marketing.change_party", "marketing.delete_party"]):
        raise ActionForbidden(
            code=ErrorCode.PARTY_MERGE_FORBIDDEN, reason=gettext("Your role does not allow merging parties.")
        )
    if keep.pk == remove.pk:
        reason = party_merge_refusal(keep=keep, remove=remove)
        raise ValidationFailed(code=ErrorCode.PARTY_MERGE_SAME, reason=reason, field_errors={"remove": reason})
    keep, remove = _locked_pair(keep, remove)
    reason = party_merge_refusal(keep=keep, remove=remove)
    if reason:
        raise ValidationFailed(code=ErrorCode.PARTY_MERGE_REFUSED, reason=reason, field_errors={"remove": reason})
    moves = party_merge_preview(keep=keep, remove=remove)

    _targets_prepared(keep, remove)
    _primaries_prepared(keep, remove)
    for relation in party_relations(own=True):
        if relation.related_model._meta.auto_created:
            _links_moved(relation, keep=keep, remove=remove)
        else:
            _repointed(relation.related_model, field=relation.field.name, old=remove, new=keep)
    for participant in extensions.party_merge_participants:
        participant.move(keep=keep, remove=remove, by=by)
    _empty_fields_filled(keep, remove)
    keep.save()

    notes = "\n".join(f"{move.label}: {move.count}" for move in moves) or gettext("Nothing else was attached to it.")
    activity_create(
        by=by,
        activity_type=ActivityType.TASK,
        subject=gettext("Merged %(name)s into this party") % {"name": Truncator(remove.name).chars(150)},
        notes=notes,
        party=keep,
        done=True,
    )
    remove.delete()
    return keep

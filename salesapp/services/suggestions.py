"""Up-sell and cross-sell: the rules managers keep, and a clerk accepting or undoing a suggestion on an order or
on a draft quotation.

Accepting is one click and undoing it puts back exactly what was there; both are recorded for the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from salesapp.choices import RelationKind, SuggestionEventKind
from salesapp.errors import ErrorCode
from salesapp.lock_objects import lock_order, lock_quotation
from salesapp.models import ProductRelation, Quotation, QuotationLine, SalesOrder, SalesOrderLine, SuggestionEvent
from salesapp.selectors.suggestions import relation_applies
from salesapp.services.orders import (
    LineTerms,
    OrderLineInput,
    order_line_add,
    order_line_item_replace,
    order_line_item_restore,
    order_line_remove,
)
from salesapp.services.quotations import (
    QuotationLineInput,
    quotation_line_add,
    quotation_line_item_replace,
    quotation_line_item_restore,
    quotation_line_remove,
)
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RELATION_FIELDS = (
    "item",
    "suggested_item",
    "kind",
    "min_quantity",
    "price_group",
    "valid_from",
    "valid_to",
    "priority",
    "pitch",
    "active",
)


def _relation_validated(relation: ProductRelation) -> ProductRelation:
    model_validated(relation, exclude=["created_by"])
    errors = {}
    if relation.item_id and relation.item_id == relation.suggested_item_id:
        errors["suggested_item"] = gettext("An item cannot be suggested for itself.")
    if relation.valid_from and relation.valid_to and relation.valid_to < relation.valid_from:
        errors["valid_to"] = gettext("The end of the validity cannot be before its start.")
    if relation.min_quantity is not None and relation.min_quantity <= 0:
        errors["min_quantity"] = gettext("The minimum quantity must be greater than zero, or empty.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    return relation


def _unknown(fields: dict) -> None:
    unknown = set(fields) - set(RELATION_FIELDS)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})


@transaction.atomic
def product_relation_create(*, by: User, **fields) -> ProductRelation:
    _unknown(fields)
    relation = ProductRelation(created_by=by, **fields)
    _relation_validated(relation)
    relation.save()
    return relation


@transaction.atomic
def product_relation_update(*, relation: ProductRelation, by: User, **fields) -> ProductRelation:
    _unknown(fields)
    relation = ProductRelation.objects.select_for_update().get(pk=relation.pk)
    for name, value in fields.items():
        setattr(relation, name, value)
    _relation_validated(relation)
    relation.save()
    return relation


@transaction.atomic
def product_relation_deactivate(*, relation: ProductRelation, by: User) -> ProductRelation:
    return product_relation_update(relation=relation, by=by, active=False)


@transaction.atomic
def product_relation_delete(*, relation: ProductRelation, by: User) -> None:
    """Delete a rule that never made a suggestion; one with a history is deactivated instead, so the report
    keeps its figures."""
    relation = ProductRelation.objects.select_for_update().get(pk=relation.pk)
    if relation.events.exists():
        raise TransitionRefused(
            code=ErrorCode.RELATION_IN_USE,
            reason=gettext("This rule has made suggestions that the report counts: deactivate it instead."),
        )
    relation.delete()


def suggestions_shown_record(*, order: SalesOrder, shown: dict[int, list[ProductRelation]], by: User) -> None:
    """Record that the rules in ``shown`` (line id → rules) were offered on those lines, once per rule and line
    however often the page is shown: one statement."""
    events = [
        SuggestionEvent(relation=rule, kind=SuggestionEventKind.SHOWN, order=order, order_line_id=line_id, by=by)
        for line_id, rules in shown.items()
        for rule in rules
    ]
    if events:
        SuggestionEvent.objects.bulk_create(events, ignore_conflicts=True)


def _applicable_or_refuse(*, relation: ProductRelation, line, items_on_document: set, date, customer) -> None:
    """Refuse a suggestion that does not apply to ``line`` now, and a cross-sell of an item the document already
    carries (the page does not offer it; a second click or an API call must not add it twice)."""
    applies = line.item is not None and relation_applies(
        relation=relation, item=line.item, quantity=line.quantity, date=date, customer=customer
    )
    if applies and relation.kind == RelationKind.CROSS_SELL and relation.suggested_item_id in items_on_document:
        raise ValidationFailed(
            code=ErrorCode.SUGGESTION_NOT_APPLICABLE,
            field_errors={
                "relation": gettext("%(item)s is on the document already.") % {"item": relation.suggested_item.number}
            },
        )
    if not applies:
        raise ValidationFailed(
            code=ErrorCode.SUGGESTION_NOT_APPLICABLE,
            field_errors={
                "relation": gettext("This suggestion does not apply to line %(line_no)s.") % {"line_no": line.line_no}
            },
        )


@transaction.atomic
def suggestion_accept(*, order_line: SalesOrderLine, relation: ProductRelation, by: User) -> SuggestionEvent:
    """Accept ``relation``'s suggestion on an open order's line: an up-sell puts the suggested item on the line
    (priced again by the pricing engine), a cross-sell adds a line of it for the same quantity."""
    order = lock_order(order_line.order_id)
    line = SalesOrderLine.objects.select_related("item").get(pk=order_line.pk)
    relation = ProductRelation.objects.select_related("suggested_item").get(pk=relation.pk)
    _applicable_or_refuse(
        relation=relation,
        line=line,
        items_on_document=set(order.lines.values_list("item_id", flat=True)),
        date=order.order_date,
        customer=order.customer,
    )
    event = SuggestionEvent(relation=relation, kind=SuggestionEventKind.ACCEPTED, order=order, order_line=line, by=by)
    if relation.kind == RelationKind.UP_SELL:
        event.previous = LineTerms.of(line).values
        changed = order_line_item_replace(order_line=line, item=relation.suggested_item, by=by)
        event.revenue = changed.net_amount
    else:
        added = order_line_add(
            order=order, line=OrderLineInput(item=relation.suggested_item, quantity=line.quantity), by=by
        )
        event.added_line = added
        event.revenue = added.net_amount
    event.save()
    return event


@transaction.atomic
def suggestion_undo(*, event: SuggestionEvent, by: User) -> SuggestionEvent:
    """Undo an accepted suggestion: the added line goes, or the replaced item comes back with the price,
    discount, source and tax code it had. Refused when the order or the line moved on since. An event on a
    quotation is undone on the quotation."""
    if event.quotation_id is not None:
        return quotation_suggestion_undo(event=event, by=by)
    lock_order(event.order_id)
    event = SuggestionEvent.objects.select_for_update(of=("self",)).select_related("relation").get(pk=event.pk)
    return _accepted_undo(
        event,
        added_line=event.added_line,
        line=event.order_line,
        line_remove=lambda added: order_line_remove(order_line=added, by=by),
        item_restore=lambda line, terms: order_line_item_restore(order_line=line, terms=terms, by=by),
        by=by,
    )


def quotation_suggestions_shown_record(
    *, quotation: Quotation, shown: dict[int, list[ProductRelation]], by: User
) -> None:
    """Record that the rules in ``shown`` (quotation line id → rules) were offered on a quotation's lines, once per
    rule and line however often the page is shown: one statement."""
    events = [
        SuggestionEvent(
            relation=rule, kind=SuggestionEventKind.SHOWN, quotation=quotation, quotation_line_id=line_id, by=by
        )
        for line_id, rules in shown.items()
        for rule in rules
    ]
    if events:
        SuggestionEvent.objects.bulk_create(events, ignore_conflicts=True)


@transaction.atomic
def quotation_suggestion_accept(
    *, quotation_line: QuotationLine, relation: ProductRelation, by: User
) -> SuggestionEvent:
    """Accept ``relation``'s suggestion on a draft quotation's line: an up-sell puts the suggested item on the
    line (priced again by the pricing engine), a cross-sell adds a line of it for the same quantity."""
    quotation = lock_quotation(quotation_line.quotation_id)
    line = QuotationLine.objects.select_related("item").get(pk=quotation_line.pk)
    relation = ProductRelation.objects.select_related("suggested_item").get(pk=relation.pk)
    _applicable_or_refuse(
        relation=relation,
        line=line,
        items_on_document=set(quotation.lines.values_list("item_id", flat=True)),
        date=quotation.quotation_date,
        customer=quotation.customer,
    )
    event = SuggestionEvent(
        relation=relation, kind=SuggestionEventKind.ACCEPTED, quotation=quotation, quotation_line=line, by=by
    )
    if relation.kind == RelationKind.UP_SELL:
        event.previous = LineTerms.of(line).values
        changed = quotation_line_item_replace(quotation_line=line, item=relation.suggested_item, by=by)
        event.revenue = changed.net_amount
    else:
        added = quotation_line_add(
            quotation=quotation, line=QuotationLineInput(item=relation.suggested_item, quantity=line.quantity), by=by
        )
        event.added_quotation_line = added
        event.revenue = added.net_amount
    event.save()
    return event


@transaction.atomic
def quotation_suggestion_undo(*, event: SuggestionEvent, by: User) -> SuggestionEvent:
    """Undo a suggestion accepted on a quotation: the added line goes, or the replaced item comes back with the
    price, discount, source and tax code it had. Refused when the quotation is no longer a draft or the line
    moved on since."""
    if event.quotation_id is None:
        raise TransitionRefused(
            code=ErrorCode.SUGGESTION_NOT_UNDOABLE, reason=gettext("This suggestion was not made on a quotation.")
        )
    lock_quotation(event.quotation_id)
    event = SuggestionEvent.objects.select_for_update(of=("self",)).select_related("relation").get(pk=event.pk)
    return _accepted_undo(
        event,
        added_line=event.added_quotation_line,
        line=event.quotation_line,
        line_remove=lambda added: quotation_line_remove(quotation_line=added, by=by),
        item_restore=lambda line, terms: quotation_line_item_restore(quotation_line=line, terms=terms, by=by),
        by=by,
    )


def _accepted_undo(event: SuggestionEvent, *, added_line, line, line_remove, item_restore, by: User) -> SuggestionEvent:
    """Undo a locked accepted ``event`` on its document (an order or a quotation): remove the ``added_line`` of a
    cross-sell, or put the replaced item back on ``line``; refused when there is nothing left to undo."""
    if event.kind != SuggestionEventKind.ACCEPTED or event.undone_at is not None:
        raise TransitionRefused(
            code=ErrorCode.SUGGESTION_NOT_UNDOABLE, reason=gettext("This suggestion was not accepted or is undone.")
        )
    if event.relation.kind == RelationKind.CROSS_SELL:
        if added_line is None:
            raise TransitionRefused(
                code=ErrorCode.SUGGESTION_NOT_UNDOABLE, reason=gettext("The added line was removed already.")
            )
        line_remove(added_line)
    else:
        if line is None or line.item_id != event.relation.suggested_item_id:
            raise TransitionRefused(
                code=ErrorCode.SUGGESTION_NOT_UNDOABLE,
                reason=gettext("The line no longer carries the suggested item: there is nothing to undo."),
            )
        item_restore(line, LineTerms(values=event.previous))
    event.undone_at = timezone.now()
    event.undone_by = by
    event.save(update_fields=["undone_at", "undone_by"])
    return event

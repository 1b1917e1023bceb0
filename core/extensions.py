"""Extension points through which apps later in the dependency order (salesapp, invoicing) contribute to
marketing's reads without marketing importing them (DESIGN.md §1: core ← marketing ← salesapp ← invoicing).

Each app registers its contributions in its ``AppConfig.ready()``. These are reads only: no business
event travels through here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that touched a party, as its timeline shows it."""

    at: datetime.datetime
    kind: str  # a stable key: "activity", "lead", "order", "invoice", …
    kind_label: str  # the same, in the user's language
    title: str
    detail: str = ""
    url: str = ""
    state: str = ""


@dataclass(frozen=True)
class CampaignFigure:
    """An amount attributed to a campaign by a later app, e.g. ordered or invoiced revenue."""

    key: str
    label: str
    amount: Decimal | int
    kind: str = "money"  # or "count": a number of documents, shown without decimals


# ``source(party_ids, limit)`` → at most ``limit`` newest entries about those parties, in one or two queries.
TimelineSource = Callable[[list[int], int], Iterable[TimelineEntry]]


@dataclass(frozen=True)
class OpportunityDocumentType:
    """A kind of sales document that wins an opportunity (a sales order, later a quotation)."""

    label: str  # in the user's language, e.g. "sales order"
    exists: Callable[[object], bool]  # (opportunity) → True when one was made for it
    # False for a document made only by converting another (an invoice draft from an accepted quotation): it wins
    # the opportunity, but the refusal names what the clerk can make for the opportunity itself.
    suggested: bool = True


# ``source(campaign_ids)`` → {campaign_id: [figures]}, in a fixed number of queries.
CampaignRevenueSource = Callable[[list[int]], dict[int, list[CampaignFigure]]]

timeline_sources: list[TimelineSource] = []
opportunity_document_types: list[OpportunityDocumentType] = []
campaign_revenue_sources: list[CampaignRevenueSource] = []


def register_timeline_source(source: TimelineSource) -> None:
    if source not in timeline_sources:
        timeline_sources.append(source)


def register_opportunity_document_type(document_type: OpportunityDocumentType) -> None:
    if document_type not in opportunity_document_types:
        opportunity_document_types.append(document_type)


def register_campaign_revenue_source(source: CampaignRevenueSource) -> None:
    if source not in campaign_revenue_sources:
        campaign_revenue_sources.append(source)


def opportunity_has_sales_document(opportunity) -> bool:
    return any(document_type.exists(opportunity) for document_type in opportunity_document_types)


def opportunity_win_refusal(opportunity) -> str:
    """Why an opportunity without a sales document cannot be won, naming the documents that would win it."""
    context = {"number": opportunity.number}
    suggested = [document_type for document_type in opportunity_document_types if document_type.suggested]
    if not suggested:
        return (
            gettext(
                "Opportunity %(number)s is won by a sales document made for it, and no sales documents are "
                "available here."
            )
            % context
        )
    documents = gettext(" or ").join(str(document_type.label) for document_type in suggested)
    return gettext("Opportunity %(number)s has no %(documents)s yet: create one for it before marking it won.") % {
        **context,
        "documents": documents,
    }


def campaign_revenue(campaign_ids: list[int]) -> dict[int, list[CampaignFigure]]:
    figures: dict[int, list[CampaignFigure]] = {pk: [] for pk in campaign_ids}
    for source in campaign_revenue_sources:
        for pk, found in source(campaign_ids).items():
            figures.setdefault(pk, []).extend(found)
    return figures


@dataclass(frozen=True)
class DocumentAction:
    """An action a document page offers that is not one of the document's transitions: editing it, or making
    a related document (a packing slip or an invoice from an order, an order from an opportunity).

    Each app registers its own and, for documents of earlier apps, the ones it contributes, in its
    ``AppConfig.ready()``; a page lists them beside the transitions (``core.web.page_actions``)."""

    model: str  # "app_label.modelname" of the document
    name: str
    label: str
    url: Callable[[object], str]
    permissions: tuple[str, ...]
    rules: tuple = ()  # core.transitions.Refusal: why the action is not possible now
    # "get": a link; "post": a button in a form; "page": the page draws its own form (it needs fields).
    method: str = "get"
    order: int = 50
    confirm: str | None = None
    secondary: bool = False
    template: str = ""  # for method "page"
    # For method "post": the page asks for a reason with this label (``reason_required``: it may not be empty).
    reason_label: str | None = None
    reason_required: bool = False
    # A manager's tool (holding an order) is left out for roles without its permissions instead of being shown
    # with "your role does not allow this" on every page they open.
    permitted_only: bool = False


document_actions: list[DocumentAction] = []


def register_document_action(action: DocumentAction) -> None:
    if not any(known.model == action.model and known.name == action.name for known in document_actions):
        document_actions.append(action)


def document_actions_for(model_label: str) -> list[DocumentAction]:
    return [action for action in document_actions if action.model == model_label]


# Documents an activity may be about (a call about an order, a reminder about an invoice), by "app_label.model".
activity_document_types: list[str] = []


def register_activity_document_type(model_label: str) -> None:
    """Let activities point at documents of this model; each app registers its own documents."""
    if model_label not in activity_document_types:
        activity_document_types.append(model_label)


@dataclass(frozen=True)
class PartyMergeParticipant:
    """An app whose rows point at parties (``models``: "app_label.model"). When two parties are merged it says
    what would move, refuses a merge it cannot carry out, and moves its own rows through its own service."""

    models: tuple[str, ...]
    refusal: Callable[[object, object], str | None]  # (keep, remove) → why not, or None
    preview: Callable[[object, object], list[tuple[str, int]]]  # (keep, remove) → [(label, count)]
    move: Callable[..., None]  # (*, keep, remove, by)


party_merge_participants: list[PartyMergeParticipant] = []


def register_party_merge_participant(participant: PartyMergeParticipant) -> None:
    if participant not in party_merge_participants:
        party_merge_participants.append(participant)


@dataclass(frozen=True)
class PagePanel:
    """A part of another app's document page: the invoices of an order, a customer's receivables, the orders
    of an opportunity. ``context(document, user)`` reads what the template shows, in a fixed number of queries."""

    model: str  # "app_label.modelname" of the page's document
    name: str
    template: str
    context: Callable[[object, object], dict]
    permission: str = ""
    order: int = 50


page_panels: list[PagePanel] = []


def register_page_panel(panel: PagePanel) -> None:
    if not any(known.model == panel.model and known.name == panel.name for known in page_panels):
        page_panels.append(panel)


def page_panels_for(model_label: str) -> list[PagePanel]:
    return sorted((panel for panel in page_panels if panel.model == model_label), key=lambda panel: panel.order)


# The error-code enums (TextChoices) of every app, for the OpenAPI problem schema.
error_code_enums: list = []


def register_error_codes(enum) -> None:
    if enum not in error_code_enums:
        error_code_enums.append(enum)


@dataclass(frozen=True)
class QuotationConverter:
    """A document an accepted quotation converts into (a sales order; an invoice draft for services sold
    without delivery). Registered by the app that owns the document, in its ``AppConfig.ready()``.

    ``convert(*, quotation, revision_lines, customer, by)`` creates the document from the accepted revision's
    lines for ``customer`` (the quotation's, or the account a prospect just got), links it to the quotation, and
    returns it; it runs inside the accept service's transaction. ``refusal(lines)`` says why these lines cannot
    become this document (None: they can); it is asked before anything changes and by the page that offers the
    choice."""

    name: str
    label: str
    convert: Callable[..., object]
    permission: str
    describe: Callable[[object], str]  # (document) → how the quotation's timeline names it
    url: Callable[[object], str]  # (document) → its page
    refusal: Callable[[list], str | None] = lambda lines: None
    order: int = 50
    # (quotation ids) → {quotation id: document} for those converted into this document, in one query; None
    # when the quotation links the document itself (its sales order).
    documents_of: Callable[[list[int]], dict[int, object]] | None = None


quotation_converters: dict[str, QuotationConverter] = {}


def register_quotation_converter(converter: QuotationConverter) -> None:
    quotation_converters.setdefault(converter.name, converter)


def quotation_converters_sorted() -> list[QuotationConverter]:
    return sorted(quotation_converters.values(), key=lambda converter: converter.order)


@dataclass(frozen=True)
class Receivables:
    """What a customer owes on posted documents: the open amount and the part of it past its due date."""

    open: Decimal
    overdue: Decimal


# ``source(customer_ids)`` → {customer_id: Receivables} for those that owe anything, in one query. Invoicing
# registers it; sales reads a customer's exposure through it without importing invoicing (DESIGN.md §1).
ReceivablesSource = Callable[[list[int]], dict[int, Receivables]]

receivables_sources: list[ReceivablesSource] = []


def register_receivables_source(source: ReceivablesSource) -> None:
    if source not in receivables_sources:
        receivables_sources.append(source)


def customer_receivables(customer_ids: list[int]) -> dict[int, Receivables]:
    """Every customer's receivables (zero where none), summed over the registered sources."""
    found = {pk: Receivables(open=Decimal("0.00"), overdue=Decimal("0.00")) for pk in customer_ids}
    for source in receivables_sources:
        for pk, receivables in source(customer_ids).items():
            known = found[pk]
            found[pk] = Receivables(open=known.open + receivables.open, overdue=known.overdue + receivables.overdue)
    return found


# ``source(customer_id)`` → the customer's account balance: posted documents less the money received (negative:
# money on account, not yet needed). Invoicing registers it; sales asks it whether a customer who pays before
# delivery has paid an order already (DESIGN.md §4.2).
BalanceSource = Callable[[int], Decimal]

balance_sources: list[BalanceSource] = []


def register_balance_source(source: BalanceSource) -> None:
    if source not in balance_sources:
        balance_sources.append(source)


def customer_account_balance(customer_id: int) -> Decimal:
    """The customer's balance summed over the registered sources (zero without any)."""
    return sum((source(customer_id) for source in balance_sources), Decimal("0.00"))

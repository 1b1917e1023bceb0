"""``manage.py seed_demo``: a demo company to click through, one login per role.

The command lives in invoicing because invoicing is the last app of the dependency chain
(core ← marketing ← salesapp ← invoicing) and so the only one that may use the demo builders of all others."""

from __future__ import annotations

import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core import roles
from core.errors import DomainError
from demo.exchange_rates import demo_exchange_rates_build
from demo.invoicing import demo_invoices_build, demo_payments_build
from demo.marketing import demo_marketing_build, demo_parties_build, demo_present
from demo.pricing import demo_pricing_build
from demo.quotations import demo_quotations_build
from demo.returns import demo_returns_build
from demo.sales import (
    DEMO_PROSPECTS,
    demo_customer_block,
    demo_customers_build,
    demo_deliveries_build,
    demo_items_build,
    demo_opportunity_orders_build,
    demo_orders_build,
)
from demo.stock import demo_stock_build
from demo.subscriptions import demo_subscriptions_build
from demo.suggestions import demo_suggestions_build
from invoicing.choices import InvoiceKind, InvoiceState
from invoicing.models import ExchangeRate, Invoice, Payment
from invoicing.selectors.invoices import invoice_list
from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity, Party, Segment
from marketing.selectors.activities import followup_counts
from salesapp.choices import OrderType
from salesapp.models import (
    Customer,
    InboundSupplyLine,
    Item,
    PackingSlip,
    ProductRelation,
    Quotation,
    SalesOrder,
    StandardLineSet,
    StockMove,
)
from salesapp.selectors.backorders import backorder_summary
from salesapp.selectors.promising import waiting_lines

DEMO_PASSWORD = "demo1234"
IN_MEMORY_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
DEMO_SEED = 2026
# username, role, first name, last name
DEMO_USERS = [
    ("clerk", roles.SALES_CLERK, "Lotte", "Vermeulen"),
    ("manager", roles.SALES_MANAGER, "Erik", "Sandberg"),
    ("billing", roles.BILLING_CLERK, "Anouk", "Kramer"),
    ("integrator", roles.INTEGRATOR, "API", "Integration"),
    ("admin", roles.ADMINISTRATOR, "Ruben", "Hendriks"),
]


def demo_users_ensure() -> dict[str, User]:
    """One user per role; running again resets their password and group, never duplicates them."""
    users = {}
    for username, role, first_name, last_name in DEMO_USERS:
        administrator = role == roles.ADMINISTRATOR
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{username}@salesflow.example"
        user.is_active = True
        user.is_staff = administrator
        user.is_superuser = administrator
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        users[username] = User.objects.get(pk=user.pk)  # fresh: no stale permission cache
    return users


@contextmanager
def campaign_email_kept_in_memory():
    """The demo's email campaign is really sent (campaign_email_send), to made-up addresses: its send jobs run
    inside this command's one transaction, with Django's in-memory email backend for the whole of it. Nothing
    is printed on the console or handed to a mail server, whatever EMAIL_BACKEND the settings name."""
    configured = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = IN_MEMORY_EMAIL
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = configured


class Command(BaseCommand):
    help = (
        "Create a demo company (parties, leads, opportunities, campaigns, activities, customers, items, "
        "quotations, orders, invoices, payments) and one user per role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-pdfs",
            action="store_true",
            help="Queue a job per posted invoice that renders and stores its PDF (about a second each, done by the "
            "worker) instead of rendering it on first view.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        self.with_pdfs = options["with_pdfs"]
        # One transaction: an interrupted run leaves nothing behind, so the next run starts cleanly.
        with campaign_email_kept_in_memory(), transaction.atomic():
            users = demo_users_ensure()
            token, _created = Token.objects.get_or_create(user=users["integrator"])
            if demo_present():
                self.stdout.write("Demo data is already present: only the demo users were refreshed.")
            else:
                try:
                    self._build(users)
                except DomainError as exc:
                    raise CommandError(f"The demo data could not be built, nothing was saved: {exc.reason}") from exc
        self._summary()
        self._logins(token)
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _build(self, users: dict[str, User]) -> None:
        rng = random.Random(DEMO_SEED)
        today = timezone.localdate()
        clerk, manager, billing = users["clerk"], users["manager"], users["billing"]
        parties = demo_parties_build(by=clerk)
        customers = demo_customers_build(parties=parties, by=manager)
        items = demo_items_build(by=manager)
        demo_pricing_build(customers=customers, items=items, today=today, by=manager)
        demo_exchange_rates_build(today=today, by=manager)
        demo_suggestions_build(items=items, customers=customers, by=manager)
        plan = demo_orders_build(customers=customers, items=items, rng=rng, today=today, by=clerk, approver=manager)
        demo_deliveries_build(plan=plan, rng=rng, today=today, by=clerk)
        invoices = demo_invoices_build(
            plan=plan, rng=rng, today=today, clerk=clerk, billing=billing, store_pdfs=self.with_pdfs
        )
        demo_payments_build(invoices=invoices, rng=rng, today=today, by=billing)
        demo_returns_build(invoices=invoices, today=today, clerk=clerk, billing=billing)
        demo_customer_block(by=manager)
        prospect = next(party for party in parties if party.name in DEMO_PROSPECTS)
        demo_quotations_build(
            customers=customers, items=items, prospect=prospect, today=today, by=clerk, manager=manager
        )
        marketing = demo_marketing_build(parties=parties, users=users, rng=rng, now=timezone.now())
        won = demo_opportunity_orders_build(opportunities=marketing.to_win, by=clerk, approver=manager)
        demo_invoices_build(plan=won, rng=rng, today=today, clerk=clerk, billing=billing, store_pdfs=self.with_pdfs)
        marketing.history.apply()
        demo_subscriptions_build(today=today, by=clerk, approver=manager)
        demo_stock_build(today=today, clerk=clerk, manager=manager)

    def _summary(self) -> None:
        def per_state(queryset, field: str = "state") -> str:
            counts = dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
            return ", ".join(
                f"{state} {counts.get(state, 0)}" for state, _label in queryset.model._meta.get_field(field).choices
            )

        prospects = Party.objects.filter(customer__isnull=True).count()
        posted = Invoice.objects.filter(state=InvoiceState.POSTED)
        overdue = invoice_list(overdue=True).count()
        write = self.stdout.write
        write(f"Parties:        {Party.objects.count()} ({Customer.objects.count()} customers, {prospects} prospects)")
        write(f"Items:          {Item.objects.count()}")
        write(
            f"Suggestions:    {ProductRelation.objects.count()} up-sell/cross-sell rules, "
            f"{StandardLineSet.objects.count()} standard line sets"
        )
        write(f"Quotations:     {Quotation.objects.count()} ({per_state(Quotation.objects)})")
        write(f"Sales orders:   {SalesOrder.objects.count()} ({per_state(SalesOrder.objects)})")
        write(f"  returned:     {SalesOrder.objects.filter(order_type=OrderType.RETURNED_ORDER).count()}")
        write(f"Packing slips:  {PackingSlip.objects.count()} ({per_state(PackingSlip.objects)})")
        backorders = backorder_summary()
        write(f"Stock:          {StockMove.objects.count()} moves, {backorders.items_short} items short")
        write(f"  supply:       {per_state(InboundSupplyLine.objects)}")
        write(f"  backorders:   {waiting_lines().count()} lines waiting, {backorders.late_lines} late")
        write(f"Invoices:       {Invoice.objects.count()} ({per_state(Invoice.objects)})")
        write(f"  credit notes: {Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count()}")
        write(f"  posted:       {per_state(posted, 'payment_state')}, overdue {overdue}")
        write(f"Payments:       {Payment.objects.count()}")
        write(f"Exchange rates: {ExchangeRate.objects.count()}")
        write(f"Leads:          {Lead.objects.count()} ({per_state(Lead.objects)})")
        write(f"Opportunities:  {Opportunity.objects.count()} ({per_state(Opportunity.objects)})")
        write(f"Campaigns:      {Campaign.objects.count()} ({per_state(Campaign.objects)})")
        write(f"  targets:      {CampaignTarget.objects.count()} ({per_state(CampaignTarget.objects, 'status')})")
        write(f"Segments:       {Segment.objects.count()}")
        activities = Activity.objects.all()
        write(
            f"Activities:     {activities.count()} (open {activities.filter(done=False).count()}, "
            f"done {activities.filter(done=True).count()})"
        )
        clerk = User.objects.filter(username="clerk").first()
        if clerk is not None:
            followups = followup_counts(user=clerk)
            write(
                f"  clerk's follow-ups: overdue {followups['overdue']}, today {followups['today']}, "
                f"upcoming {followups['upcoming']}"
            )

    def _logins(self, token: Token) -> None:
        self.stdout.write("")
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {roles.ROLE_LABELS[role]}")
        self.stdout.write(f"Integrator API token: {token.key}")

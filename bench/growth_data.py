"""The grown database of ``bench/growth.py``: the demo company plus 20,000 sales orders with 100,000 lines, their
packing slips, invoices, journal entries and payments, ~4,000 customers, ~500 items, and leads, opportunities and
activities by the thousand.

The demo company is made by ``seed_demo`` (through the services); everything on top is written with multi-row
``INSERT … RETURNING`` statements, because the services at ~90 statements per order would take hours. The rows
are made to be exactly what the services would have left behind, so every constraint and trigger holds:

- numbers (orders, packing slips, invoices, journal entries, payments, customers, leads, opportunities) continue
  each series where the demo left it, in the order of their dates, and the counters end one past the last number;
- each order's state follows from its lines' quantity ledger (delivered, invoiced), amounts from ``core.money``;
- invoices are written as drafts with their lines and taxes, then posted with one ``UPDATE`` (the immutability
  trigger refuses lines on a posted invoice); journal entries balance, one per posted invoice and per payment;
- every state change has its timeline row (django-fsm-log), at the moment it happened.

Nothing here is used by the application: it is benchmark data, made once and reused.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django_fsm_log.models import StateLog

from core.models import NumberSeries
from core.money import ZERO, TaxableLine, document_totals, line_net, round_money
from invoicing.choices import AccountRole, InvoiceBasis, InvoiceState, PaymentState
from invoicing.models import (
    Invoice,
    InvoiceLine,
    InvoiceTax,
    JournalEntry,
    JournalLine,
    LedgerAccount,
    Payment,
    PaymentApplication,
    TaxCodeAccount,
)
from marketing.choices import ActivityType, LeadSource, LeadState, OpportunityState, PartyKind
from marketing.models import Activity, Contact, Lead, Opportunity, OpportunityStage, Party
from salesapp.choices import ItemType, LineType, OrderState, PackingSlipState
from salesapp.models import Customer, Item, PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine, TaxCode

SEED = 20_000
HISTORY_DAYS = 730

SURNAMES = (
    "Hendriks",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Dekker",
    "Brouwer",
    "Willems",
    "Kok",
    "Jacobs",
    "Vermeulen",
    "Lindqvist",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Berg",
)
TRADES = (
    "Drukwerk",
    "Installatietechniek",
    "Bouw",
    "Transport",
    "Logistiek",
    "Metaal",
    "Houthandel",
    "Elektro",
    "Catering",
    "Kantoorinrichting",
    "Verpakkingen",
    "Tuinen",
    "Schilders",
    "Byggservice",
    "Teknik",
    "Maskin",
    "Handel",
    "Trading",
    "Systems",
    "Kozijnen",
    "Koeltechniek",
)
SUFFIXES = ("B.V.", "", "AB", "& Zn.", "Groep", "Holding")
CITIES = (
    ("Amsterdam", "1015", "NL"),
    ("Rotterdam", "3011", "NL"),
    ("Utrecht", "3511", "NL"),
    ("Eindhoven", "5611", "NL"),
    ("Groningen", "9711", "NL"),
    ("Zwolle", "8011", "NL"),
    ("Haarlem", "2011", "NL"),
    ("Breda", "4811", "NL"),
    ("Nijmegen", "6511", "NL"),
    ("Stockholm", "111 20", "SE"),
    ("Göteborg", "411 01", "SE"),
    ("Malmö", "211 20", "SE"),
    ("Antwerpen", "2000", "BE"),
    ("Düsseldorf", "40213", "DE"),
)
FIRST_NAMES = (
    "Anna",
    "Bram",
    "Cor",
    "Daan",
    "Eva",
    "Femke",
    "Gijs",
    "Ingrid",
    "Jonas",
    "Karin",
    "Lars",
    "Maria",
    "Nils",
    "Olga",
    "Pim",
    "Sanne",
    "Tom",
    "Ulla",
)
PRODUCTS = (
    "Pallet racking",
    "Shelf bracket",
    "Safety gloves",
    "Cable tray",
    "Drill bit set",
    "LED panel",
    "Storage bin",
    "Hand truck",
    "Label printer",
    "Floor tape",
    "Packing tape",
    "Stretch film",
    "Work bench",
    "Tool trolley",
    "Ladder",
    "Step stool",
    "Ear defenders",
)
SERVICES = ("Installation", "Maintenance visit", "Training day", "Consultancy hour", "Delivery and setup")


@dataclass
class Spec:
    orders: int = 20_000
    lines: int = 100_000
    customers: int = 4_000
    prospects: int = 1_000
    items: int = 500
    leads: int = 3_000
    opportunities: int = 2_000
    activities: int = 5_000

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# --- writing rows ----------------------------------------------------------------------------------------------


def insert_rows(model: type[models.Model], rows: list[dict], *, returning: bool = True) -> list[int]:
    """INSERT rows (dicts keyed by column attname) in batches, returning their ids in the order given.

    Fields a row leaves out get the model's default, so a column added with a default needs no change here; a
    timestamp left out is "now", as ``auto_now`` would make it."""
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fill = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fill[f.attname] = now
        else:
            # What the model's constructor would put there: the default, "" for text, or None.
            fill[f.attname] = f.get_default()
    given = set().union(*(row.keys() for row in rows))
    for f in fields:
        if f.attname not in given and fill[f.attname] is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.attname} has no default: the growth data must give it")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    per_row = len(fields)
    # psycopg binds parameters on the server: at most 65,535 per statement.
    batch = max(1, 60_000 // per_row)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = []
            for row in chunk:
                for f in fields:
                    value = row[f.attname] if f.attname in row else fill[f.attname]
                    params.append(f.get_db_prep_save(value, connection))
            placeholders = ", ".join(["(" + ", ".join(["%s"] * per_row) + ")"] * len(chunk))
            sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES {placeholders}"
            if returning:
                cursor.execute(sql + " RETURNING id", params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


class Numbers:
    """Takes numbers of a series in a row, from where the series stands, and moves its counter at the end."""

    def __init__(self, code: str):
        self.series = NumberSeries.objects.select_for_update().get(code=code)
        self.next = self.series.next_value

    def take(self) -> str:
        value = self.next
        self.next += 1
        return self.series.format(value)

    def save(self) -> None:
        NumberSeries.objects.filter(pk=self.series.pk).update(next_value=self.next)


def moment(day: datetime.date, rng: random.Random, *, hour: int | None = None) -> datetime.datetime:
    hour = rng.randint(8, 17) if hour is None else hour
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, rng.randrange(0, 60))))


# --- the plan of an order --------------------------------------------------------------------------------------


@dataclass
class LinePlan:
    item: Item
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    net: Decimal
    id: int | None = None


@dataclass
class SlipPlan:
    ship_date: datetime.date
    posted: bool
    quantities: dict[int, Decimal]  # line index → quantity
    id: int | None = None
    number: str | None = None
    posted_at: datetime.datetime | None = None
    line_ids: dict[int, int] = field(default_factory=dict)
    invoice: str | None = None  # None, "draft" or "posted"


@dataclass
class OrderPlan:
    customer: Customer
    order_date: datetime.date
    state: str
    lines: list[LinePlan]
    slips: list[SlipPlan] = field(default_factory=list)
    confirmed: datetime.datetime | None = None
    canceled: datetime.datetime | None = None
    approval_requested: datetime.datetime | None = None
    id: int | None = None


# Target mix by the order's age: recent orders are still in progress, old ones are mostly invoiced.
# (open, confirmed, partially delivered, delivered, delivered + partly invoiced, invoiced, canceled, waiting for
# a sales manager's approval)
KINDS = ("open", "confirmed", "partial", "delivered", "part_invoiced", "invoiced", "canceled", "pending")
MIX_BY_AGE = (
    (14, (35, 30, 15, 12, 0, 3, 5, 4)),
    (60, (5, 10, 10, 15, 5, 50, 5, 1)),
    (10**6, (1, 2, 3, 3, 1, 87, 3, 0)),
)


class GrowthBuilder:
    def __init__(self, spec: Spec, *, log=print):
        self.spec = spec
        self.log = log
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.clerk = User.objects.get(username="clerk")
        self.manager = User.objects.get(username="manager")
        self.billing = User.objects.get(username="billing")
        self.state_logs: list[dict] = []

    def build(self) -> None:
        started = time.monotonic()
        steps = [
            ("items", self.items),
            ("parties and customers", self.parties_and_customers),
            ("orders and lines", self.orders),
            ("packing slips", self.packing_slips),
            ("invoices, journal entries, payments", self.invoicing),
            ("leads, opportunities, activities", self.marketing),
            ("timeline", self.timeline),
        ]
        for name, step in steps:
            step_started = time.monotonic()
            step()
            self.log(f"  {name:<38} {time.monotonic() - step_started:6.1f} s")
        self.log(f"  {'growth rows in all':<38} {time.monotonic() - started:6.1f} s")

    # --- catalogue and customers ---------------------------------------------------------------------------

    def items(self) -> None:
        rng = self.rng
        codes = {t.code: t for t in TaxCode.objects.all()}
        missing = self.spec.items - Item.objects.count()
        rows = []
        for n in range(max(missing, 0)):
            service = n % 10 == 0
            name = f"{rng.choice(SERVICES)} {n}" if service else f"{rng.choice(PRODUCTS)} {rng.choice('SMLX')}-{n}"
            rows.append(
                {
                    "number": f"G-{n:05d}",
                    "name": name,
                    "item_type": ItemType.SERVICE if service else ItemType.STOCKED,
                    "unit": "h" if service else "pcs",
                    "unit_price": Decimal(rng.randrange(500, 50_000)) / 100,
                    "tax_code_id": (codes["NL9"] if n % 7 == 0 else codes["NL21"]).pk,
                    "created_by_id": self.manager.pk,
                }
            )
        insert_rows(Item, rows)
        self.item_list = list(Item.objects.filter(active=True).select_related("tax_code"))

    def parties_and_customers(self) -> None:
        rng = self.rng
        names = {f"{s} {t} {x}".strip() for s in SURNAMES for t in TRADES for x in SUFFIXES}
        names |= {f"{s} {t} {c[0]}" for s in SURNAMES for t in TRADES for c in CITIES}
        names -= set(Party.objects.values_list("name", flat=True))
        wanted_customers = max(self.spec.customers - Customer.objects.count(), 0)
        chosen = rng.sample(sorted(names), wanted_customers + self.spec.prospects)
        party_rows, contacts = [], []
        for n, name in enumerate(chosen):
            city, postcode, country = rng.choice(CITIES)
            person = n % 9 == 0
            if person:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            party_rows.append(
                {
                    "kind": PartyKind.PERSON if person else PartyKind.ORGANIZATION,
                    "name": name,
                    "email": f"info{n}@{slug}.example",
                    "phone": f"+31 {rng.randrange(10, 99)} {rng.randrange(1_000_000, 9_999_999)}",
                    "street": f"{rng.choice(SURNAMES)}straat {rng.randrange(1, 200)}",
                    "postcode": f"{postcode} {'ABCDEFGH'[n % 8]}{'KLMNPRST'[n % 7]}" if country == "NL" else postcode,
                    "city": city,
                    "country": country,
                    "language": {"NL": "nl", "SE": "sv"}.get(country, "en"),
                    "created_by_id": self.clerk.pk,
                }
            )
        party_ids = insert_rows(Party, party_rows)
        for n, (party_id, row) in enumerate(zip(party_ids, party_rows, strict=True)):
            if row["kind"] == PartyKind.ORGANIZATION and n % 5 < 3:
                first = rng.choice(FIRST_NAMES)
                contacts.append(
                    {
                        "party_id": party_id,
                        "name": f"{first} {rng.choice(SURNAMES)}",
                        "job_title": rng.choice(("Purchasing", "Owner", "Office manager", "Finance")),
                        "email": f"{first.lower()}{n}@example.com",
                        "is_primary": True,
                    }
                )
        insert_rows(Contact, contacts, returning=False)
        numbers = Numbers("customer")
        customer_rows = [
            {
                "party_id": party_id,
                "number": numbers.take(),
                "payment_terms_days": rng.choice((14, 30, 30, 30, 60)),
                "credit_limit": Decimal(rng.choice((0, 5_000, 10_000, 25_000, 100_000))),
                "created_by_id": self.manager.pk,
            }
            for party_id in party_ids[:wanted_customers]
        ]
        insert_rows(Customer, customer_rows)
        numbers.save()
        self.prospect_party_ids = party_ids[wanted_customers:]
        self.customer_list = list(Customer.objects.filter(blocked=False).select_related("party"))

    # --- orders --------------------------------------------------------------------------------------------

    def _line_counts(self) -> list[int]:
        """1 to 9 lines per order, totalling exactly the lines asked for."""
        spec, rng = self.spec, self.rng
        counts = [rng.randint(1, 9) for _ in range(spec.orders)]
        difference = spec.lines - sum(counts)
        while difference:
            index = rng.randrange(spec.orders)
            step = 1 if difference > 0 else -1
            if 1 <= counts[index] + step <= 12:
                counts[index] += step
                difference -= step
        return counts

    def orders(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        counts = self._line_counts()
        # A few hundred customers order often, most now and then.
        regulars = self.customer_list[: max(len(self.customer_list) // 10, 1)]
        days = sorted((rng.randrange(HISTORY_DAYS) for _ in range(spec.orders)), reverse=True)
        plans: list[OrderPlan] = []
        for count, age in zip(counts, days, strict=True):
            customer = rng.choice(regulars) if rng.random() < 0.5 else rng.choice(self.customer_list)
            lines = []
            for item in rng.sample(self.item_list, count):
                quantity = Decimal(rng.choice((1, 1, 2, 3, 5, 10, 12, 20, 25, 50)))
                discount = Decimal(rng.choice((0, 0, 0, 0, 5, 10)))
                lines.append(
                    LinePlan(
                        item=item,
                        quantity=quantity,
                        unit_price=item.unit_price,
                        discount=discount,
                        net=line_net(quantity=quantity, unit_price=item.unit_price, discount_percent=discount),
                    )
                )
            weights = next(w for limit, w in MIX_BY_AGE if age < limit)
            kind = rng.choices(KINDS, weights)[0]
            plan = OrderPlan(customer=customer, order_date=today - datetime.timedelta(days=age), state="", lines=lines)
            self._plan_progress(plan, kind)
            plans.append(plan)
        if plans and not any(plan.state == OrderState.PENDING_APPROVAL for plan in plans):
            # A small build may draw none: the newest order waits for approval, so every state is present.
            newest = plans[-1]
            newest.slips, newest.confirmed, newest.canceled = [], None, None
            self._plan_progress(newest, "pending")
        self.plans = plans
        numbers = Numbers("sales_order")
        order_rows = []
        for plan in plans:
            totals = document_totals(
                TaxableLine(net=line.net, tax_code_id=line.item.tax_code_id, tax_rate=line.item.tax_code.rate)
                for line in plan.lines
            )
            created = moment(plan.order_date, rng)
            order_rows.append(
                {
                    "number": numbers.take(),
                    "customer_id": plan.customer.pk,
                    "currency": plan.customer.currency,
                    "order_date": plan.order_date,
                    "customer_reference": f"PO-{rng.randrange(10_000, 99_999)}" if rng.random() < 0.6 else "",
                    "state": plan.state,
                    "confirmed_at": plan.confirmed,
                    "canceled_at": plan.canceled,
                    "cancel_reason": "Customer withdrew the order" if plan.canceled else "",
                    "approval_requested_by_id": self.clerk.pk if plan.approval_requested else None,
                    "approval_requested_at": plan.approval_requested,
                    "approval_reason": (
                        f"The order total {plan.customer.currency} {totals.gross:.2f} is above the approval threshold."
                        if plan.approval_requested
                        else ""
                    ),
                    "amount_net": totals.net,
                    "amount_tax": totals.tax,
                    "amount_total": totals.gross,
                    "created_at": created,
                    "updated_at": plan.canceled or plan.confirmed or plan.approval_requested or created,
                    "created_by_id": self.clerk.pk,
                }
            )
        for plan, order_id in zip(plans, insert_rows(SalesOrder, order_rows), strict=True):
            plan.id = order_id
        numbers.save()
        line_rows = []
        for plan in plans:
            invoiced = self._invoiced_per_line(plan)
            for index, line in enumerate(plan.lines):
                line_rows.append(
                    {
                        "order_id": plan.id,
                        "line_no": (index + 1) * 10,
                        "line_type": LineType.SERVICE if line.item.item_type == ItemType.SERVICE else LineType.ITEM,
                        "item_id": line.item.pk,
                        "description": line.item.name,
                        "quantity": line.quantity,
                        "unit": line.item.unit,
                        "unit_price": line.unit_price,
                        "discount_percent": line.discount,
                        "tax_code_id": line.item.tax_code_id,
                        "net_amount": line.net,
                        "qty_delivered": sum((s.quantities.get(index, ZERO) for s in plan.slips if s.posted), ZERO),
                        "qty_invoiced": invoiced[index],
                    }
                )
        line_ids = iter(insert_rows(SalesOrderLine, line_rows))
        for plan in plans:
            for line in plan.lines:
                line.id = next(line_ids)
        self._log_order_states()

    def _plan_progress(self, plan: OrderPlan, kind: str) -> None:
        """Decide what happened to an order after it was taken: confirmation, deliveries, invoices, cancellation."""
        rng, today = self.rng, self.today

        def later(day: datetime.date, low: int, high: int) -> datetime.date:
            return min(day + datetime.timedelta(days=rng.randint(low, high)), today)

        if kind == "open":
            plan.state = OrderState.OPEN
            return
        if kind == "pending":
            plan.state = OrderState.PENDING_APPROVAL
            plan.approval_requested = moment(later(plan.order_date, 0, 1), rng)
            return
        if kind == "canceled":
            plan.state = OrderState.CANCELED
            if rng.random() < 0.5:
                plan.confirmed = moment(plan.order_date, rng, hour=9)
            plan.canceled = moment(later(plan.order_date, 0, 10), rng, hour=18)
            return
        plan.confirmed = moment(later(plan.order_date, 0, 1), rng)
        indexes = range(len(plan.lines))
        if kind == "confirmed":
            plan.state = OrderState.CONFIRMED
            if rng.random() < 0.2:  # a slip being picked
                plan.slips.append(
                    SlipPlan(later(plan.order_date, 1, 5), False, {i: plan.lines[i].quantity for i in indexes})
                )
            return
        first_ship = later(plan.confirmed.date(), 1, 12)
        if kind == "partial":
            plan.state = OrderState.CONFIRMED
            shipped = {i: Decimal(rng.randint(0, int(plan.lines[i].quantity))) for i in indexes}
            if not any(shipped.values()):
                shipped[0] = Decimal(1)
            if all(shipped[i] == plan.lines[i].quantity for i in indexes):
                # Something must stay to deliver: one unit less of the first line shipped.
                first = next(i for i in indexes if shipped[i])
                shipped[first] -= 1
            if any(shipped.values()):
                plan.slips.append(SlipPlan(first_ship, True, {i: q for i, q in shipped.items() if q}))
            return
        # Fully delivered from here on: in one slip, or in two.
        full = {i: plan.lines[i].quantity for i in indexes}
        if kind == "part_invoiced" or rng.random() < 0.2:
            first = {i: Decimal(rng.randint(0, int(q))) for i, q in full.items()}
            if not any(first.values()):
                first[0] = full[0]
            second = {i: full[i] - first[i] for i in indexes}
            if not any(second.values()):
                # Everything went in the first slip after all.
                plan.slips.append(SlipPlan(first_ship, True, full))
            else:
                plan.slips.append(SlipPlan(first_ship, True, {i: q for i, q in first.items() if q}))
                plan.slips.append(SlipPlan(later(first_ship, 1, 10), True, {i: q for i, q in second.items() if q}))
        else:
            plan.slips.append(SlipPlan(first_ship, True, full))
        if kind == "delivered":
            plan.state = OrderState.DELIVERED
            if rng.random() < 0.2:
                plan.slips[0].invoice = "draft"
        elif kind == "part_invoiced" and len(plan.slips) == 2:
            plan.state = OrderState.DELIVERED
            plan.slips[0].invoice = "posted"
        else:
            plan.state = OrderState.INVOICED
            for slip in plan.slips:
                slip.invoice = "posted"

    @staticmethod
    def _invoiced_per_line(plan: OrderPlan) -> dict[int, Decimal]:
        invoiced = defaultdict(lambda: ZERO)
        for slip in plan.slips:
            if slip.invoice == "posted":
                for index, quantity in slip.quantities.items():
                    invoiced[index] += quantity
        return invoiced

    def _log(self, model, object_id: int, transition: str, source: str, target: str, when, by: User) -> None:
        self.state_logs.append(
            {
                "content_type_id": ContentType.objects.get_for_model(model).pk,
                "object_id": object_id,
                "transition": transition,
                "source_state": source,
                "state": target,
                "timestamp": when,
                "by_id": by.pk,
            }
        )

    def _log_order_states(self) -> None:
        for plan in self.plans:
            if plan.approval_requested:
                self._log(
                    SalesOrder,
                    plan.id,
                    "request_approval",
                    "open",
                    "pending_approval",
                    plan.approval_requested,
                    self.clerk,
                )
            if plan.confirmed:
                self._log(SalesOrder, plan.id, "confirm", "open", "confirmed", plan.confirmed, self.clerk)
            if plan.canceled:
                source = "confirmed" if plan.confirmed else "open"
                self._log(SalesOrder, plan.id, "cancel", source, "canceled", plan.canceled, self.clerk)

    # --- deliveries ----------------------------------------------------------------------------------------

    def packing_slips(self) -> None:
        rng = self.rng
        slips = [(plan, slip) for plan in self.plans for slip in plan.slips]
        # Numbered when posted, in the order they were posted.
        posted = sorted((s for s in slips if s[1].posted), key=lambda s: (s[1].ship_date, s[0].id))
        numbers = Numbers("packing_slip")
        for _plan, slip in posted:
            slip.number = numbers.take()
        rows = []
        for plan, slip in slips:
            posted_at = moment(slip.ship_date, rng) if slip.posted else None
            slip.posted_at = posted_at
            rows.append(
                {
                    "order_id": plan.id,
                    "number": slip.number,
                    "ship_date": slip.ship_date,
                    "state": PackingSlipState.POSTED if slip.posted else PackingSlipState.DRAFT,
                    "posted_at": posted_at,
                    "created_at": posted_at or moment(slip.ship_date, rng),
                    "updated_at": posted_at or moment(slip.ship_date, rng),
                    "created_by_id": self.clerk.pk,
                }
            )
        for (_plan, slip), slip_id in zip(slips, insert_rows(PackingSlip, rows), strict=True):
            slip.id = slip_id
        numbers.save()
        line_rows, keys = [], []
        for plan, slip in slips:
            for index, quantity in sorted(slip.quantities.items()):
                line_rows.append(
                    {
                        "packing_slip_id": slip.id,
                        "order_line_id": plan.lines[index].id,
                        "quantity": quantity,
                        "qty_invoiced": quantity if slip.invoice == "posted" else ZERO,
                    }
                )
                keys.append((slip, index))
        for (slip, index), line_id in zip(keys, insert_rows(PackingSlipLine, line_rows), strict=True):
            slip.line_ids[index] = line_id
        for _plan, slip in posted:
            self._log(PackingSlip, slip.id, "post", "draft", "posted", slip.posted_at, self.clerk)
        for plan in self.plans:
            if plan.state in (OrderState.DELIVERED, OrderState.INVOICED):
                delivered_at = plan.slips[-1].posted_at
                self._log(SalesOrder, plan.id, "mark_delivered", "confirmed", "delivered", delivered_at, self.clerk)

    # --- invoicing -----------------------------------------------------------------------------------------

    def invoicing(self) -> None:
        rng, today = self.rng, self.today
        accounts = {a.role: a for a in LedgerAccount.objects.exclude(role=None)}
        tax_account = dict(TaxCodeAccount.objects.values_list("tax_code_id", "account_id"))
        invoices = []  # (plan, slip, fields, lines, totals)
        for plan in self.plans:
            for slip in plan.slips:
                if not slip.invoice:
                    continue
                lines = []
                for index, quantity in sorted(slip.quantities.items()):
                    line = plan.lines[index]
                    service = line.item.item_type == ItemType.SERVICE
                    lines.append(
                        {
                            "line_type": LineType.SERVICE if service else LineType.ITEM,
                            "item_id": line.item.pk,
                            "description": line.item.name,
                            "quantity": quantity,
                            "unit": line.item.unit,
                            "unit_price": line.unit_price,
                            "discount_percent": line.discount,
                            "tax_code_id": line.item.tax_code_id,
                            "net_amount": line_net(
                                quantity=quantity, unit_price=line.unit_price, discount_percent=line.discount
                            ),
                            "order_line_id": line.id,
                            "packing_slip_line_id": slip.line_ids[index],
                            "revenue_account_id": accounts[
                                AccountRole.REVENUE_SERVICES if service else AccountRole.REVENUE_GOODS
                            ].pk,
                            "_rate": line.item.tax_code.rate,
                        }
                    )
                totals = document_totals(
                    TaxableLine(net=x["net_amount"], tax_code_id=x["tax_code_id"], tax_rate=x["_rate"]) for x in lines
                )
                invoice_date = min(slip.ship_date + datetime.timedelta(days=rng.randint(0, 5)), today)
                invoices.append((plan, slip, invoice_date, lines, totals))
        posted = sorted((i for i in invoices if i[1].invoice == "posted"), key=lambda i: (i[2], i[0].id, i[1].id))
        invoice_numbers = Numbers("invoice")
        numbered = {id(i[1]): invoice_numbers.take() for i in posted}
        # Payments: most old invoices are paid, a few partly, some are overdue.
        payments = []  # (invoice index, date, amount)
        rows = []
        for index, (plan, slip, invoice_date, _lines, totals) in enumerate(invoices):
            is_posted = slip.invoice == "posted"
            due_date = invoice_date + datetime.timedelta(days=plan.customer.payment_terms_days)
            paid = ZERO
            if is_posted:
                pay_date = invoice_date + datetime.timedelta(days=rng.randint(5, plan.customer.payment_terms_days + 20))
                roll = rng.random()
                if pay_date <= today and roll < 0.85:
                    amount = totals.gross if roll < 0.8 else round_money(totals.gross * Decimal("0.4"))
                    if amount > 0:
                        payments.append((index, pay_date, amount))
                        paid = amount
            posted_at = moment(invoice_date, rng, hour=16) if is_posted else None
            rows.append(
                {
                    "customer_id": plan.customer.pk,
                    "order_id": plan.id,
                    "basis": InvoiceBasis.PACKING_SLIPS,
                    "number": numbered.get(id(slip)),
                    # Written as a draft: lines can only be added while it is one. Posted below.
                    "state": InvoiceState.DRAFT,
                    "payment_state": (
                        PaymentState.UNPAID
                        if paid == 0
                        else PaymentState.PAID
                        if paid >= totals.gross
                        else PaymentState.PARTIALLY_PAID
                    ),
                    "invoice_date": invoice_date if is_posted else None,
                    "due_date": due_date if is_posted else None,
                    "currency": plan.customer.currency,
                    "posted_at": posted_at,
                    "posted_by_id": self.billing.pk if is_posted else None,
                    "amount_net": totals.net,
                    "amount_tax": totals.tax,
                    "amount_total": totals.gross,
                    "amount_paid": paid,
                    "created_at": moment(invoice_date, rng, hour=9),
                    "updated_at": posted_at or moment(invoice_date, rng, hour=9),
                    "created_by_id": self.clerk.pk,
                }
            )
        # An order has at most one draft invoice (a partial unique index): the invoices go in rounds, an order's
        # posted ones first, each round written as drafts with its lines and taxes and then posted.
        rounds: dict[int, list[int]] = defaultdict(list)
        per_order: dict[int, int] = defaultdict(int)
        for index in sorted(range(len(invoices)), key=lambda k: (invoices[k][1].invoice != "posted", k)):
            plan_id = invoices[index][0].id
            rounds[per_order[plan_id]].append(index)
            per_order[plan_id] += 1
        invoice_ids: list[int] = [0] * len(invoices)
        for round_indexes in rounds.values():
            # Payment progress comes from the payment applications, below: the guard trigger checks it.
            ids = insert_rows(
                Invoice,
                [{**rows[k], "payment_state": PaymentState.UNPAID, "amount_paid": ZERO} for k in round_indexes],
            )
            line_rows, tax_rows = [], []
            for invoice_id, k in zip(ids, round_indexes, strict=True):
                invoice_ids[k] = invoice_id
                _plan, _slip, _date, lines, totals = invoices[k]
                for n, line in enumerate(lines, start=1):
                    line_rows.append(
                        {
                            **{key: v for key, v in line.items() if key != "_rate"},
                            "invoice_id": invoice_id,
                            "line_no": n * 10,
                        }
                    )
                for bucket in totals.taxes:
                    tax_rows.append(
                        {
                            "invoice_id": invoice_id,
                            "tax_code_id": bucket.tax_code_id,
                            "rate": bucket.rate,
                            "base": bucket.base,
                            "amount": bucket.amount,
                        }
                    )
            insert_rows(InvoiceLine, line_rows, returning=False)
            insert_rows(InvoiceTax, tax_rows, returning=False)
            posted_ids = [invoice_ids[k] for k in round_indexes if invoices[k][1].invoice == "posted"]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE invoicing_invoice SET state = %s WHERE id = ANY(%s)", [InvoiceState.POSTED, posted_ids]
                )
        invoice_numbers.save()
        last_posted = {}
        for invoice_id, (plan, slip, _date, _lines, _totals), row in zip(invoice_ids, invoices, rows, strict=True):
            if slip.invoice == "posted":
                self._log(Invoice, invoice_id, "post", "draft", "posted", row["posted_at"], self.billing)
                last_posted[plan.id] = max(last_posted.get(plan.id, row["posted_at"]), row["posted_at"])
        for plan in self.plans:
            if plan.state == OrderState.INVOICED:
                self._log(
                    SalesOrder, plan.id, "mark_invoiced", "delivered", "invoiced", last_posted[plan.id], self.billing
                )

        # Payments, their applications and state changes.
        payments.sort(key=lambda p: (p[1], p[0]))
        payment_numbers = Numbers("payment")
        payment_rows = []
        for index, pay_date, amount in payments:
            plan = invoices[index][0]
            payment_rows.append(
                {
                    "number": payment_numbers.take(),
                    "customer_id": plan.customer.pk,
                    "amount": amount,
                    "currency": plan.customer.currency,
                    "payment_date": pay_date,
                    "reference": f"Invoice {rows[index]['number']}",
                    "amount_applied": amount,
                    "created_at": moment(pay_date, rng),
                    "updated_at": moment(pay_date, rng),
                    "created_by_id": self.billing.pk,
                }
            )
        payment_ids = insert_rows(Payment, payment_rows)
        payment_numbers.save()
        insert_rows(
            PaymentApplication,
            [
                {"payment_id": pid, "invoice_id": invoice_ids[index], "amount": amount, "applied_at": row["created_at"]}
                for pid, (index, _d, amount), row in zip(payment_ids, payments, payment_rows, strict=True)
            ],
            returning=False,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE invoicing_invoice AS i SET amount_paid = v.paid, payment_state = v.state"
                " FROM unnest(%s::bigint[], %s::numeric[], %s::varchar[]) AS v(id, paid, state) WHERE i.id = v.id",
                [
                    [invoice_ids[index] for index, _d, _a in payments],
                    [rows[index]["amount_paid"] for index, _d, _a in payments],
                    [rows[index]["payment_state"] for index, _d, _a in payments],
                ],
            )
        for (index, _date, _amount), row in zip(payments, payment_rows, strict=True):
            full = rows[index]["payment_state"] == PaymentState.PAID
            self._log(
                Invoice,
                invoice_ids[index],
                "pay_fully" if full else "pay_partially",
                "unpaid",
                "paid" if full else "partially_paid",
                row["created_at"],
                self.billing,
            )

        # The journal: one entry per posted invoice and per payment, numbered in date order.
        entries = []  # (date, sort key, entry fields, postings)
        receivable, bank = accounts[AccountRole.RECEIVABLE].pk, accounts[AccountRole.BANK].pk
        for invoice_id, (plan, slip, invoice_date, lines, totals), row in zip(invoice_ids, invoices, rows, strict=True):
            if slip.invoice != "posted":
                continue
            number = row["number"]
            postings = [(receivable, totals.gross, ZERO, f"Invoice {number}", plan.customer.pk)]
            revenue = defaultdict(lambda: ZERO)
            for line in lines:
                revenue[line["revenue_account_id"]] += line["net_amount"]
            postings += [(acc, ZERO, amount, f"Invoice {number}", None) for acc, amount in sorted(revenue.items())]
            postings += [
                (tax_account[b.tax_code_id], ZERO, b.amount, f"Output tax {b.rate}%", None) for b in totals.taxes
            ]
            entries.append(
                (
                    invoice_date,
                    (0, invoice_id),
                    {
                        "entry_date": invoice_date,
                        "description": f"Customer invoice {number} {plan.customer.party.name}"[:200],
                        "currency": row["currency"],
                        "invoice_id": invoice_id,
                        "created_at": row["posted_at"],
                        "updated_at": row["posted_at"],
                    },
                    postings,
                )
            )
        for payment_id, (index, pay_date, amount), row in zip(payment_ids, payments, payment_rows, strict=True):
            customer = invoices[index][0].customer
            entries.append(
                (
                    pay_date,
                    (1, payment_id),
                    {
                        "entry_date": pay_date,
                        "description": f"Payment {row['number']} {customer.party.name}"[:200],
                        "currency": row["currency"],
                        "payment_id": payment_id,
                        "created_at": row["created_at"],
                        "updated_at": row["created_at"],
                    },
                    [
                        (bank, amount, ZERO, row["reference"], None),
                        (receivable, ZERO, amount, f"Payment {row['number']}", customer.pk),
                    ],
                )
            )
        entries.sort(key=lambda e: (e[0], e[1]))
        journal_numbers = Numbers("journal")
        entry_rows = [{**e[2], "number": journal_numbers.take()} for e in entries]
        entry_ids = insert_rows(JournalEntry, entry_rows)
        journal_numbers.save()
        journal_lines = []
        for entry_id, (_d, _k, _f, postings) in zip(entry_ids, entries, strict=True):
            debit = sum((p[1] for p in postings), ZERO)
            credit = sum((p[2] for p in postings), ZERO)
            assert debit == credit, f"unbalanced growth entry: {postings}"
            journal_lines += [
                {
                    "entry_id": entry_id,
                    "account_id": account,
                    "debit": d,
                    "credit": c,
                    "description": text,
                    "customer_id": customer_id,
                }
                for account, d, c, text, customer_id in postings
                if d or c
            ]
        insert_rows(JournalLine, journal_lines, returning=False)

    # --- marketing -----------------------------------------------------------------------------------------

    def marketing(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        stages = list(OpportunityStage.objects.filter(active=True))
        owners = [self.clerk, self.manager]
        prospects = self.prospect_party_ids
        customer_parties = [c.party_id for c in self.customer_list]
        # Leads, in the order they came in.
        lead_days = sorted((rng.randrange(HISTORY_DAYS) for _ in range(spec.leads)), reverse=True)
        lead_numbers = Numbers("lead")
        lead_rows, lead_logs = [], []
        for age in lead_days:
            day = today - datetime.timedelta(days=age)
            created = moment(day, rng)
            state = rng.choices(
                (LeadState.NEW, LeadState.QUALIFIED, LeadState.CONVERTED, LeadState.DISQUALIFIED),
                (30, 15, 35, 20) if age > 30 else (70, 20, 5, 5),
            )[0]
            first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            row = {
                "number": lead_numbers.take(),
                "company_name": f"{surname} {rng.choice(TRADES)}",
                "contact_name": f"{first} {surname}",
                "email": f"{first.lower()}.{surname.lower()}{len(lead_rows)}@example.org",
                "city": rng.choice(CITIES)[0],
                "country": "NL",
                "source": rng.choice(LeadSource.values),
                "owner_id": rng.choice(owners).pk,
                "state": state,
                "created_at": created,
                "updated_at": created,
                "created_by_id": self.clerk.pk,
            }
            steps = []
            if state in (LeadState.QUALIFIED, LeadState.CONVERTED):
                row["qualified_at"] = created + datetime.timedelta(hours=rng.randint(1, 72))
                steps.append(("qualify", "new", "qualified", row["qualified_at"]))
            if state == LeadState.CONVERTED:
                row["converted_at"] = row["qualified_at"] + datetime.timedelta(hours=rng.randint(1, 200))
                row["party_id"] = rng.choice(prospects)
                steps.append(("convert", "qualified", "converted", row["converted_at"]))
            if state == LeadState.DISQUALIFIED:
                row["disqualified_at"] = created + datetime.timedelta(hours=rng.randint(1, 72))
                row["disqualify_reason"] = "No budget this year"
                steps.append(("disqualify", "new", "disqualified", row["disqualified_at"]))
            row["updated_at"] = steps[-1][3] if steps else created
            lead_rows.append(row)
            lead_logs.append(steps)
        lead_ids = insert_rows(Lead, lead_rows)
        lead_numbers.save()
        for lead_id, steps in zip(lead_ids, lead_logs, strict=True):
            for transition, source, target, when in steps:
                self._log(Lead, lead_id, transition, source, target, when, self.clerk)

        # Opportunities: open ones on prospects, won ones tied to an order of the customer, lost ones anywhere.
        won_orders = rng.sample(
            [p for p in self.plans if p.state != OrderState.CANCELED and p.confirmed], spec.opportunities // 4
        )
        opportunity_numbers = Numbers("opportunity")
        rows, won_links = [], []
        for n in range(spec.opportunities):
            kind = "won" if n < len(won_orders) else rng.choice(("open", "open", "lost"))
            plan = won_orders[n] if kind == "won" else None
            day = (
                plan.order_date - datetime.timedelta(days=rng.randint(5, 60))
                if plan
                else today - datetime.timedelta(days=rng.randrange(HISTORY_DAYS if kind == "lost" else 120))
            )
            stage = rng.choice(stages)
            created = moment(day, rng)
            row = {
                "name": f"{rng.choice(PRODUCTS)} for {rng.choice(('warehouse', 'new office', 'fleet', 'site'))}",
                "party_id": plan.customer.party_id if plan else rng.choice(prospects + customer_parties),
                "owner_id": rng.choice(owners).pk,
                "stage_id": stage.pk,
                "expected_revenue": Decimal(rng.randrange(500, 100_000)),
                "probability": stage.probability,
                "expected_close_date": day + datetime.timedelta(days=rng.randint(14, 90)),
                "state": {"won": OpportunityState.WON, "lost": OpportunityState.LOST}.get(kind, OpportunityState.OPEN),
                "created_at": created,
                "updated_at": created,
                "created_by_id": self.clerk.pk,
            }
            if kind == "won":
                row["closed_at"] = plan.confirmed
                row["probability"] = Decimal(100)
            elif kind == "lost":
                row["closed_at"] = created + datetime.timedelta(days=rng.randint(3, 40))
                row["probability"] = ZERO
                row["lost_reason"] = "Went with a competitor"
            if row.get("closed_at"):
                row["updated_at"] = row["closed_at"]
            rows.append((day, row, plan))
        rows.sort(key=lambda r: r[0])
        for _day, row, _plan in rows:
            row["number"] = opportunity_numbers.take()
        opportunity_ids = insert_rows(Opportunity, [r[1] for r in rows])
        opportunity_numbers.save()
        for opportunity_id, (_day, row, plan) in zip(opportunity_ids, rows, strict=True):
            if plan:
                won_links.append((plan.id, opportunity_id))
            if row.get("closed_at"):
                target = row["state"]
                self._log(
                    Opportunity,
                    opportunity_id,
                    "win" if target == "won" else "lose",
                    "open",
                    target,
                    row["closed_at"],
                    self.clerk,
                )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE salesapp_salesorder o SET opportunity_id = v.opportunity_id "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(order_id, opportunity_id) WHERE o.id = v.order_id",
                [[o for o, _ in won_links], [p for _, p in won_links]],
            )

        # Activities: done ones in the past, open ones around today.
        activity_rows = []
        now = timezone.now()
        for _n in range(spec.activities):
            done = rng.random() < 0.6
            day = today - datetime.timedelta(days=rng.randrange(HISTORY_DAYS if done else 30) - (0 if done else 20))
            due = moment(day, rng)
            done_at = min(due, now) if done else None
            on_lead = rng.random() < 0.2
            activity_type = rng.choice(ActivityType.values)
            activity_rows.append(
                {
                    "activity_type": activity_type,
                    "subject": {"call": "Call about", "meeting": "Visit:", "task": "Send", "email": "Mail"}[
                        activity_type
                    ]
                    + f" {rng.choice(PRODUCTS).lower()}",
                    "due_at": due,
                    "owner_id": rng.choice(owners).pk,
                    "done": done,
                    "done_at": done_at,
                    "party_id": None if on_lead else rng.choice(prospects + customer_parties),
                    "lead_id": rng.choice(lead_ids) if on_lead else None,
                    "created_at": min(due - datetime.timedelta(days=rng.randint(0, 10)), now),
                    "updated_at": done_at or min(due, now),
                    "created_by_id": self.clerk.pk,
                }
            )
        insert_rows(Activity, activity_rows, returning=False)

    def timeline(self) -> None:
        insert_rows(StateLog, self.state_logs, returning=False)


def verify() -> list[str]:
    """What the services guarantee, checked on the grown data: a list of what is wrong (empty when all holds)."""
    checks = {
        "journal entries that do not balance": """
            SELECT count(*) FROM (SELECT entry_id FROM invoicing_journalline GROUP BY entry_id
                                  HAVING sum(debit) <> sum(credit)) unbalanced""",
        "posted invoices without a journal entry": """
            SELECT count(*) FROM invoicing_invoice i WHERE i.state = 'posted'
               AND NOT EXISTS (SELECT 1 FROM invoicing_journalentry e WHERE e.invoice_id = i.id)""",
        "invoices whose total differs from their lines and taxes": """
            SELECT count(*) FROM invoicing_invoice i
             WHERE i.amount_net <> (SELECT coalesce(sum(net_amount), 0) FROM invoicing_invoiceline l
                                    WHERE l.invoice_id = i.id)
                OR i.amount_tax <> (SELECT coalesce(sum(amount), 0) FROM invoicing_invoicetax t
                                    WHERE t.invoice_id = i.id)""",
        "invoiced orders with something left to deliver or invoice": """
            SELECT count(*) FROM salesapp_salesorder o WHERE o.state = 'invoiced' AND EXISTS (
                SELECT 1 FROM salesapp_salesorderline l WHERE l.order_id = o.id
                   AND (l.qty_delivered < l.quantity OR l.qty_invoiced < l.qty_delivered))""",
        "delivered orders with something left to deliver": """
            SELECT count(*) FROM salesapp_salesorder o WHERE o.state = 'delivered' AND EXISTS (
                SELECT 1 FROM salesapp_salesorderline l WHERE l.order_id = o.id AND l.qty_delivered < l.quantity)""",
        "open or canceled orders with deliveries": """
            SELECT count(*) FROM salesapp_salesorder o WHERE o.state IN ('open', 'canceled') AND EXISTS (
                SELECT 1 FROM salesapp_salesorderline l WHERE l.order_id = o.id AND l.qty_delivered > 0)""",
        "invoice payment progress that differs from its applications": """
            SELECT count(*) FROM invoicing_invoice i WHERE i.amount_paid <>
                (SELECT coalesce(sum(amount), 0) FROM invoicing_paymentapplication a WHERE a.invoice_id = i.id)""",
    }
    problems = []
    with connection.cursor() as cursor:
        for text, sql in checks.items():
            cursor.execute(sql)
            count = cursor.fetchone()[0]
            if count:
                problems.append(f"{count} {text}")
        # Gapless series: each counter stands one past the highest number taken, and no number is missing.
        for code, table in (
            ("sales_order", "salesapp_salesorder"),
            ("packing_slip", "salesapp_packingslip"),
            ("invoice", "invoicing_invoice"),
            ("journal", "invoicing_journalentry"),
            ("payment", "invoicing_payment"),
            ("customer", "salesapp_customer"),
            ("lead", "marketing_lead"),
            ("opportunity", "marketing_opportunity"),
        ):
            series = NumberSeries.objects.get(code=code)
            cursor.execute(f"SELECT count(number) FROM {table} WHERE number LIKE %s", [series.prefix + "%"])
            taken = cursor.fetchone()[0]
            if taken != series.next_value - 1:
                problems.append(f"series {code}: {taken} numbers taken, counter at {series.next_value}")
    return problems


def build(spec: Spec, *, log=print) -> None:
    """The demo company through the services, then the growth on top, in one transaction."""
    started = time.monotonic()
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    log(f"  {'demo company (seed_demo)':<38} {time.monotonic() - started:6.1f} s")
    with transaction.atomic():
        GrowthBuilder(spec, log=log).build()
        problems = verify()
        if problems:
            raise SystemExit("The grown data breaks the rules it must keep:\n  " + "\n  ".join(problems))

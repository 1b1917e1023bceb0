"""seed_demo builds a demo company through the services once; running it again changes nothing."""

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone
from django_fsm_log.models import StateLog
from rest_framework.authtoken.models import Token

from core import roles
from invoicing.models import Invoice, JournalEntry, JournalLine, Payment
from marketing.models import Party
from salesapp.models import Customer, Item, PackingSlip, SalesOrder


def counts() -> dict[str, int]:
    return {
        "parties": Party.objects.count(),
        "customers": Customer.objects.count(),
        "items": Item.objects.count(),
        "orders": SalesOrder.objects.count(),
        "packing slips": PackingSlip.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "journal entries": JournalEntry.objects.count(),
        "state changes": StateLog.objects.count(),
        "users": User.objects.count(),
        "tokens": Token.objects.count(),
    }


def per_state(queryset, field: str = "state") -> dict[str, int]:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_complete_demo_company_once(db):
    # when
    first_output = seed()
    first = counts()

    # then: at least the promised amounts, built through the services
    assert first["parties"] >= 30
    assert first["customers"] >= 25
    assert first["parties"] - first["customers"] >= 1
    assert first["items"] >= 50
    assert first["orders"] >= 100
    assert set(per_state(SalesOrder.objects)) == {"open", "confirmed", "delivered", "invoiced", "canceled"}
    assert SalesOrder.objects.filter(state="confirmed", lines__qty_delivered__gt=0).exists()
    assert not SalesOrder.objects.annotate(n=Count("lines")).filter(n__gt=6).exists()
    assert set(per_state(Invoice.objects)) == {"draft", "posted"}
    assert set(per_state(Invoice.objects.filter(state="posted"), "payment_state")) == {
        "unpaid",
        "partially_paid",
        "paid",
    }
    assert set(Invoice.objects.values_list("basis", flat=True)) == {"order", "packing_slips"}
    overdue = Invoice.objects.filter(state="posted", due_date__lt=timezone.localdate()).exclude(payment_state="paid")
    assert overdue.exists()
    assert Customer.objects.filter(blocked=True).exclude(blocked_reason="").count() == 1
    assert set(Customer.objects.values_list("payment_terms_days", flat=True)) == {14, 30, 60}
    oldest = SalesOrder.objects.order_by("order_date").first().order_date
    assert 90 <= (timezone.localdate() - oldest).days <= 120
    # every posting balanced, every transition recorded with who did it
    assert JournalEntry.objects.count() == Invoice.objects.filter(state="posted").count() + Payment.objects.count()
    debit = sum(JournalLine.objects.values_list("debit", flat=True))
    credit = sum(JournalLine.objects.values_list("credit", flat=True))
    assert debit == credit
    assert not StateLog.objects.filter(by__isnull=True).exists()
    assert not Invoice.objects.filter(state="posted", amount_paid__gt=F("amount_total")).exists()
    # one login per role, the administrator with the keys to the admin
    demo_users = {user.username: user for user in User.objects.filter(groups__isnull=False).prefetch_related("groups")}
    assert {name: [g.name for g in user.groups.all()] for name, user in demo_users.items()} == {
        "clerk": [roles.SALES_CLERK],
        "manager": [roles.SALES_MANAGER],
        "billing": [roles.BILLING_CLERK],
        "integrator": [roles.INTEGRATOR],
        "admin": [roles.ADMINISTRATOR],
    }
    assert all(user.check_password("demo1234") for user in demo_users.values())
    assert (demo_users["admin"].is_staff, demo_users["admin"].is_superuser) == (True, True)
    assert (demo_users["clerk"].is_staff, demo_users["clerk"].is_superuser) == (False, False)
    token = Token.objects.get(user__username="integrator")
    assert f"Integrator API token: {token.key}" in first_output
    assert "clerk" in first_output and "demo1234" in first_output

    # when: seeded again, after someone changed a demo password
    clerk = demo_users["clerk"]
    clerk.set_password("forgotten")
    clerk.save()
    second_output = seed()

    # then: nothing duplicated, the password is the demo one again
    assert counts() == first
    assert "already present" in second_output
    clerk.refresh_from_db()
    assert clerk.check_password("demo1234")
    assert Token.objects.get(user__username="integrator").key == token.key

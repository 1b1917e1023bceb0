"""The packing-slip run pages: the customer picker starts with the "invoice monthly" customers, the preview
shows the invoices and the slips left out, the start queues the run, and the run page posts its invoices."""

from django.urls import reverse

from core.jobs import jobs_run_due
from invoicing.models import BillingRun, Invoice
from salesapp.services.customers import customer_update
from tests.factories.salesapp import make_customer
from tests.factories.summary_invoicing import month_of_slips

NOVEMBER = {"slips_from": "2026-11-01", "slips_to": "2026-11-30", "grouping": "customer"}


def test_the_picker_starts_with_the_customers_invoiced_monthly_and_never_lists_every_customer(client, manager):
    # given
    monthly = make_customer(invoice_monthly=True)
    other = make_customer()
    client.force_login(manager)

    # when
    page = client.get(reverse("invoicing:summary_run_create"))
    chosen = client.get(reverse("invoicing:summary_run_create"), {"scope": "monthly", **NOVEMBER}).context["form"]

    # then
    assert page.context["form"]["scope"].value() == "monthly"
    assert other.party.name not in page.content.decode() and monthly.party.name not in page.content.decode()
    assert chosen.is_valid() and chosen.chosen_customers() == [monthly]


def test_a_manager_previews_starts_and_a_billing_clerk_posts_all(client, manager, billing):
    # given: a month of slips of three orders; the customer is then blocked for a moment to show the reason
    customer, orders, slips = month_of_slips(manager)
    client.force_login(manager)
    url = reverse("invoicing:summary_run_create")
    customer_update(customer=customer, blocked=True, blocked_reason="Credit review", by=manager)
    blocked_page = client.get(url, {"scope": "customer", "customer": customer.pk, **NOVEMBER}).content.decode()
    assert f"Customer {customer.number} is blocked: Credit review." in blocked_page
    customer_update(customer=customer, blocked=False, blocked_reason="", by=manager)

    # when: the preview
    page = client.get(url, {"scope": "customer", "customer": customer.pk, **NOVEMBER}).content.decode()

    # then: one invoice of 133.10 over the four slips of the three orders, nothing made yet
    assert "1 invoice for 4 packing slips." in page
    assert "EUR 110.00" in page and "133.10" in page
    assert all(order.number in page for order in orders) and all(slip.number in page for slip in slips)
    assert not BillingRun.objects.exists()
    # the start button carries the same choices
    assert f'<input type="hidden" name="customer" value="{customer.pk}">' in page
    assert '<input type="hidden" name="scope" value="customer">' in page

    # when: started, and its job runs
    response = client.post(url, {"scope": "customer", "customer": customer.pk, **NOVEMBER})
    run = BillingRun.objects.get()
    assert response.url == reverse("invoicing:billing_run_detail", args=[run.pk])
    jobs_run_due()
    client.force_login(billing)
    detail = client.get(response.url).content.decode()
    assert 'id="summary-run-post-all"' in detail

    # when: "Post all", and its job runs
    posted = client.post(reverse("invoicing:summary_run_post_all", args=[run.pk]))
    jobs_run_due()

    # then
    assert posted.url == response.url
    invoice = Invoice.objects.get()
    assert (invoice.state, invoice.number) == ("posted", "INV-000001")
    after = client.get(response.url).content.decode()
    assert "INV-000001" in after and 'id="summary-run-post-all"' not in after
    assert "1 of 1 invoices posted or refused" in after


def test_a_clerk_without_the_posting_permission_cannot_post_all(client, manager, clerk):
    # given
    month_of_slips(manager)
    client.force_login(manager)
    client.post(reverse("invoicing:summary_run_create"), {"scope": "all", **NOVEMBER})
    jobs_run_due()
    run = BillingRun.objects.get()
    client.force_login(clerk)

    # when
    response = client.post(reverse("invoicing:summary_run_post_all", args=[run.pk]))

    # then
    assert response.status_code == 403
    assert list(Invoice.objects.values_list("state", flat=True)) == ["draft"]

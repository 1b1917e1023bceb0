"""A manager who also posts invoices invoices a month of packing slips: the customers invoiced monthly are
chosen, the preview shows the one summary invoice, the run makes it while its progress bar follows, and Post all
numbers it."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core import roles
from core.jobs import jobs_run_due
from invoicing.models import Invoice
from salesapp.services.customers import customer_update
from tests.factories.summary_invoicing import month_of_slips

pytestmark = pytest.mark.e2e


def test_a_month_of_packing_slips_becomes_one_posted_summary_invoice(logged_in_page):
    # given: four November slips of three orders of a customer invoiced monthly
    page = logged_in_page(roles.SALES_MANAGER)
    page.user.groups.add(Group.objects.get(name=roles.BILLING_CLERK))
    customer, orders, slips = month_of_slips(page.user)
    customer_update(customer=customer, invoice_monthly=True, by=page.user)

    # when: the run is previewed for November
    page.get_by_role("navigation").get_by_role("link", name="Billing runs").click()
    page.get_by_role("link", name="Invoice packing slips").click()
    page.get_by_label("Slips shipped from").fill("2026-11-01")
    page.get_by_label("Slips shipped until").fill("2026-11-30")
    page.get_by_role("button", name="Preview").click()

    # then: one invoice over the four slips, nothing made yet
    preview = page.locator("#summary-run-preview")
    expect(preview).to_contain_text("1 invoice for 4 packing slips.")
    for slip in slips:
        expect(page.locator("#summary-run-invoices")).to_contain_text(slip.number)
    assert not Invoice.objects.exists()

    # when: started; the job runs while the page polls
    page.get_by_role("button", name="Start billing run").click()
    expect(page.locator("#billing-run-state")).to_have_text("Queued")
    jobs_run_due()

    # then: the bar finishes with the draft listed
    expect(page.locator("#billing-run-state")).to_have_text("Done")
    expect(page.locator("#billing-run-progress")).to_contain_text("1 of 1 invoices made")
    draft = Invoice.objects.get()
    assert (draft.basis, draft.state, str(draft.amount_net)) == ("summary", "draft", "110.00")

    # when: all are posted
    page.get_by_role("button", name="Post all").click()
    jobs_run_due()

    # then: numbered, and every order is invoiced in full
    expect(page.locator("#summary-run-posting-state")).to_have_text("Done")
    draft.refresh_from_db()
    expect(page.locator("#billing-run-results")).to_contain_text(draft.number)
    assert draft.state == "posted" and draft.number.startswith("INV-")
    for order in orders:
        order.refresh_from_db()
        assert order.state == "invoiced", order.number

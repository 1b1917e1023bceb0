"""Packing-slip billing runs through the API: preview, start, progress, post all."""

from core.jobs import jobs_run_due
from invoicing.models import BillingRun, Invoice
from tests.core.api.helpers import api_client, problem
from tests.factories.summary_invoicing import month_of_slips

URL = "/api/v1/billing-runs/"
NOVEMBER = {"slips_from": "2026-11-01", "slips_to": "2026-11-30"}


def test_preview_start_progress_and_post_all(manager, billing):
    # given
    customer, orders, slips = month_of_slips(manager)
    api = api_client(manager)

    # when: the preview
    preview = api.post(
        f"{URL}preview/", {"customers": [customer.pk], "grouping": "customer", **NOVEMBER}, format="json"
    )

    # then: one invoice of 110.00 net, 133.10 with tax, its orders, slips and five lines; nothing written
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert [
        (i["customer_number"], i["currency"], i["amount_net"], i["amount_tax"], i["amount_total"], len(i["lines"]))
        for i in body["invoices"]
    ] == [(customer.number, "EUR", "110.00", "23.10", "133.10", 5)]
    assert body["invoices"][0]["orders"] == [order.number for order in orders]
    assert body["invoices"][0]["packing_slips"] == [slip.number for slip in slips]
    assert (body["left_out"], body["amount_total"]) == ([], "133.10")
    assert not Invoice.objects.exists()

    # when: the run is started and its job runs
    started = api.post(
        URL, {"kind": "packing_slips", "customers": [customer.pk], "grouping": "customer", **NOVEMBER}, format="json"
    )
    assert started.status_code == 201, started.content
    run_id = started.json()["id"]
    assert (started.json()["state"], started.json()["kind"], started.json()["customers"]) == (
        "queued",
        "packing_slips",
        [customer.pk],
    )
    jobs_run_due()
    run = api.get(f"{URL}{run_id}/").json()

    # then: done, one draft
    assert (run["state"], run["total"], run["processed"], run["percent"]) == ("done", 1, 1, 100)
    assert [(r["customer"], r["group_key"], r["invoice_state"], r["invoice_total"]) for r in run["results"]] == [
        (customer.pk, str(customer.pk), "draft", "133.10")
    ]

    # when: a billing clerk posts all; the job posts
    posting = api_client(billing).post(f"{URL}{run_id}/post-all/")
    assert posting.status_code == 202, posting.content
    assert (posting.json()["posting_state"], posting.json()["posting_total"]) == ("queued", 1)
    jobs_run_due()
    run = api.get(f"{URL}{run_id}/").json()

    # then
    assert (run["posting_state"], run["posting_processed"]) == ("done", 1)
    assert [(r["invoice_state"], r["invoice_number"], r["posting_refusal"]) for r in run["results"]] == [
        ("posted", "INV-000001", "")
    ]
    # posting again is refused with the reason
    again = problem(api_client(billing).post(f"{URL}{run_id}/post-all/"), 409)
    assert again["detail"] == "The run has no draft invoice left to post."


def test_post_all_needs_the_posting_permission(manager, clerk):
    # given
    customer, _orders, _slips = month_of_slips(manager)
    started = api_client(manager).post(
        URL, {"kind": "packing_slips", "grouping": "customer", **NOVEMBER}, format="json"
    )
    jobs_run_due()

    # when
    response = api_client(clerk).post(f"{URL}{started.json()['id']}/post-all/")

    # then
    problem(response, 403)
    run = BillingRun.objects.get()
    assert run.posting_state == ""
    assert list(Invoice.objects.values_list("state", flat=True)) == ["draft"]


def test_grouping_by_invoice_to_party_and_dates_out_of_order_are_refused_naming_the_field(manager):
    api = api_client(manager)

    body = problem(
        api.post(URL, {"kind": "packing_slips", "grouping": "invoice_to", **NOVEMBER}, format="json"),
        400,
    )
    assert body["errors"] == [
        {
            "field": "grouping",
            "message": "Customers have no invoice-to party here, so invoices cannot be grouped by one: group per "
            "customer.",
        }
    ]
    body = problem(
        api.post(
            f"{URL}preview/",
            {"slips_from": "2026-12-01", "slips_to": "2026-11-30", "grouping": "customer"},
            format="json",
        ),
        400,
    )
    assert body["errors"] == [{"field": "slips_from", "message": "The first slip date is after the last (2026-11-30)."}]
    assert not BillingRun.objects.exists()

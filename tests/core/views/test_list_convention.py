"""Every list follows one convention: each sortable column sorts both ways, unknown keys are ignored, the CSV
export has the list's header row, the sort and filters survive in the links, and the export is guarded."""

import pytest
from django.urls import reverse

from invoicing.selectors.invoices import INVOICE_SORTS
from invoicing.selectors.payments import PAYMENT_SORTS
from marketing.selectors.activities import ACTIVITY_SORTS
from marketing.selectors.campaigns import CAMPAIGN_SORTS
from marketing.selectors.leads import LEAD_SORTS
from marketing.selectors.opportunities import OPPORTUNITY_SORTS
from marketing.selectors.parties import PARTY_SORTS
from salesapp.selectors.customers import CUSTOMER_SORTS
from salesapp.selectors.items import ITEM_SORTS
from salesapp.selectors.orders import ORDER_SORTS
from salesapp.selectors.packing_slips import PACKING_SLIP_SORTS
from salesapp.selectors.supply import SUPPLY_SORTS

# (url name, sortable columns, CSV header row, a date or record filter the list takes)
LISTS = [
    (
        "salesapp:order_list",
        ORDER_SORTS,
        "Number,Customer,Customer number,Customer reference,Order date,Status,Currency,Total",
        {"date_from": "2026-01-01"},
    ),
    (
        "salesapp:packing_slip_list",
        PACKING_SLIP_SORTS,
        "Number,Sales order,Customer,Customer number,Ship date,Status",
        {"date_to": "2026-12-31"},
    ),
    (
        "salesapp:customer_list",
        CUSTOMER_SORTS,
        "Number,Name,City,Currency,Payment terms,Credit limit,Blocked",
        {"q": "a"},
    ),
    ("salesapp:item_list", ITEM_SORTS, "Number,Name,Type,Unit,Sales price,On hand,Tax code,Active", {"q": "a"}),
    (
        "salesapp:supply_list",
        SUPPLY_SORTS,
        "Number,Vendor,Item,Quantity,Received,Expected date,Status,Reference",
        {"q": "a"},
    ),
    (
        "invoicing:invoice_list",
        INVOICE_SORTS,
        "Number,Kind,Customer,Customer number,Order,Invoice date,Due date,Status,Payment,Currency,Total,Open",
        {"date_from": "2026-01-01"},
    ),
    (
        "invoicing:payment_list",
        PAYMENT_SORTS,
        "Number,Payment date,Customer,Customer number,Method,Reference,Currency,Amount,Applied,Unapplied",
        {"date_from": "2026-01-01"},
    ),
    ("marketing:party_list", PARTY_SORTS, "Name,Kind,Email,City,Country,Stage,Tags", {"q": "a"}),
    (
        "marketing:lead_list",
        LEAD_SORTS,
        "Number,Company,Contact person,Email,Source,Campaign,Owner,Created,Status",
        {"date_from": "2026-01-01"},
    ),
    (
        "marketing:opportunity_list",
        OPPORTUNITY_SORTS,
        "Number,Subject,Party,Stage,Expected revenue,Probability,Expected close,Owner,Campaign,Status",
        {"date_from": "2026-01-01"},
    ),
    (
        "marketing:campaign_list",
        CAMPAIGN_SORTS,
        "Number,Name,Type,Status,Owner,Runs,End date,Targets,Contacted,Responded,Positive,Leads,Opportunities,Budget",
        {"date_from": "2026-01-01"},
    ),
    ("marketing:activity_list", ACTIVITY_SORTS, "Type,Subject,Due,About,Owner,Status", {"date_from": "2026-01-01"}),
]
IDS = [name for name, *_ in LISTS]


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


@pytest.mark.parametrize(("name", "sorts", "header", "filters"), LISTS, ids=IDS)
def test_every_sort_key_works_both_ways_and_unknown_ones_are_ignored(
    client, administrator, name, sorts, header, filters
):
    # given
    client.force_login(administrator)
    url = reverse(name)

    # when / then
    for key in sorts:
        for sort in (key, f"-{key}"):
            response = client.get(url, {"sort": sort})
            assert response.status_code == 200, sort
            directions = {h["url"]: h["direction"] for h in response.context["listing"].headers}
            assert ("ascending" if sort == key else "descending") in directions.values(), sort
    assert client.get(url, {"sort": "-password"}).status_code == 200


@pytest.mark.parametrize(("name", "sorts", "header", "filters"), LISTS, ids=IDS)
def test_csv_export_has_the_header_row_and_keeps_the_filters(client, administrator, name, sorts, header, filters):
    # given
    client.force_login(administrator)
    url = reverse(name)
    key = next(iter(sorts))

    # when
    page = client.get(url, {**filters, "sort": f"-{key}"})
    export = client.get(url, {**filters, "sort": f"-{key}", "export": "csv"})

    # then
    query = "&amp;".join(f"{k}={v}" for k, v in {**filters, "sort": f"-{key}"}.items())
    assert f'href="?{query}&amp;export=csv"' in page.content.decode()
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_lines(export)[0] == header


@pytest.mark.parametrize(("name", "sorts", "header", "filters"), LISTS, ids=IDS)
def test_export_is_guarded_by_the_lists_permission(client, django_user_model, name, sorts, header, filters):
    # given: a signed-in user without any role
    client.force_login(django_user_model.objects.create_user("nobody"))

    # when
    response = client.get(reverse(name), {"export": "csv"})

    # then
    assert response.status_code == 403

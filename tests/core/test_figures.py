"""Company-wide figures are kept for a while in the database cache, and can be computed afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.figures import figures_kept
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import make_customer, make_order


@pytest.mark.django_db
def test_a_kept_figure_is_computed_once_until_it_is_asked_for_fresh(settings):
    settings.SALESFLOW_FIGURES_SECONDS = 60
    calls = []

    def compute():
        calls.append(1)
        return {"count": len(calls)}

    # when: asked twice, then fresh, then again
    first, computed = figures_kept("test:count", compute)
    second, computed_again = figures_kept("test:count", compute)
    fresh, computed_fresh = figures_kept("test:count", compute, fresh=True)
    after, _ = figures_kept("test:count", compute)

    # then: one computation until fresh asked for another, which is kept from then on
    assert (first, second, fresh, after) == ({"count": 1}, {"count": 1}, {"count": 2}, {"count": 2})
    assert computed == computed_again < computed_fresh
    assert len(calls) == 2


def test_with_no_keeping_time_a_figure_is_computed_every_time(settings):
    settings.SALESFLOW_FIGURES_SECONDS = 0
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    # when / then
    assert [figures_kept("test:n", compute)[0] for _ in range(3)] == [1, 2, 3]


def test_the_dashboard_keeps_its_figures_a_minute_and_refresh_computes_them_now(client, clerk, settings):
    # given: the dashboard opened once with one confirmed order, its figures kept a minute
    settings.SALESFLOW_FIGURES_SECONDS = 60
    customer = make_customer()
    order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)
    client.force_login(clerk)
    before = client.get(reverse("home"))
    assert {value: count for _l, count, value, _u in before.context["orders_by_state"]}["confirmed"] == 1
    order_confirm(order=make_order(customer=customer, by=clerk), by=clerk)

    # when: opened again, and then with "refresh"
    with CaptureQueriesContext(connection) as kept_queries:
        kept = client.get(reverse("home"))
    refreshed = client.get(reverse("home"), {"refresh": "1"})

    # then: the kept figures still say 1 confirmed order and no aggregate ran; refresh says 2
    states = {value: count for _label, count, value, _url in kept.context["orders_by_state"]}
    assert states["confirmed"] == 1
    assert not [q for q in kept_queries if 'FROM "salesapp_salesorder" GROUP BY' in q["sql"]]
    states = {value: count for _label, count, value, _url in refreshed.context["orders_by_state"]}
    assert states["confirmed"] == 2
    html = refreshed.content.decode()
    assert 'id="figures-computed"' in html and "Figures as of" in html and 'href="/?refresh=1"' in html

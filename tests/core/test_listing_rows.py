import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from core.listing import choice_labels, row_query, row_url
from salesapp.models import SalesOrder


def test_row_url_gives_what_reverse_gives():
    # given
    detail_url = row_url("salesapp:order_detail")

    # when / then
    assert [detail_url(pk) for pk in (1, 42, 987654321)] == [
        reverse("salesapp:order_detail", args=[pk]) for pk in (1, 42, 987654321)
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=3",
        "q=acme&page=2&sort=-total",
        "customer=7&q=acme&page=2",  # the parameter keeps its place
        "q=987654321&customer=987654321",  # the query string holds the placeholder
        "q=a+b%26c&state=open&state=confirmed",
    ],
)
def test_row_query_gives_what_the_querystring_tag_gives(query):
    # given
    request = RequestFactory().get(f"/sales/orders/?{query}")
    tag = Template("{% querystring customer=customer_id page=None %}")
    customer_filter_url = row_query(request, "customer")

    # when / then
    for customer_id in (5, 123, 987654321):
        expected = tag.render(RequestContext(request, {"customer_id": customer_id}, autoescape=False))
        assert customer_filter_url(customer_id) == expected


def test_choice_labels_give_what_get_display_gives():
    # given
    labels = choice_labels(SalesOrder, "state")

    # when / then
    for state, _label in SalesOrder._meta.get_field("state").choices:
        assert labels[state] == SalesOrder(state=state).get_state_display()

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from salesapp.models import SalesOrder
from salesapp.services.agreements import ReleaseLine, agreement_close, agreement_hold, agreement_release
from tests.factories.agreements import make_sales_agreement
from tests.factories.salesapp import ItemFactory, make_agreement, make_customer

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def items():
    return {
        "A": ItemFactory(number="A-100", unit_price=D("12.50")),
        "B": ItemFactory(number="B-200", unit_price=D("30.00")),
    }


@pytest.fixture
def agreement(manager, items):
    return make_sales_agreement(
        default_discount_percent=D("5"),
        lines=[
            {"item": items["A"], "committed_quantity": "500", "unit_price": "11.00"},
            {"item": items["B"], "committed_quantity": "40", "unit_price": "28.00", "discount_percent": "10"},
        ],
        effective=True,
        by=manager,
    )


def test_release_creates_an_open_order_at_the_agreements_prices_linked_to_its_lines(clerk, agreement):
    # given
    line_a, line_b = agreement.lines.order_by("line_no")
    ship = timezone.localdate() + datetime.timedelta(days=14)

    # when
    order = agreement_release(
        agreement=agreement,
        lines=[(line_a, D("100")), ReleaseLine(agreement_line=line_b, quantity=D("4"))],
        requested_ship_date=ship,
        customer_reference="PO-77",
        by=clerk,
    )

    # then: A at 11.00 less the default 5 % = 1045.00; B at 28.00 less its own 10 % = 100.80
    order = SalesOrder.objects.get(pk=order.pk)
    assert (order.state, order.agreement_id, order.customer_id, order.requested_ship_date) == (
        "open",
        agreement.pk,
        agreement.customer_id,
        ship,
    )
    assert order.customer_reference == "PO-77"
    assert list(
        order.lines.order_by("line_no").values_list(
            "item__number",
            "quantity",
            "unit_price",
            "discount_percent",
            "price_source",
            "agreement_line_id",
            "net_amount",
            "requested_ship_date",
        )
    ) == [
        ("A-100", D("100.000"), D("11.0000"), D("5.00"), "sales_agreement", line_a.pk, D("1045.00"), ship),
        ("B-200", D("4.000"), D("28.0000"), D("10.00"), "sales_agreement", line_b.pk, D("100.80"), ship),
    ]
    assert order.amount_net == D("1145.80")


@pytest.mark.parametrize("offset", [-1, 1])
def test_release_outside_validity_is_refused_naming_the_ship_date(clerk, agreement, offset):
    line = agreement.lines.first()
    date = agreement.valid_from + datetime.timedelta(days=-1) if offset < 0 else agreement.valid_to
    date = date + datetime.timedelta(days=max(offset, 0))
    with pytest.raises(ValidationFailed) as refused:
        agreement_release(agreement=agreement, lines=[(line, D("1"))], requested_ship_date=date, by=clerk)
    assert refused.value.field_errors == {
        "requested_ship_date": f"The requested ship date {date.isoformat()} is outside the agreement's validity "
        f"({agreement.valid_from.isoformat()} to {agreement.valid_to.isoformat()})."
    }
    assert SalesOrder.objects.count() == 0


def test_release_from_an_agreement_on_hold_or_closed_is_refused(clerk, manager, agreement):
    line = agreement.lines.first()
    ship = timezone.localdate()
    agreement_hold(agreement=agreement, by=manager)
    with pytest.raises(TransitionRefused) as refused:
        agreement_release(agreement=agreement, lines=[(line, D("1"))], requested_ship_date=ship, by=clerk)
    assert refused.value.code == "sales-agreement-not-releasable"
    assert refused.value.reason == (
        f"Agreement {agreement.number} is On hold: orders are released only from an effective agreement."
    )
    assert SalesOrder.objects.count() == 0


def test_release_needs_the_release_permission(billing, agreement):
    with pytest.raises(ActionForbidden):
        agreement_release(
            agreement=agreement,
            lines=[(agreement.lines.first(), D("1"))],
            requested_ship_date=timezone.localdate(),
            by=billing,
        )
    assert SalesOrder.objects.count() == 0


def test_release_refuses_lines_of_another_agreement_and_empty_picks(clerk, manager, agreement, items):
    other = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "1"}], effective=True, by=manager
    )
    ship = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        agreement_release(agreement=agreement, lines=[(other.lines.get(), D("1"))], requested_ship_date=ship, by=clerk)
    assert refused.value.field_errors == {
        "lines[0].agreement_line": f"That line is not on agreement {agreement.number}."
    }
    with pytest.raises(ValidationFailed) as refused:
        agreement_release(agreement=agreement, lines=[], requested_ship_date=ship, by=clerk)
    assert refused.value.field_errors == {"lines": "Pick at least one agreement line and a quantity to release."}
    with pytest.raises(ValidationFailed) as refused:
        agreement_release(
            agreement=agreement, lines=[(agreement.lines.first(), D("0"))], requested_ship_date=ship, by=clerk
        )
    assert refused.value.field_errors == {"lines[0].quantity": "Quantity must be greater than zero."}
    assert SalesOrder.objects.count() == 0


def test_a_total_value_release_names_its_items_and_takes_the_engine_price_less_the_default_discount(
    clerk, manager, items
):
    # given: a customer price of 10.00 for A, and a total value commitment with 8 % off
    customer = make_customer()
    make_agreement(applies_to="customer", customer=customer, item=items["A"], unit_price=D("10"))
    agreement = make_sales_agreement(
        customer=customer,
        commitment_type="total_value",
        default_discount_percent=D("8"),
        lines=[{"committed_amount": "5000"}],
        effective=True,
        by=manager,
    )
    line = agreement.lines.get()
    ship = timezone.localdate()

    # when: a release without the item is refused; with it, priced
    with pytest.raises(ValidationFailed) as refused:
        agreement_release(agreement=agreement, lines=[(line, D("3"))], requested_ship_date=ship, by=clerk)
    assert refused.value.field_errors == {"lines[0].item": "Choose the item to order under the total value commitment."}
    order = agreement_release(
        agreement=agreement, lines=[(line, D("3"), items["A"])], requested_ship_date=ship, by=clerk
    )

    # then: 3 × 10.00 less 8 % = 27.60
    assert list(order.lines.values_list("unit_price", "discount_percent", "price_source", "net_amount")) == [
        (D("10.0000"), D("8.00"), "sales_agreement", D("27.60"))
    ]


def test_a_closed_agreement_releases_nothing(clerk, manager, agreement):
    agreement_close(agreement=agreement, by=manager)
    with pytest.raises(TransitionRefused):
        agreement_release(
            agreement=agreement,
            lines=[(agreement.lines.first(), D("1"))],
            requested_ship_date=timezone.localdate(),
            by=clerk,
        )
    assert SalesOrder.objects.count() == 0

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.models import NumberSeries
from salesapp.choices import AgreementState
from salesapp.models import SalesAgreement, SalesAgreementLine, SalesAgreementVersion
from salesapp.services.agreements import (
    AgreementLineInput,
    agreement_activate,
    agreement_cancel,
    agreement_close,
    agreement_create,
    agreement_delete,
    agreement_hold,
    agreement_line_add,
    agreement_line_remove,
    agreement_line_update,
    agreement_release,
    agreement_update,
)
from tests.factories.agreements import make_sales_agreement, this_year
from tests.factories.salesapp import ItemFactory, make_customer

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def items():
    return {
        "A": ItemFactory(number="A-100", unit_price=D("12.50")),
        "B": ItemFactory(number="B-200", unit_price=D("30.00")),
    }


def snapshot(agreement):
    agreement = SalesAgreement.objects.get(pk=agreement.pk)
    return (
        agreement.state,
        agreement.version_count,
        agreement.valid_to,
        agreement.default_discount_percent,
        list(agreement.lines.values_list("line_no", "item_id", "committed_quantity", "unit_price")),
        SalesAgreementVersion.objects.filter(agreement=agreement).count(),
    )


def test_create_numbers_the_agreement_on_hold_in_the_customers_currency(manager, items):
    # given
    customer = make_customer(currency="SEK")
    valid_from, valid_to = this_year()

    # when
    agreement = agreement_create(
        customer=customer,
        commitment_type="product_quantity",
        valid_from=valid_from,
        valid_to=valid_to,
        default_discount_percent=D("5"),
        description="  Yearly frame  ",
        lines=[
            AgreementLineInput(item=items["A"], committed_quantity=D("500"), unit_price=D("11.00")),
            AgreementLineInput(
                item=items["B"], committed_quantity=D("40"), unit_price=D("28.00"), discount_percent=D("2")
            ),
        ],
        by=manager,
    )

    # then
    assert agreement.number.startswith("SA-")
    assert (agreement.state, agreement.currency, agreement.description) == ("on_hold", "SEK", "Yearly frame")
    assert list(agreement.lines.values_list("line_no", "item__number", "committed_quantity", "discount_percent")) == [
        (10, "A-100", D("500.000"), None),
        (20, "B-200", D("40.000"), D("2.00")),
    ]
    assert agreement.versions.count() == 0


@pytest.mark.parametrize(
    "commitment_type, line, field, message",
    [
        (
            "total_value",
            {"item": "A", "committed_amount": "1000"},
            "lines[0].item",
            "A total value commitment covers whatever the customer buys: its lines name no item.",
        ),
        (
            "total_value",
            {"committed_amount": "1000", "unit_price": "3"},
            "lines[0].unit_price",
            "Under a total value commitment prices come from the price lists: leave the unit price empty.",
        ),
        ("product_quantity", {"committed_quantity": "5", "unit_price": "1"}, "lines[0].item", None),
        (
            "product_quantity",
            {"item": "A", "unit_price": "1"},
            "lines[0].committed_quantity",
            "Enter the quantity the customer commits to.",
        ),
        (
            "product_quantity",
            {"item": "A", "committed_quantity": "5", "committed_amount": "50", "unit_price": "1"},
            "lines[0].committed_amount",
            "A product quantity commitment agreement commits no amount: leave the committed amount empty.",
        ),
        (
            "product_value",
            {"item": "A", "committed_quantity": "5", "committed_amount": "50", "unit_price": "1"},
            "lines[0].committed_quantity",
            "A product value commitment agreement commits no quantity: leave the committed quantity empty.",
        ),
        (
            "none",
            {"item": "A", "committed_amount": "50", "unit_price": "1"},
            "lines[0].committed_amount",
            "A prices only (no commitment) agreement commits no amount: leave the committed amount empty.",
        ),
        ("none", {"item": "A"}, "lines[0].unit_price", "Enter the agreed unit price."),
        (
            "product_quantity",
            {"item": "A", "committed_quantity": "NaN", "unit_price": "1"},
            "lines[0].committed_quantity",
            "'NaN' is not a number.",
        ),
        (
            "none",
            {"item": "A", "unit_price": "1", "discount_percent": "120"},
            "lines[0].discount_percent",
            "Discount must be between 0 and 100 %.",
        ),
        (
            "blanket",
            {"item": "A", "unit_price": "1"},
            "commitment_type",
            "Unknown commitment type 'blanket': choose one of product_quantity, product_value, total_value, none.",
        ),
    ],
)
def test_lines_that_do_not_fit_the_commitment_are_refused_naming_the_field(
    manager, items, commitment_type, line, field, message
):
    # given
    customer = make_customer()
    before = (SalesAgreement.objects.count(), NumberSeries.objects.get(code="sales_agreement").next_value)
    spec = {name: items[value] if name == "item" else D(value) for name, value in line.items()}
    valid_from, valid_to = this_year()

    # when
    with pytest.raises(ValidationFailed) as refused:
        agreement_create(
            customer=customer,
            commitment_type=commitment_type,
            valid_from=valid_from,
            valid_to=valid_to,
            lines=[AgreementLineInput(**spec)],
            by=manager,
        )

    # then
    assert field in refused.value.field_errors
    if message:
        assert refused.value.field_errors[field] == message
    assert (SalesAgreement.objects.count(), NumberSeries.objects.get(code="sales_agreement").next_value) == before


def test_validity_must_not_end_before_it_starts_nor_leave_the_date_window(manager):
    customer = make_customer()
    with pytest.raises(ValidationFailed) as refused:
        agreement_create(
            customer=customer,
            commitment_type="none",
            valid_from=datetime.date(2030, 6, 1),
            valid_to=datetime.date(2030, 5, 31),
            by=manager,
        )
    assert refused.value.field_errors == {
        "valid_to": "An agreement cannot end (2030-05-31) before it starts (2030-06-01)."
    }
    with pytest.raises(ValidationFailed) as refused:
        agreement_create(
            customer=customer,
            commitment_type="none",
            valid_from=datetime.date(1999, 6, 1),
            valid_to=datetime.date(2030, 5, 31),
            by=manager,
        )
    assert refused.value.field_errors == {"valid_from": "Enter a date between 2000-01-01 and 2099-12-31."}
    assert SalesAgreement.objects.count() == 0


def test_an_item_appears_once_per_agreement(manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "1"}], by=manager
    )
    with pytest.raises(ValidationFailed) as refused:
        agreement_line_add(
            agreement=agreement,
            line=AgreementLineInput(item=items["A"], committed_quantity=D("1"), unit_price=D("2")),
            by=manager,
        )
    assert refused.value.field_errors == {
        "item": "Item A-100 is on the agreement once already: change that line instead."
    }


def test_activating_records_v1_and_each_change_while_effective_a_new_version(manager, items):
    # given: an agreement on hold, changed freely (no versions yet)
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "500", "unit_price": "11"}], by=manager
    )
    agreement_line_update(agreement_line=agreement.lines.get(), unit_price=D("10.50"), by=manager)
    assert agreement.versions.count() == 0

    # when: activated
    agreement = agreement_activate(agreement=agreement, by=manager)

    # then: v1 holds the agreement as it became effective
    v1 = agreement.versions.get()
    assert (agreement.state, agreement.version_count, v1.number, v1.created_by) == ("effective", 1, 1, manager)
    assert v1.snapshot["lines"] == [
        {
            "line_no": 10,
            "item": "A-100",
            "committed_quantity": "500",
            "committed_amount": None,
            "unit_price": "10.5",
            "discount_percent": None,
        }
    ]
    assert v1.changes == ["First version: the agreement became effective."]

    # when: changed while effective (a header change, a line change, a new line)
    new_end = agreement.valid_to + datetime.timedelta(days=31)
    agreement_update(agreement=agreement, valid_to=new_end, by=manager)
    agreement_line_update(agreement_line=agreement.lines.get(), unit_price=D("10.00"), by=manager)
    agreement_line_add(
        agreement=agreement,
        line=AgreementLineInput(item=items["B"], committed_quantity=D("20"), unit_price=D("29")),
        by=manager,
    )

    # then: one version per change, each saying what changed
    versions = list(agreement.versions.order_by("number"))
    assert [version.number for version in versions] == [1, 2, 3, 4]
    assert versions[1].changes == [f"Valid to: {agreement.valid_to.isoformat()} → {new_end.isoformat()}"]
    assert versions[2].changes == ["Line 10 (A-100): unit price 10.5 → 10"]
    assert versions[3].changes == ["Line 20 (B-200) added."]
    assert SalesAgreement.objects.get(pk=agreement.pk).version_count == 4

    # when: the same value again changes nothing, so no version
    agreement_update(agreement=agreement, valid_to=new_end, by=manager)
    assert agreement.versions.count() == 4


def test_reactivating_after_a_hold_records_a_version_only_when_changed(manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], effective=True, by=manager
    )
    agreement_hold(agreement=agreement, reason="Price talks", by=manager)
    agreement_activate(agreement=agreement, by=manager)
    assert agreement.versions.count() == 1

    agreement_hold(agreement=agreement, by=manager)
    agreement_update(agreement=agreement, default_discount_percent=D("3"), by=manager)
    assert agreement.versions.count() == 1
    agreement_activate(agreement=agreement, by=manager)
    assert list(agreement.versions.order_by("number").values_list("changes", flat=True))[1] == [
        "Default discount %: 0 → 3"
    ]
    assert StateLog.objects.for_(agreement).filter(transition="hold").first().description == "Price talks"


def test_versions_are_guarded_by_the_database(manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], effective=True, by=manager
    )
    version = agreement.versions.get()
    for statement in (
        f"UPDATE salesapp_salesagreementversion SET changes = '[]' WHERE id = {version.pk}",
        f"DELETE FROM salesapp_salesagreementversion WHERE id = {version.pk}",
    ):
        with pytest.raises(DatabaseError, match="frozen as recorded"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)
    assert SalesAgreementVersion.objects.get(pk=version.pk).changes == [
        "First version: the agreement became effective."
    ]


def test_customer_commitment_and_currency_change_only_on_hold(manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], effective=True, by=manager
    )
    before = snapshot(agreement)
    with pytest.raises(TransitionRefused) as refused:
        agreement_update(agreement=agreement, commitment_type="none", by=manager)
    assert refused.value.reason == (
        f"Agreement {agreement.number} is Effective: its customer, commitment type and currency change only on hold."
    )
    assert snapshot(agreement) == before


def test_changing_the_commitment_type_on_hold_needs_lines_that_fit(manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], by=manager
    )
    with pytest.raises(ValidationFailed) as refused:
        agreement_update(agreement=agreement, commitment_type="product_value", by=manager)
    assert refused.value.field_errors == {
        "commitment_type": "Line 10 does not fit a product value commitment agreement: "
        "A product value commitment agreement commits no quantity: leave the committed quantity empty."
    }
    assert SalesAgreement.objects.get(pk=agreement.pk).commitment_type == "product_quantity"

    # when: without the line that does not fit, the type changes
    agreement_line_remove(agreement_line=agreement.lines.get(), by=manager)
    agreement_update(agreement=agreement, commitment_type="product_value", by=manager)
    assert SalesAgreement.objects.get(pk=agreement.pk).commitment_type == "product_value"


@pytest.mark.parametrize(
    "service, start, reason",
    [
        (agreement_hold, "on_hold", "only an effective agreement can be put on hold."),
        (agreement_close, "on_hold", "only an effective agreement can be closed."),
        (agreement_cancel, "effective", "only an agreement on hold can be canceled."),
        (agreement_activate, "effective", "only an agreement on hold can be activated."),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(manager, items, service, start, reason):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}],
        effective=start == "effective",
        by=manager,
    )
    before = snapshot(agreement)
    with pytest.raises(TransitionRefused) as refused:
        service(agreement=agreement, by=manager)
    assert refused.value.reason.endswith(reason)
    assert snapshot(agreement) == before


def test_an_agreement_without_lines_or_already_ended_is_not_activated(manager, items):
    empty = make_sales_agreement(commitment_type="none", by=manager)
    with pytest.raises(TransitionRefused) as refused:
        agreement_activate(agreement=empty, by=manager)
    assert refused.value.reason == "Add at least one line before activating the agreement."
    ended = make_sales_agreement(
        commitment_type="none",
        lines=[{"item": items["A"], "unit_price": "1"}],
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2020, 12, 31),
        by=manager,
    )
    with pytest.raises(TransitionRefused) as refused:
        agreement_activate(agreement=ended, by=manager)
    assert refused.value.reason == f"Agreement {ended.number} ended on 2020-12-31: extend its validity first."
    assert SalesAgreement.objects.get(pk=ended.pk).state == "on_hold"


def test_clerks_release_but_do_not_maintain_agreements(clerk, manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], by=manager
    )
    with pytest.raises(ActionForbidden):
        agreement_activate(agreement=agreement, by=clerk)
    assert SalesAgreement.objects.get(pk=agreement.pk).state == AgreementState.ON_HOLD


def test_the_full_lifecycle_is_logged(manager, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], effective=True, by=manager
    )
    agreement_close(agreement=agreement, reason="Contract ended", by=manager)
    other = make_sales_agreement(commitment_type="none", by=manager)
    agreement_cancel(agreement=other, by=manager)
    assert list(StateLog.objects.for_(agreement).order_by("timestamp").values_list("transition", "state", "by")) == [
        ("activate", "effective", manager.pk),
        ("close", "closed", manager.pk),
    ]
    assert SalesAgreement.objects.get(pk=other.pk).state == "canceled"
    lines_before = list(agreement.lines.values_list("pk", "item_id", "committed_quantity"))
    with pytest.raises(TransitionRefused):
        agreement_line_add(
            agreement=agreement,
            line=AgreementLineInput(item=items["B"], committed_quantity=D("1"), unit_price=D("1")),
            by=manager,
        )
    assert list(agreement.lines.values_list("pk", "item_id", "committed_quantity")) == lines_before


def test_a_line_with_released_orders_stays(manager, clerk, items):
    agreement = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "11"}], effective=True, by=manager
    )
    line = agreement.lines.get()
    order = agreement_release(
        agreement=agreement, lines=[(line, D("2"))], requested_ship_date=agreement.valid_to, by=clerk
    )
    with pytest.raises(TransitionRefused) as refused:
        agreement_line_remove(agreement_line=line, by=manager)
    assert refused.value.reason == (
        f"Line 10 has orders released from it ({order.number}): it stays on the agreement, its fulfilment is "
        "read from them."
    )
    assert SalesAgreementLine.objects.filter(pk=line.pk).exists()


def test_only_an_agreement_never_effective_is_deleted(manager, items):
    draft = make_sales_agreement(lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "1"}])
    agreement_delete(agreement=draft, by=manager)
    assert not SalesAgreement.objects.filter(pk=draft.pk).exists()
    used = make_sales_agreement(
        lines=[{"item": items["A"], "committed_quantity": "5", "unit_price": "1"}], effective=True
    )
    agreement_hold(agreement=used, by=manager)
    with pytest.raises(TransitionRefused):
        agreement_delete(agreement=used, by=manager)
    assert SalesAgreement.objects.filter(pk=used.pk).exists()

"""A small demo-like data set for API-wide tests, so generated requests reach real rows and code paths:
customers, items, a confirmed order, a partly delivered one with its posted invoice, and a payment."""

from decimal import Decimal

from core import roles
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import confirmed_order, posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer
from tests.factories.users import builder, user_with_role


def api_data_seed() -> None:
    by = builder()
    billing = user_with_role(roles.BILLING_CLERK, username="seed_billing")
    fabrikam = make_customer(party=PartyFactory(name="Fabrikam"))
    confirmed_order(by=by, customer=make_customer(party=PartyFactory(name="Contoso")))
    invoice = posted_slip_invoice(by=by, post_by=billing, customer=fabrikam)
    payment_register(
        customer=fabrikam,
        amount=Decimal("100.00"),
        applications=[ApplicationInput(invoice=invoice, amount=Decimal("100.00"))],
        by=billing,
    )

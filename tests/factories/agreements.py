import datetime
from decimal import Decimal

from django.utils import timezone

from salesapp.services.agreements import AgreementLineInput, agreement_activate, agreement_create
from tests.factories.salesapp import make_customer
from tests.factories.users import builder


def this_year() -> tuple[datetime.date, datetime.date]:
    """A validity from a month ago to eleven months ahead: today and the coming weeks are inside it."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today + datetime.timedelta(days=335)


def make_sales_agreement(
    *, customer=None, commitment_type="product_quantity", lines=(), effective=False, by=None, **fields
):
    """An agreement through the service; ``lines`` as dicts of ``AgreementLineInput`` fields (numbers as
    strings are made Decimals). ``effective`` activates it (v1)."""
    by = by or builder()
    valid_from, valid_to = this_year()
    fields.setdefault("valid_from", valid_from)
    fields.setdefault("valid_to", valid_to)
    inputs = [
        AgreementLineInput(
            **{name: Decimal(value) if isinstance(value, str) else value for name, value in spec.items()}
        )
        for spec in lines
    ]
    agreement = agreement_create(
        customer=customer or make_customer(), commitment_type=commitment_type, lines=inputs, by=by, **fields
    )
    if effective:
        agreement = agreement_activate(agreement=agreement, by=by)
    return agreement

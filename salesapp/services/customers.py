from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ActionForbidden, ValidationFailed
from core.events import event_record
from core.numbering import number_take
from marketing.models import Party
from salesapp import events
from salesapp.errors import ErrorCode
from salesapp.models import Customer, CustomerPriceGroup, CustomerTaxGroup
from salesapp.selectors.customer_terms import customer_terms_for
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CUSTOMER_FIELDS = (
    "currency",
    "price_group",
    "tax_group",
    "invoice_monthly",
    "payment_terms_days",
    "credit_limit",
    "approval_threshold",
    "prepayment_required",
    "blocked",
    "blocked_reason",
)
# Set only by roles with salesapp.change_customer_credit (sales manager, billing clerk, administrator): the
# account's fields from its payment terms on.
CREDIT_FIELDS = CUSTOMER_FIELDS[CUSTOMER_FIELDS.index("payment_terms_days") :]
# What a new account's credit terms are when not given.
CREDIT_DEFAULTS = {
    "payment_terms_days": 30,
    "credit_limit": Decimal("0"),
    "approval_threshold": None,
    "prepayment_required": False,
    "blocked": False,
    "blocked_reason": "",
}
CREDIT_PERMISSION = "salesapp.change_customer_credit"


def _credit_guard(*, current: dict, wanted: dict, by: User) -> None:
    """Refuse, naming them, changes to credit terms that ``by`` may not make."""
    changed = [name for name in CREDIT_FIELDS if name in wanted and wanted[name] != current[name]]
    if changed and not by.has_perm(CREDIT_PERMISSION):
        names = ", ".join(str(Customer._meta.get_field(name).verbose_name) for name in changed)
        raise ActionForbidden(
            code=ErrorCode.CUSTOMER_CREDIT_FORBIDDEN,
            reason=gettext("Your role does not allow changing a customer's credit terms: %(fields)s.")
            % {"fields": names},
            field=changed[0],
        )


@transaction.atomic
def customer_create(
    *,
    party: Party,
    by: User,
    currency: str = "EUR",
    price_group: CustomerPriceGroup | None = None,
    tax_group: CustomerTaxGroup | None = None,
    payment_terms_days: int = 30,
    credit_limit: Decimal = Decimal("0"),
    approval_threshold: Decimal | None = None,
    prepayment_required: bool = False,
    blocked: bool = False,
    blocked_reason: str = "",
    invoice_monthly: bool = False,
) -> Customer:
    """Give a party a customer account: from now on it is a customer, no longer a prospect."""
    _credit_guard(
        current=CREDIT_DEFAULTS,
        wanted={
            "payment_terms_days": payment_terms_days,
            "credit_limit": credit_limit,
            "approval_threshold": approval_threshold,
            "prepayment_required": prepayment_required,
            "blocked": blocked,
            "blocked_reason": blocked_reason,
        },
        by=by,
    )
    return _customer_insert(
        Customer(
            party=party,
            created_by=by,
            currency=currency,
            price_group=price_group,
            tax_group=tax_group,
            payment_terms_days=payment_terms_days,
            credit_limit=credit_limit,
            approval_threshold=approval_threshold,
            prepayment_required=prepayment_required,
            blocked=blocked,
            blocked_reason=blocked_reason,
            invoice_monthly=invoice_monthly,
        )
    )


@transaction.atomic
def customer_create_from_template(*, party: Party, by: User, currency: str | None = None) -> Customer:
    """The account a party gets when a sale in ``currency`` makes it a customer (a quotation accepted, an order
    for an opportunity), on the company's customer template with the tax group of where the party is
    (salesapp.selectors.customer_terms). Its payment terms are the company's standing policy, not a credit
    decision of ``by``: whoever may make the sale may open the account."""
    terms = customer_terms_for(party=party, currency=currency)
    return _customer_insert(Customer(party=party, created_by=by, **terms.fields()))


def _customer_insert(customer: Customer) -> Customer:
    if Customer.objects.filter(party=customer.party).exists():
        raise ValidationFailed(
            code=ErrorCode.CUSTOMER_EXISTS,
            field_errors={"party": gettext("%(name)s already has a customer account.") % {"name": customer.party.name}},
        )
    customer.number = "pending"
    model_validated(customer, exclude=["number", "created_by", "party"])
    customer.number = number_take(code="customer")
    customer.save()
    event_record(
        type=events.CUSTOMER_CREATED, subject=customer, by=customer.created_by, data=events.customer_data(customer)
    )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: User, **fields) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _credit_guard(current={name: getattr(customer, name) for name in CREDIT_FIELDS}, wanted=fields, by=by)
    for name, value in fields.items():
        if name not in CUSTOMER_FIELDS:
            raise ValidationFailed(field_errors={name: gettext("This field cannot be changed here.")})
        setattr(customer, name, value)
    if customer.blocked and not customer.blocked_reason:
        raise ValidationFailed(field_errors={"blocked_reason": gettext("Say why the customer is blocked.")})
    model_validated(customer, exclude=["created_by", "party"])
    customer.save()
    event_record(
        type=events.CUSTOMER_CHANGED, subject=customer, by=by, data=events.customer_data(customer, changed=list(fields))
    )
    return customer


@transaction.atomic
def customer_party_move(*, keep: Party, remove: Party, by: User) -> Customer | None:
    """A party merge moves ``remove``'s customer account to ``keep`` (the merge has refused when both have one).
    The account keeps its number and documents; only the party it belongs to changes."""
    customer = Customer.objects.select_for_update().filter(party=remove).first()
    if customer is None:
        return None
    customer.party = keep
    customer.save(update_fields=["party", "updated_at"])
    return customer

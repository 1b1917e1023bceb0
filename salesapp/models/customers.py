"""Customer accounts: the role a party takes when it buys."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from core.money import ZERO, MoneyField
from core.search import trigram_index
from core.transitions import Refusal
from salesapp.choices import Currency


class Customer(AuthoredModel):
    """A customer account on a party: the party stops being a prospect once it has one."""

    party = models.OneToOneField(
        "marketing.Party", verbose_name=_("party"), on_delete=models.PROTECT, related_name="customer"
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    credit_limit = MoneyField(_("credit limit"), validators=[MinValueValidator(ZERO)])
    price_group = models.ForeignKey(
        "salesapp.CustomerPriceGroup",
        verbose_name=_("price group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    tax_group = models.ForeignKey(
        "salesapp.CustomerTaxGroup",
        verbose_name=_("tax group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    # Orders above this total wait for a sales manager's approval; empty: the company's threshold applies.
    approval_threshold = MoneyField(
        _("approval threshold"), null=True, blank=True, default=None, validators=[MinValueValidator(ZERO)]
    )
    # The customer pays before delivery: its confirmed orders are held until a payment covers them.
    prepayment_required = models.BooleanField(_("prepayment required"), default=False)
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("blocked reason"), max_length=200, blank=True)
    # Billed once a month by a packing-slip billing run (one invoice for the month's slips): the run's customer
    # picker starts with these customers.
    invoice_monthly = models.BooleanField(_("invoice monthly"), default=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["number"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [trigram_index("number", name="customer_number_trgm")]
        # Credit terms (limit, payment terms, the block) are billing's and the manager's to set, not a clerk's.
        permissions = [("change_customer_credit", "Can change customer credit terms")]

    def __str__(self):
        return f"{self.number} {self.party.name}"

    @property
    def name(self) -> str:
        return self.party.name


def customer_blocked_refusal(customer: Customer | None) -> str | None:
    """Why nothing new is sold to ``customer`` (an order, its confirmation, a quotation's acceptance, an
    agreement): it is blocked, with the reason; None when it is not (or there is no customer yet: a prospect)."""
    if customer is None or not customer.blocked:
        return None
    return gettext("Customer %(number)s is blocked: %(reason)s.") % {
        "number": customer.number,
        "reason": customer.blocked_reason or gettext("no reason given"),
    }


# The rule of every document transition that sells to its customer (``document.customer``).
CUSTOMER_NOT_BLOCKED = Refusal(
    lambda document: customer_blocked_refusal(document.customer) is None,
    lambda document: customer_blocked_refusal(document.customer),
)

"""The terms a party's customer account starts with when a sale makes the party a customer (a quotation accepted,
an order made for an opportunity): ``settings.SALESFLOW_CUSTOMER_TEMPLATE``, with the tax group chosen by where
the party is, so the account's documents are taxed by the tax determination table from the first line."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from marketing.models import Party
from salesapp.models import CustomerPriceGroup, CustomerTaxGroup

logger = logging.getLogger(__name__)

# Member states of the European Union (ISO 3166 codes): a business there with a VAT number is invoiced with the
# tax reverse-charged; one outside the Union gets an export invoice.
EU_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


@dataclass(frozen=True)
class CustomerTerms:
    currency: str
    payment_terms_days: int
    tax_group: CustomerTaxGroup | None
    price_group: CustomerPriceGroup | None

    def fields(self) -> dict[str, Any]:
        """As keyword arguments of ``customer_create``."""
        return {
            "currency": self.currency,
            "payment_terms_days": self.payment_terms_days,
            "tax_group": self.tax_group,
            "price_group": self.price_group,
        }


def customer_tax_group_code_for(*, party: Party, template: dict | None = None) -> str:
    """The code of the customer tax group the party's place calls for: the company's own country is domestic;
    an EU business with a VAT number is reverse-charged; an EU party without one pays VAT of its own country
    when the template names a group for that country, else the default (the seller's VAT); outside the EU is
    export."""
    template = template or settings.SALESFLOW_CUSTOMER_TEMPLATE
    country = (party.country or "").upper()
    if country == template["home_country"]:
        return template["tax_group_domestic"]
    if country in EU_COUNTRIES:
        if party.vat_number.strip():
            return template["tax_group_eu"]
        return template["tax_group_by_country"].get(country, template["tax_group"])
    return template["tax_group_export"]


def customer_terms_for(*, party: Party, currency: str | None = None) -> CustomerTerms:
    """The template's terms for ``party`` (in ``currency`` when the sale was in one). A tax group code without a
    group falls back to the template's default group; a group the template names but nobody created is left
    empty and logged, so a sale is never refused for it (the clerk can set it on the account later)."""
    template = settings.SALESFLOW_CUSTOMER_TEMPLATE
    wanted = customer_tax_group_code_for(party=party, template=template)
    fallback = template["tax_group"]
    groups = {group.code: group for group in CustomerTaxGroup.objects.filter(code__in={wanted, fallback} - {""})}
    tax_group = groups.get(wanted) or groups.get(fallback)
    if tax_group is None and (wanted or fallback):
        logger.warning("No customer tax group %r (nor the default %r): %s gets none.", wanted, fallback, party)
    price_group = None
    if template["price_group"]:
        price_group = CustomerPriceGroup.objects.filter(code=template["price_group"]).first()
        if price_group is None:
            logger.warning("No customer price group %r: %s gets none.", template["price_group"], party)
    return CustomerTerms(
        currency=currency or template["currency"],
        payment_terms_days=template["payment_terms_days"],
        tax_group=tax_group,
        price_group=price_group,
    )

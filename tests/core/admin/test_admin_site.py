"""Every model of the project is in the admin, and every changelist opens for an administrator."""

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from invoicing.models import BillingRunResult, InvoiceEmail, InvoiceLine, InvoiceTax, JournalLine, PaymentApplication
from salesapp.models import (
    OrderConfirmation,
    PackingSlipLine,
    QuotationEmail,
    QuotationLine,
    QuotationRevisionLine,
    SalesAgreementLine,
    SalesOrderLine,
    ShippingNotice,
    StandardLine,
    SubscriptionPeriodLine,
)

PROJECT_APPS = ("core", "marketing", "salesapp", "invoicing")
# Lines (and a quotation's emails) only make sense on their document's page.
SHOWN_AS_INLINES = {
    SalesOrderLine,
    PackingSlipLine,
    QuotationLine,
    QuotationRevisionLine,
    QuotationEmail,
    OrderConfirmation,
    ShippingNotice,
    InvoiceEmail,
    SalesAgreementLine,
    StandardLine,
    InvoiceLine,
    InvoiceTax,
    JournalLine,
    PaymentApplication,
    SubscriptionPeriodLine,
    BillingRunResult,
}


def project_models() -> list:
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def test_every_project_model_is_registered_or_shown_inline():
    # when
    missing = [
        model._meta.label
        for model in project_models()
        # A model without a table (core.WebAccess only holds a permission) has nothing to show.
        if model._meta.managed and model not in SHOWN_AS_INLINES and not admin.site.is_registered(model)
    ]

    # then
    assert missing == []


def test_admin_index_and_every_changelist_open_for_an_administrator(client, administrator):
    # given
    client.force_login(administrator)
    registered = [model for model in project_models() if admin.site.is_registered(model)]

    # when
    index = client.get(reverse("admin:index"))
    statuses = {
        model._meta.label: client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        ).status_code
        for model in registered
    }

    # then
    assert index.status_code == 200
    assert statuses == {model._meta.label: 200 for model in registered}

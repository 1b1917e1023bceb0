"""The machine codes of invoicing's refusals (DESIGN.md §2.7): every raise site names one of these, and the API's
problem documents and the OpenAPI problem schema list them."""

from django.db import models


class ErrorCode(models.TextChoices):
    BILLING_RUN_INVALID = "billing-run-invalid"
    DRAFT_INVOICE_EXISTS = "draft-invoice-exists"
    EXCHANGE_RATE_INVALID = "exchange-rate-invalid"
    EXCHANGE_RATE_MISSING = "exchange-rate-missing"
    INVOICE_DATE_INVALID = "invoice-date-invalid"
    INVOICE_EMPTY = "invoice-empty"
    INVOICE_EMAIL_NOT_SENDABLE = "invoice-email-not-sendable"
    INVOICE_NOT_PAYABLE = "invoice-not-payable"
    INVOICE_NOT_POSTABLE = "invoice-not-postable"
    INVOICE_NOT_CANCELABLE = "invoice-not-cancelable"
    INVOICE_NOT_CREDITABLE = "invoice-not-creditable"
    CREDIT_EXCEEDS_REMAINDER = "credit-exceeds-remainder"
    INVOICE_NOT_RETURNABLE = "invoice-not-returnable"
    INVOICE_POSTED = "invoice-posted"
    JOURNAL_UNBALANCED = "journal-unbalanced"
    NOTHING_TO_INVOICE = "nothing-to-invoice"
    ORDER_NOT_INVOICEABLE = "order-not-invoiceable"
    PAYMENT_INVALID = "payment-invalid"
    PAYMENT_NOT_APPLICABLE = "payment-not-applicable"
    APPLICATION_NOT_UNAPPLIABLE = "application-not-unappliable"
    SET_OFF_INVALID = "set-off-invalid"
    STATEMENT_INVALID = "statement-invalid"
    POSTING_SETUP_MISSING = "posting-setup-missing"
    QUOTATION_NOT_INVOICEABLE = "quotation-not-invoiceable"
    INVOICE_NOT_FREE_TEXT = "invoice-not-free-text"
    SLIP_LINE_ON_DRAFT = "slip-line-on-draft"

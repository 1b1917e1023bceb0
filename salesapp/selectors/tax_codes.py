"""Reads of the tax codes."""

from django.db.models import QuerySet

from salesapp.models import TaxCode


def tax_code_list() -> QuerySet[TaxCode]:
    return TaxCode.objects.order_by("code")

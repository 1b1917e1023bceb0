"""Reads of payments."""

from django.db.models import Q, QuerySet

from invoicing.models import Payment


def payment_list(*, search: str = "", customer_id: int | None = None) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("customer__party")
    if search:
        payments = payments.filter(
            Q(number__icontains=search) | Q(reference__icontains=search) | Q(customer__party__name__icontains=search)
        )
    if customer_id:
        payments = payments.filter(customer_id=customer_id)
    return payments.order_by("-id")

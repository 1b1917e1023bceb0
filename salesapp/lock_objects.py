"""Row locks, always taken in the same order: order → lines → packing slip (DESIGN.md §2.4)."""

from salesapp.models import PackingSlip, SalesOrder, SalesOrderLine


def lock_order(order_id: int) -> SalesOrder:
    return SalesOrder.objects.select_for_update(of=("self",)).select_related("customer__party").get(pk=order_id)


def lock_order_lines(order: SalesOrder) -> dict[int, SalesOrderLine]:
    # Item and tax code come along (not locked): posting and invoicing read them for every line.
    lines = (
        SalesOrderLine.objects.select_for_update(of=("self",))
        .select_related("item", "tax_code")
        .filter(order=order)
        .order_by("line_no")
    )
    return {line.pk: line for line in lines}


def lock_packing_slip(packing_slip_id: int) -> PackingSlip:
    return PackingSlip.objects.select_for_update().get(pk=packing_slip_id)

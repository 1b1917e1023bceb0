from salesapp.models.catalog import Customer, Item, TaxCode
from salesapp.models.orders import SalesOrder, SalesOrderLine
from salesapp.models.packing_slips import PackingSlip, PackingSlipLine

__all__ = ["Customer", "Item", "TaxCode", "SalesOrder", "SalesOrderLine", "PackingSlip", "PackingSlipLine"]

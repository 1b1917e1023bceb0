from salesapp.models.approvals import OrderApprovalDecision
from salesapp.models.customers import Customer
from salesapp.models.items import Item
from salesapp.models.orders import SalesOrder, SalesOrderLine
from salesapp.models.packing_slips import PackingSlip, PackingSlipLine
from salesapp.models.pricing import (
    CustomerPriceGroup,
    CustomerTaxGroup,
    ItemGroup,
    ItemTaxGroup,
    TaxDetermination,
    TradeAgreementLine,
)
from salesapp.models.quotations import (
    Quotation,
    QuotationEmail,
    QuotationLine,
    QuotationRevision,
    QuotationRevisionLine,
)
from salesapp.models.suggestions import ProductRelation, StandardLine, StandardLineSet, SuggestionEvent
from salesapp.models.tax_codes import TaxCode

__all__ = [
    "Customer",
    "Item",
    "TaxCode",
    "SalesOrder",
    "SalesOrderLine",
    "OrderApprovalDecision",
    "PackingSlip",
    "PackingSlipLine",
    "CustomerPriceGroup",
    "CustomerTaxGroup",
    "ItemGroup",
    "ItemTaxGroup",
    "TaxDetermination",
    "TradeAgreementLine",
    "Quotation",
    "QuotationLine",
    "QuotationRevision",
    "QuotationRevisionLine",
    "QuotationEmail",
    "ProductRelation",
    "SuggestionEvent",
    "StandardLineSet",
    "StandardLine",
]

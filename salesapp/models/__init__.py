from salesapp.models.agreements import SalesAgreement, SalesAgreementLine, SalesAgreementVersion
from salesapp.models.approvals import OrderApprovalDecision
from salesapp.models.backorders import BackorderNotice
from salesapp.models.customers import Customer
from salesapp.models.items import Item
from salesapp.models.order_confirmations import OrderConfirmation
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
from salesapp.models.stock import InboundSupplyLine, StockMove
from salesapp.models.subscriptions import SubscriptionPeriod, SubscriptionPeriodLine
from salesapp.models.suggestions import ProductRelation, StandardLine, StandardLineSet, SuggestionEvent
from salesapp.models.tax_codes import TaxCode

__all__ = [
    "BackorderNotice",
    "InboundSupplyLine",
    "StockMove",
    "SalesAgreement",
    "SalesAgreementLine",
    "SalesAgreementVersion",
    "Customer",
    "Item",
    "TaxCode",
    "SalesOrder",
    "SalesOrderLine",
    "OrderConfirmation",
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
    "SubscriptionPeriod",
    "SubscriptionPeriodLine",
]

"""The actions sales pages offer besides the documents' transitions, on sales documents and on marketing's
opportunities (core.extensions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import extensions
from core.extensions import DocumentAction
from core.transitions import Refusal
from marketing.choices import Response
from marketing.models import Opportunity
from salesapp.choices import OrderState, PackingSlipState
from salesapp.models import Quotation, SalesOrder
from salesapp.order_types import policy_for

_ships = Refusal(lambda order: not policy_for(order.order_type).receives, "", shown=False)
_receives = Refusal(lambda order: policy_for(order.order_type).receives, "", shown=False)


def register() -> None:
    for action in (
        DocumentAction(
            model="salesapp.salesorder",
            name="deliver",
            label=_("Create packing slip"),
            url=lambda order: reverse("salesapp:packing_slip_create") + f"?order={order.pk}",
            permissions=("salesapp.add_packingslip",),
            rules=(_ships, *SalesOrder.DELIVER_RULES),
            order=20,
        ),
        # A returned order's slip is a return receipt: the same document, taking goods back.
        DocumentAction(
            model="salesapp.salesorder",
            name="receive",
            label=_("Receive returned goods"),
            url=lambda order: reverse("salesapp:packing_slip_create") + f"?order={order.pk}",
            permissions=("salesapp.add_packingslip",),
            rules=(_receives, *SalesOrder.DELIVER_RULES),
            order=20,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="return",
            label=_("Return goods"),
            url=lambda order: reverse("salesapp:returned_order_create", args=[order.pk]),
            permissions=("salesapp.add_salesorder",),
            rules=SalesOrder.RETURN_RULES,
            secondary=True,
            order=88,
            permitted_only=True,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="change_type",
            label=_("Change type"),
            url=lambda order: reverse("salesapp:order_change_type", args=[order.pk]),
            permissions=("salesapp.change_salesorder",),
            # An open order changes its type in the header form.
            rules=(Refusal(lambda order: order.state == OrderState.CONFIRMED, "", shown=False),),
            method="page",
            template="salesapp/includes/order_change_type_form.html",
            secondary=True,
            order=92,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="copy",
            label=_("Copy into a new order"),
            url=lambda order: reverse("salesapp:order_copy", args=[order.pk]),
            permissions=("salesapp.add_salesorder",),
            method="post",
            secondary=True,
            order=95,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="confirmation_pdf",
            label=_("Confirmation PDF"),
            url=lambda order: reverse("salesapp:order_confirmation_pdf", args=[order.pk]),
            permissions=("salesapp.view_salesorder",),
            rules=SalesOrder.CONFIRMATION_RULES,
            secondary=True,
            order=60,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="send_confirmation",
            label=_("Send confirmation"),
            url=lambda order: reverse("salesapp:order_confirmation_send", args=[order.pk]),
            permissions=("salesapp.send_orderconfirmation",),
            rules=SalesOrder.CONFIRMATION_RULES,
            method="page",
            template="salesapp/includes/order_confirmation_form.html",
            order=30,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="close_remainder",
            label=_("Close remainder"),
            url=lambda order: reverse("salesapp:order_close_remainder", args=[order.pk]),
            permissions=("salesapp.close_remainder_salesorder",),
            rules=SalesOrder.CLOSE_REMAINDER_RULES,
            method="post",
            confirm=_("Close the undelivered remainder of every line? It will no longer be delivered."),
            reason_label=_("Why is the remainder closed?"),
            reason_required=True,
            secondary=True,
            order=85,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="hold",
            label=_("Put on hold"),
            url=lambda order: reverse("salesapp:order_hold", args=[order.pk]),
            permissions=("salesapp.hold_salesorder",),
            rules=SalesOrder.HOLD_RULES,
            method="page",
            template="salesapp/includes/order_hold_form.html",
            order=80,
            permitted_only=True,
        ),
        DocumentAction(
            model="salesapp.salesorder",
            name="release_hold",
            label=_("Release hold"),
            url=lambda order: reverse("salesapp:order_release_hold", args=[order.pk]),
            permissions=("salesapp.hold_salesorder",),
            rules=(Refusal(lambda order: order.on_hold, "", shown=False),),
            method="post",
            order=15,
            permitted_only=True,
        ),
        DocumentAction(
            model="salesapp.packingslip",
            name="delete",
            label=_("Delete draft"),
            url=lambda slip: reverse("salesapp:packing_slip_delete", args=[slip.pk]),
            permissions=("salesapp.delete_packingslip",),
            rules=(
                Refusal(
                    lambda slip: slip.state == PackingSlipState.DRAFT,
                    _("A posted packing slip cannot be deleted."),
                    shown=False,
                ),
            ),
            method="post",
            confirm=_("Delete this draft packing slip?"),
            order=90,
        ),
        DocumentAction(
            model="salesapp.packingslip",
            name="pdf",
            label=_("Delivery note (PDF)"),
            url=lambda slip: reverse("salesapp:packing_slip_pdf", args=[slip.pk]),
            permissions=("salesapp.view_packingslip",),
            rules=(Refusal(lambda slip: slip.state != PackingSlipState.DRAFT, "", shown=False),),
            secondary=True,
            order=60,
        ),
        DocumentAction(
            model="salesapp.packingslip",
            name="notify",
            label=_("Send shipping notice"),
            url=lambda slip: reverse("salesapp:packing_slip_notify", args=[slip.pk]),
            permissions=("salesapp.send_shippingnotice",),
            rules=(
                Refusal(lambda slip: slip.state == PackingSlipState.POSTED, "", shown=False),
                Refusal(lambda slip: not slip.is_return_receipt, "", shown=False),
            ),
            method="post",
            secondary=True,
            order=65,
        ),
        DocumentAction(
            model="marketing.opportunity",
            name="order",
            label=_("Create sales order"),
            url=lambda opportunity: reverse("salesapp:order_create_for_opportunity", args=[opportunity.pk]),
            permissions=("salesapp.add_salesorder",),
            rules=Opportunity.EDIT_RULES,
            method="post",
            order=8,
        ),
        DocumentAction(
            model="marketing.opportunity",
            name="quotation",
            label=_("Create quotation"),
            url=lambda opportunity: reverse("salesapp:quotation_create_for_opportunity", args=[opportunity.pk]),
            permissions=("salesapp.add_quotation",),
            rules=Opportunity.EDIT_RULES,
            method="post",
            order=7,
        ),
        DocumentAction(
            model="marketing.campaigntarget",
            name="quotation",
            label=_("Create quotation"),
            url=lambda target: reverse("salesapp:quotation_create_for_response", args=[target.pk]),
            permissions=("salesapp.add_quotation",),
            rules=(
                Refusal(lambda target: target.response == Response.POSITIVE, "", shown=False),
                Refusal(
                    lambda target: target.party_id or target.created_opportunity_id,
                    lambda target: (
                        gettext("%(name)s is a lead without a party yet: create an opportunity for it first.")
                        % {"name": target.name}
                    ),
                ),
            ),
            method="post",
            order=10,
        ),
        DocumentAction(
            model="salesapp.quotation",
            name="pdf",
            label=_("PDF"),
            url=lambda quotation: reverse("salesapp:quotation_pdf", args=[quotation.pk]),
            permissions=("salesapp.view_quotation",),
            secondary=True,
            order=60,
        ),
        DocumentAction(
            model="salesapp.quotation",
            name="email",
            label=_("Send by email"),
            url=lambda quotation: reverse("salesapp:quotation_email", args=[quotation.pk]),
            permissions=("salesapp.send_quotation",),
            rules=(*Quotation.EMAIL_RULES, *Quotation.EMAIL_RECIPIENT_RULES),
            method="page",
            template="salesapp/includes/quotation_email_form.html",
            order=25,
        ),
        DocumentAction(
            model="salesapp.quotation",
            name="copy",
            label=_("Copy into a new draft"),
            url=lambda quotation: reverse("salesapp:quotation_copy", args=[quotation.pk]),
            permissions=("salesapp.add_quotation",),
            method="post",
            secondary=True,
            order=70,
        ),
        DocumentAction(
            model="salesapp.quotation",
            name="edit",
            label=_("Edit header"),
            url=lambda quotation: reverse("salesapp:quotation_update", args=[quotation.pk]),
            permissions=("salesapp.change_quotation",),
            rules=Quotation.EDIT_RULES,
            secondary=True,
            order=40,
        ),
    ):
        extensions.register_document_action(action)

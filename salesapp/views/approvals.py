"""The approvals queue: orders waiting for a sales manager, with the figures the decision needs."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.web import paginate, permission
from salesapp.selectors.approvals import approvals_pending, approvals_with_exposure


@permission("salesapp.approve_salesorder")
@require_GET
def approval_queue(request):
    page_obj = paginate(request, approvals_pending())
    orders = approvals_with_exposure(list(page_obj.object_list), viewer=request.user)
    return render(request, "salesapp/approval_queue.html", {"page_obj": page_obj, "orders": orders})

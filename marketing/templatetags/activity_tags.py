"""What pages showing activities need to know about one: whether it is overdue."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def activity_overdue(activity) -> bool:
    """An open activity past its due time. Rows from ``followups_for`` already know (annotated ``is_overdue``);
    rows fetched elsewhere are checked against the clock."""
    annotated = getattr(activity, "is_overdue", None)
    if annotated is not None:
        return bool(annotated)
    return not activity.done and activity.due_at is not None and activity.due_at < timezone.now()

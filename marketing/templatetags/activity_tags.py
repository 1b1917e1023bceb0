"""What pages showing activities need to know about one: whether it is overdue."""

from django import template

from marketing.selectors.activities import activity_is_overdue

register = template.Library()


@register.filter
def activity_overdue(activity) -> bool:
    """An open activity past its due time (see ``activity_is_overdue``)."""
    return activity_is_overdue(activity)

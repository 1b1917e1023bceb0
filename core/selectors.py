from django.contrib.contenttypes.models import ContentType
from django_fsm_log.models import StateLog


def transition_log_for(obj) -> list[StateLog]:
    """Every recorded state change of one document, newest first (its timeline)."""
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        StateLog.objects.filter(content_type=content_type, object_id=obj.pk)
        .select_related("by", "content_type")
        .order_by("-timestamp", "-pk")
    )

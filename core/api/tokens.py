from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

from core.errors import ErrorCode, ValidationFailed


@transaction.atomic
def api_token_issue(*, user: User, rotate: bool = False) -> Token:
    """The user's API token: the existing one, or a new one when there is none or ``rotate`` is set.

    Rotating invalidates the old key at once; integrations using it get 401 from then on."""
    if not user.is_active:
        reason = f"User {user.get_username()} is inactive."
        raise ValidationFailed(code=ErrorCode.USER_INACTIVE, reason=reason, field_errors={"user": reason})
    if rotate:
        Token.objects.filter(user=user).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token

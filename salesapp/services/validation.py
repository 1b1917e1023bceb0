from django.core.exceptions import ValidationError

from core.errors import ValidationFailed


def model_validated(instance, *, exclude=None):
    """full_clean() with the field-named error our interfaces show (a failed check changes nothing)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed(field_errors={k: " ".join(v) for k, v in exc.message_dict.items()}) from exc
    return instance

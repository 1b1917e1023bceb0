from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from marketing.models import Party

PARTY_FIELDS = (
    "kind",
    "name",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "country",
    "language",
    "vat_number",
)


def _validated(party: Party) -> Party:
    party.name = (party.name or "").strip()
    party.country = (party.country or "").strip().upper()
    if not party.name:
        raise ValidationFailed(field_errors={"name": gettext("A party needs a name.")})
    if len(party.country) != 2:
        raise ValidationFailed(field_errors={"country": gettext("Use a two-letter ISO country code, e.g. NL.")})
    try:
        party.full_clean(exclude=["created_by"])
    except Exception as exc:  # Django's ValidationError → our field-named error
        errors = getattr(exc, "message_dict", None)
        if errors:
            raise ValidationFailed(field_errors={k: " ".join(v) for k, v in errors.items()}) from exc
        raise
    return party


@transaction.atomic
def party_create(*, by=None, **fields) -> Party:
    unknown = set(fields) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})
    party = _validated(Party(created_by=by, **fields))
    party.save()
    return party


@transaction.atomic
def party_update(*, party: Party, by=None, **fields) -> Party:
    party = Party.objects.select_for_update().get(pk=party.pk)
    for name, value in fields.items():
        if name not in PARTY_FIELDS:
            raise ValidationFailed(field_errors={name: gettext("Unknown field.")})
        setattr(party, name, value)
    _validated(party).save()
    return party

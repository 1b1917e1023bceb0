"""Parties and what belongs to them: contact persons, addresses by purpose and tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Lower
from django.utils.translation import gettext, ngettext

from core.errors import TransitionRefused, ValidationFailed
from marketing.choices import AddressPurpose
from marketing.countries import country_checked, country_language
from marketing.errors import ErrorCode
from marketing.lock_objects import lock_party
from marketing.models import Address, Contact, Party, Tag
from marketing.selectors.parties import party_duplicates, squeezed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
CONTACT_FIELDS = ("name", "job_title", "email", "phone", "is_primary")
ADDRESS_FIELDS = ("purpose", "name", "street", "postcode", "city", "country", "is_default")
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


class PartyDuplicates(ValidationFailed):
    """The party looks like one that exists already; ``duplicates`` are the parties it resembles."""

    def __init__(self, *, duplicates: list[Party], field_errors: dict[str, str], reason: str):
        super().__init__(code=ErrorCode.PARTY_DUPLICATE, reason=reason, field_errors=field_errors)
        self.duplicates = duplicates


def _field_errors(exc: ValidationError) -> dict[str, str]:
    return {name: " ".join(messages) for name, messages in exc.message_dict.items()}


def _full_clean(instance: models.Model, *, exclude: list[str]) -> None:
    """Django's field checks (lengths, email syntax, choices) as our field-named refusal. Constraints on
    primary contacts and default addresses are kept by the services themselves, so they are not checked here."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed(field_errors=_field_errors(exc)) from exc


def _unknown_fields(fields: Mapping, allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})


def _prefixed(exc: ValidationFailed, prefix: str) -> ValidationFailed:
    return ValidationFailed(
        code=exc.code, field_errors={f"{prefix}.{name}": message for name, message in exc.field_errors.items()}
    )


# Parties


def _validated(party: Party) -> Party:
    party.name = (party.name or "").strip()
    party.email = (party.email or "").strip()
    errors: dict[str, str] = {}
    if not party.name:
        errors["name"] = gettext("A party needs a name.")
    party.country = country_checked(party.country, errors)
    if not party.language and "country" not in errors:
        party.language = country_language(party.country)
    if errors:
        raise ValidationFailed(field_errors=errors)
    _full_clean(party, exclude=["created_by", "tags"])
    return party


def _duplicates_refused(party: Party) -> None:
    duplicates = list(
        party_duplicates(name=party.name, email=party.email, postcode=party.postcode, exclude_pk=party.pk)
    )
    if not duplicates:
        return
    named = ", ".join(f"{duplicate.name} ({duplicate.pk})" for duplicate in duplicates)
    same_email = [d for d in duplicates if party.email and d.email.lower() == party.email.lower()]
    same_name = [d for d in duplicates if d not in same_email]
    field_errors = {}
    if same_email:
        field_errors["email"] = ngettext(
            "%(parties)s has the same email.", "%(parties)s have the same email.", len(same_email)
        ) % {"parties": ", ".join(d.name for d in same_email)}
    if same_name:
        identical = all(squeezed(d.name) == squeezed(party.name) for d in same_name) and all(
            squeezed(d.postcode) == squeezed(party.postcode) for d in same_name
        )
        if identical:
            message = ngettext(
                "%(parties)s has the same name and postcode.",
                "%(parties)s have the same name and postcode.",
                len(same_name),
            )
        else:
            message = ngettext(
                "%(parties)s has a name like this one.", "%(parties)s have a name like this one.", len(same_name)
            )
        field_errors["name"] = message % {"parties": ", ".join(d.name for d in same_name)}
    reason = gettext(
        "This party may exist already: %(parties)s. Check, or confirm that it is a different party to create it anyway."
    ) % {"parties": named}
    raise PartyDuplicates(duplicates=duplicates, field_errors=field_errors, reason=reason)


@transaction.atomic
def party_create(
    *,
    by: User,
    allow_duplicate: bool = False,
    tags: Iterable[str] = (),
    contacts: Iterable[Mapping] = (),
    addresses: Iterable[Mapping] = (),
    **fields,
) -> Party:
    """Create a party with its contact persons, addresses and tags. A party that looks like an existing one
    (same email, or a name like it where the postcodes do not differ: ``party_duplicates``) is refused unless
    ``allow_duplicate``."""
    _unknown_fields(fields, PARTY_FIELDS)
    # No language given (or left empty) means: the country's, decided in _validated once the country is clean.
    party = _validated(Party(created_by=by, **{"language": "", **fields}))
    if not allow_duplicate:
        _duplicates_refused(party)
    party.save()
    for index, data in enumerate(contacts):
        try:
            contact_create(party=party, by=by, **data)
        except ValidationFailed as exc:
            raise _prefixed(exc, f"contacts[{index}]") from exc
    for index, data in enumerate(addresses):
        try:
            address_create(party=party, by=by, **data)
        except ValidationFailed as exc:
            raise _prefixed(exc, f"addresses[{index}]") from exc
    if tags:
        party_tags_set(party=party, tags=tags, by=by)
    return party


@transaction.atomic
def party_update(*, party: Party, by: User, tags: Iterable[str] | None = None, **fields) -> Party:
    """Change a party's own fields and, when ``tags`` is given, replace its tags."""
    _unknown_fields(fields, PARTY_FIELDS)
    party = lock_party(party.pk)
    for name, value in fields.items():
        setattr(party, name, value)
    _validated(party).save()
    if tags is not None:
        party_tags_set(party=party, tags=tags, by=by)
    return party


@transaction.atomic
def party_delete(*, party: Party, by: User) -> Party:
    """Delete a party nothing else refers to; one that is in use is merged into another party instead."""
    party = lock_party(party.pk)
    try:
        party.delete()
    except (ProtectedError, RestrictedError) as exc:
        blocking = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        in_use = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
        raise TransitionRefused(
            code=ErrorCode.PARTY_IN_USE,
            reason=gettext("%(name)s is still used (%(uses)s): merge it into another party instead of deleting it.")
            % {"name": party.name, "uses": ", ".join(in_use)},
        ) from exc
    return party


# Tags


def _tag_name_cleaned(name: str) -> str:
    # Clerks type tags freely; "vip", " VIP " and "V I P"-style double spaces should not become three tags.
    return " ".join((name or "").split())


def _tag_names_checked(names: Iterable[str]) -> list[str]:
    wanted: dict[str, str] = {}
    for raw in names:
        name = _tag_name_cleaned(raw)
        if not name:
            continue
        if len(name) > TAG_NAME_MAX_LENGTH:
            raise ValidationFailed(
                field_errors={
                    "tags": gettext("Tag '%(name)s' is too long: use at most %(max)d characters.")
                    % {"name": name, "max": TAG_NAME_MAX_LENGTH}
                }
            )
        wanted.setdefault(name.lower(), name)
    return list(wanted.values())


def tags_resolved(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, matched ignoring case; names not known yet become new tags."""
    wanted = _tag_names_checked(names)
    if not wanted:
        return []
    lowered = [name.lower() for name in wanted]
    existing = {
        tag.name.lower(): tag for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered)
    }
    missing = [Tag(name=name) for name in wanted if name.lower() not in existing]
    if missing:
        # A tag created by someone else at the same moment is fine: the re-read below finds it.
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {
            tag.name.lower(): tag for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered)
        }
    return [existing[name] for name in lowered if name in existing]


@transaction.atomic
def party_tags_set(*, party: Party, tags: Iterable[str], by: User) -> Party:
    """Replace the party's tags by these names; a name no tag has yet creates the tag."""
    party = lock_party(party.pk)
    party.tags.set(tags_resolved(tags))
    return party


@transaction.atomic
def tag_create(*, name: str, by: User) -> Tag:
    cleaned = _tag_names_checked([name])
    if not cleaned:
        raise ValidationFailed(field_errors={"name": gettext("A tag needs a name.")})
    if Tag.objects.filter(name__iexact=cleaned[0]).exists():
        raise ValidationFailed(field_errors={"name": gettext("Tag '%(name)s' exists already.") % {"name": cleaned[0]}})
    return Tag.objects.create(name=cleaned[0])


@transaction.atomic
def tag_rename(*, tag: Tag, name: str, by: User) -> Tag:
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    cleaned = _tag_names_checked([name])
    if not cleaned:
        raise ValidationFailed(field_errors={"name": gettext("A tag needs a name.")})
    if Tag.objects.filter(name__iexact=cleaned[0]).exclude(pk=tag.pk).exists():
        raise ValidationFailed(field_errors={"name": gettext("Tag '%(name)s' exists already.") % {"name": cleaned[0]}})
    tag.name = cleaned[0]
    tag.save(update_fields=["name"])
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag, by: User) -> Tag:
    """Remove a tag from every party that has it, then the tag itself."""
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    tag.delete()
    return tag


# Contact persons


def _contact_validated(contact: Contact) -> Contact:
    contact.name = (contact.name or "").strip()
    contact.job_title = (contact.job_title or "").strip()
    contact.email = (contact.email or "").strip()
    contact.phone = (contact.phone or "").strip()
    if not contact.name:
        raise ValidationFailed(field_errors={"name": gettext("A contact person needs a name.")})
    _full_clean(contact, exclude=["party"])
    return contact


def _primary_settled(contact: Contact) -> None:
    """One primary contact per party: making this one primary un-primaries the other, and a party's first
    contact is its primary one (there is always someone to ask for)."""
    others = Contact.objects.filter(party_id=contact.party_id).exclude(pk=contact.pk)
    if contact.is_primary:
        others.filter(is_primary=True).update(is_primary=False)
    elif not others.filter(is_primary=True).exists():
        contact.is_primary = True


@transaction.atomic
def contact_create(
    *,
    party: Party,
    by: User,
    name: str,
    job_title: str = "",
    email: str = "",
    phone: str = "",
    is_primary: bool = False,
) -> Contact:
    party = lock_party(party.pk)
    contact = _contact_validated(
        Contact(party=party, name=name, job_title=job_title, email=email, phone=phone, is_primary=bool(is_primary))
    )
    _primary_settled(contact)
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: User, **fields) -> Contact:
    _unknown_fields(fields, CONTACT_FIELDS)
    lock_party(contact.party_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    was_primary = contact.is_primary
    for name, value in fields.items():
        setattr(contact, name, value)
    _contact_validated(contact)
    if was_primary and not contact.is_primary:
        raise ValidationFailed(
            field_errors={
                "is_primary": gettext("%(name)s is the primary contact: make another contact primary instead.")
                % {"name": contact.name}
            }
        )
    _primary_settled(contact)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: User) -> Contact:
    """Delete a contact person; when it was the primary one, the next contact (by name) takes over."""
    lock_party(contact.party_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact.delete()
    if contact.is_primary:
        successor = Contact.objects.filter(party_id=contact.party_id).order_by("name", "id").first()
        if successor is not None:
            Contact.objects.filter(pk=successor.pk).update(is_primary=True)
    return contact


# Addresses


def _address_validated(address: Address) -> Address:
    for name in ("name", "street", "postcode", "city"):
        setattr(address, name, (getattr(address, name) or "").strip())
    errors: dict[str, str] = {}
    if address.purpose not in AddressPurpose.values:
        errors["purpose"] = gettext("Choose invoice, delivery or visit.")
    if not address.street:
        errors["street"] = gettext("An address needs a street.")
    if not address.city:
        errors["city"] = gettext("An address needs a city.")
    address.country = country_checked(address.country, errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    _full_clean(address, exclude=["party"])
    return address


def _default_settled(address: Address) -> None:
    """One default address per purpose: making this one the default un-defaults the other, and the first
    address of a purpose is its default."""
    others = Address.objects.filter(party_id=address.party_id, purpose=address.purpose).exclude(pk=address.pk)
    if address.is_default:
        others.filter(is_default=True).update(is_default=False)
    elif not others.filter(is_default=True).exists():
        address.is_default = True


def _next_default(party_id: int, purpose: str) -> None:
    if Address.objects.filter(party_id=party_id, purpose=purpose, is_default=True).exists():
        return
    successor = Address.objects.filter(party_id=party_id, purpose=purpose).order_by("id").first()
    if successor is not None:
        Address.objects.filter(pk=successor.pk).update(is_default=True)


@transaction.atomic
def address_create(
    *,
    party: Party,
    by: User,
    purpose: str,
    street: str,
    city: str,
    country: str,
    postcode: str = "",
    name: str = "",
    is_default: bool = False,
) -> Address:
    party = lock_party(party.pk)
    address = _address_validated(
        Address(
            party=party,
            purpose=purpose,
            name=name,
            street=street,
            postcode=postcode,
            city=city,
            country=country,
            is_default=bool(is_default),
        )
    )
    _default_settled(address)
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, by: User, **fields) -> Address:
    _unknown_fields(fields, ADDRESS_FIELDS)
    lock_party(address.party_id)
    address = Address.objects.select_for_update().get(pk=address.pk)
    was = (address.purpose, address.is_default)
    for name, value in fields.items():
        setattr(address, name, value)
    _address_validated(address)
    if was == (address.purpose, True) and not address.is_default:
        raise ValidationFailed(
            field_errors={
                "is_default": gettext("This is the default %(purpose)s address: make another one the default instead.")
                % {"purpose": address.get_purpose_display().lower()}
            }
        )
    _default_settled(address)
    address.save()
    if was[1] and was[0] != address.purpose:
        # It left its old purpose, where it was the default: the next address of that purpose takes over.
        _next_default(address.party_id, was[0])
    return address


@transaction.atomic
def address_delete(*, address: Address, by: User) -> Address:
    """Delete an address; when it was the default for its purpose, the next address of that purpose takes over."""
    lock_party(address.party_id)
    address = Address.objects.select_for_update().get(pk=address.pk)
    address.delete()
    _next_default(address.party_id, address.purpose)
    return address

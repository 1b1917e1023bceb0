"""Admin for parties, contact persons, addresses, tags and unsubscriptions: every save and delete goes through
the party services; merging two parties is an admin action."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdminMixin
from core.errors import DomainError
from marketing.choices import RelationshipStage
from marketing.forms.parties import language_from_country_offered
from marketing.models import Address, Contact, Party, Tag, Unsubscription
from marketing.selectors.parties import party_merge_keeper, stage_label, with_stage
from marketing.services.parties import (
    ADDRESS_FIELDS,
    CONTACT_FIELDS,
    PARTY_FIELDS,
    address_create,
    address_delete,
    address_update,
    contact_create,
    contact_delete,
    contact_update,
    party_create,
    party_delete,
    party_tags_set,
    party_update,
    tag_create,
    tag_delete,
    tag_rename,
)
from marketing.services.party_merge import party_merge


class ServiceRulesForm(forms.ModelForm):
    """The one-primary-contact and one-default-address rules are kept by the services (making one primary
    un-primaries the other), so the form does not refuse what the service would do."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "party", "is_primary", "is_default"}


class ServiceInline(admin.TabularInline):
    form = ServiceRulesForm
    extra = 0


class ContactInline(ServiceInline):
    model = Contact
    fields = CONTACT_FIELDS


class AddressInline(ServiceInline):
    model = Address
    fields = ADDRESS_FIELDS


# What each inline's rows are saved with.
INLINE_SERVICES = {
    Contact: (CONTACT_FIELDS, "contact", contact_create, contact_update, contact_delete),
    Address: (ADDRESS_FIELDS, "address", address_create, address_update, address_delete),
}


class StageFilter(admin.SimpleListFilter):
    title = _("stage")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return RelationshipStage.choices

    def queryset(self, request, queryset):
        if self.value() in RelationshipStage.values:
            return queryset.filter(stage=self.value())
        return queryset


class PartyAdminForm(forms.ModelForm):
    allow_duplicate = forms.BooleanField(
        label=_("Create anyway"),
        required=False,
        help_text=_("A party with the same email, or the same name and postcode, as an existing one is refused."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language_from_country_offered(self)


@admin.register(Party)
class PartyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = PartyAdminForm
    list_display = ("name", "kind", "stage", "postcode", "city", "country", "email", "phone", "language")
    list_filter = (StageFilter, "kind", "tags", "country", "language")
    search_fields = ("name", "email", "city", "postcode", "vat_number", "contacts__name")
    # The customer account is a reverse one-to-one: joined here so the stage costs no query per row.
    list_select_related = ("customer",)
    readonly_fields = ("created_at", "created_by", "updated_at")
    autocomplete_fields = ("tags",)
    inlines = (ContactInline, AddressInline)
    actions = ("merge_two",)
    fieldsets = (
        (None, {"fields": ("kind", "name", "vat_number", "language", "tags")}),
        (_("Contact"), {"fields": ("email", "phone")}),
        (_("Address"), {"fields": ("street", "postcode", "city", "country")}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )

    def get_queryset(self, request):
        return with_stage(super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("allow_duplicate",)}), *self.fieldsets)
        return self.fieldsets

    @admin.display(description=_("stage"), ordering="stage")
    def stage(self, obj: Party) -> str:
        return stage_label(obj.stage)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in PARTY_FIELDS if name in form.cleaned_data}
        if change:
            saved = party_update(party=obj, by=request.user, **fields)
        else:
            saved = party_create(by=request.user, allow_duplicate=form.cleaned_data.get("allow_duplicate"), **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        party_tags_set(party=form.instance, tags=[tag.name for tag in form.cleaned_data["tags"]], by=request.user)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        fields, keyword, create, update, delete = INLINE_SERVICES[formset.model]
        flag = fields[-1]  # is_primary / is_default
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.deleted_forms:
            if row.instance.pk:
                formset.deleted_objects.append(delete(**{keyword: row.instance}, by=request.user))
        # A row made primary/default goes first, so the row it replaces is no longer primary when that is saved.
        changed = [row for row in formset.forms if row not in formset.deleted_forms and row.has_changed()]
        for row in sorted(changed, key=lambda row: not row.cleaned_data.get(flag)):
            data = {name: row.cleaned_data[name] for name in fields}
            if row.instance.pk:
                formset.changed_objects.append(
                    (update(**{keyword: row.instance}, by=request.user, **data), row.changed_data)
                )
            else:
                formset.new_objects.append(create(party=form.instance, by=request.user, **data))

    def delete_model(self, request, obj):
        party_delete(party=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda party: party_delete(party=party, by=request.user),
            done=ngettext_lazy("%(count)d party deleted.", "%(count)d parties deleted.", "count"),
        )

    @admin.action(description=_("Merge two selected parties"), permissions=["change", "delete"])
    def merge_two(self, request, queryset):
        parties = list(queryset.select_related("customer").order_by("pk"))
        if len(parties) != 2:
            self.message_user(request, gettext("Select exactly two parties to merge."), level=messages.ERROR)
            return
        keep, remove = party_merge_keeper(first=parties[0], second=parties[1])
        try:
            party_merge(keep=keep, remove=remove, by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.reason, level=messages.ERROR)
            return
        self.message_user(
            request,
            gettext("%(remove)s merged into %(keep)s.") % {"remove": remove.name, "keep": keep.name},
            level=messages.SUCCESS,
        )


class PartyPartAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A contact person or address: saved and deleted through the party services; it stays with its party."""

    form = ServiceRulesForm
    autocomplete_fields = ("party",)
    list_select_related = ("party",)
    keyword = ""
    fields_saved: tuple[str, ...] = ()
    services: tuple = ()

    def get_readonly_fields(self, request, obj=None):
        return ("party",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        create, update, _delete = self.services
        data = {name: form.cleaned_data[name] for name in self.fields_saved if name in form.cleaned_data}
        if change:
            saved = update(**{self.keyword: obj}, by=request.user, **data)
        else:
            saved = create(party=form.cleaned_data["party"], by=request.user, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        self.services[2](**{self.keyword: obj}, by=request.user)

    def delete_queryset(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda obj: self.services[2](**{self.keyword: obj}, by=request.user),
            done=ngettext_lazy("%(count)d deleted.", "%(count)d deleted.", "count"),
        )


@admin.register(Contact)
class ContactAdmin(PartyPartAdmin):
    list_display = ("name", "party", "job_title", "email", "phone", "is_primary")
    list_filter = ("is_primary",)
    search_fields = ("name", "email", "phone", "party__name")
    fields = ("party", *CONTACT_FIELDS)
    keyword = "contact"
    fields_saved = CONTACT_FIELDS
    services = (contact_create, contact_update, contact_delete)


@admin.register(Address)
class AddressAdmin(PartyPartAdmin):
    list_display = ("party", "purpose", "name", "street", "postcode", "city", "country", "is_default")
    list_filter = ("purpose", "is_default", "country")
    search_fields = ("party__name", "street", "postcode", "city")
    fields = ("party", *ADDRESS_FIELDS)
    keyword = "address"
    fields_saved = ADDRESS_FIELDS
    services = (address_create, address_update, address_delete)


@admin.register(Tag)
class TagAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "party_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(party_count=Count("parties"))

    @admin.display(description=_("parties"), ordering="party_count")
    def party_count(self, obj: Tag) -> int:
        return obj.party_count

    def save_model(self, request, obj, form, change):
        if change:
            saved = tag_rename(tag=obj, name=form.cleaned_data["name"], by=request.user)
        else:
            saved = tag_create(name=form.cleaned_data["name"], by=request.user)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        tag_delete(tag=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            tag_delete(tag=tag, by=request.user)


@admin.register(Unsubscription)
class UnsubscriptionAdmin(admin.ModelAdmin):
    """Who asked not to receive campaign email: recorded by the unsubscribe link, read-only here."""

    list_display = ("email", "party", "campaign", "created_at")
    list_filter = ("created_at",)
    search_fields = ("email", "party__name", "campaign__name", "campaign__number")
    list_select_related = ("party", "campaign")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

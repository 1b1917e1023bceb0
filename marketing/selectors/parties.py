from django.db.models import Q, QuerySet

from marketing.models import Party


def party_list(*, search: str = "", kind: str = "", country: str = "") -> QuerySet[Party]:
    parties = Party.objects.select_related("customer")
    if search:
        parties = parties.filter(Q(name__icontains=search) | Q(email__icontains=search) | Q(city__icontains=search))
    if kind:
        parties = parties.filter(kind=kind)
    if country:
        parties = parties.filter(country__iexact=country)
    return parties.order_by("name", "id")

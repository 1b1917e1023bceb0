from rest_framework import status

from core.api.viewsets import ServiceViewSet
from marketing.api.party_filters import PartyFilter
from marketing.api.party_serializers import PartyInputSerializer, PartySerializer
from marketing.selectors.parties import party_list
from marketing.services.parties import party_create, party_update


class PartyViewSet(ServiceViewSet):
    """Organizations and persons, whatever role they play; a party with a customer account is a customer."""

    serializer_class = PartySerializer
    input_serializers = {"create": PartyInputSerializer, "partial_update": PartyInputSerializer}
    filterset_class = PartyFilter
    search_fields = ["name", "email", "city"]

    def get_queryset(self):
        return party_list()

    def create(self, request):
        party = party_create(by=request.user, **self.validated_input())
        return self.respond(party, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        party = self.get_object()
        party = party_update(party=party, by=request.user, **self.validated_input(partial=True))
        return self.respond(party)

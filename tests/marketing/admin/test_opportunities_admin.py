"""The opportunity and stage admin: everything goes through the opportunity services."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from marketing.models import Opportunity, OpportunityStage
from marketing.services.opportunities import opportunity_create
from salesapp.services.opportunity_orders import order_create_for_opportunity
from tests.factories.marketing import OpportunityFactory, PartyFactory

CHANGELIST = reverse("admin:marketing_opportunity_changelist")
STAGES = reverse("admin:marketing_opportunitystage_changelist")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def stage(name: str) -> OpportunityStage:
    return OpportunityStage.objects.get(name=name)


def test_changelist_keeps_a_constant_query_count(client, administrator, django_assert_max_num_queries):
    client.force_login(administrator)
    for _ in range(3):
        OpportunityFactory(owner=administrator)
    with django_assert_max_num_queries(14) as few:
        assert client.get(CHANGELIST).status_code == 200
    for _ in range(27):
        OpportunityFactory(owner=administrator)
    with django_assert_max_num_queries(14) as many:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 30
    assert len(many) == len(few)


def opportunity_form(party, **overrides) -> dict:
    data = {
        "name": "Canteen chairs",
        "party": party.pk,
        "stage": stage("Proposal").pk,
        "expected_revenue": "3000.00",
        "probability": "50",
        "description": "",
    }
    return {**data, **overrides}


def inline_prefix(client, url) -> str:
    formsets = client.get(url).context["inline_admin_formsets"]
    return formsets[0].formset.prefix


def test_opportunity_added_and_moved_in_admin_goes_through_the_services(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory()
    add_url = reverse("admin:marketing_opportunity_add")
    prefix = inline_prefix(client, add_url)
    management = {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    # when: added
    response = client.post(add_url, {**opportunity_form(party), **management})

    # then
    assert response.status_code == 302, response.content
    opportunity = Opportunity.objects.get()
    assert (opportunity.number[:3], opportunity.stage.name, opportunity.created_by) == (
        "OP-",
        "Proposal",
        administrator,
    )

    # and when its stage is changed, the probability follows the stage
    change_url = reverse("admin:marketing_opportunity_change", args=[opportunity.pk])
    response = client.post(
        change_url, {**opportunity_form(party, stage=stage("Negotiation").pk, probability="50"), **management}
    )
    assert response.status_code == 302, response.content
    opportunity.refresh_from_db()
    assert (opportunity.stage.name, opportunity.probability) == ("Negotiation", Decimal("75.00"))


def test_win_and_lose_actions_call_the_services(client, administrator):
    # given: one opportunity with an order, one without
    client.force_login(administrator)
    with_order = opportunity_create(by=administrator, party=PartyFactory(), name="With order")
    order_create_for_opportunity(opportunity=with_order, by=administrator)
    without = opportunity_create(by=administrator, party=PartyFactory(), name="Without")

    # when
    response = client.post(
        CHANGELIST, {"action": "win_opportunities", "_selected_action": [with_order.pk, without.pk]}, follow=True
    )

    # then
    with_order.refresh_from_db()
    assert with_order.state == "won"
    assert messages_of(response) == [
        f"{without}: Opportunity {without.number} has no sales order yet: create one for it before marking it won.",
        "1 opportunity won.",
    ]
    client.post(CHANGELIST, {"action": "lose_opportunities", "_selected_action": [without.pk]})
    without.refresh_from_db()
    assert (without.state, without.lost_reason) == ("lost", "Closed as lost in the admin.")


def test_stages_are_edited_in_the_list_through_the_service(client, administrator):
    # given
    client.force_login(administrator)
    stages = list(OpportunityStage.objects.order_by("sequence", "id"))
    data = {"form-TOTAL_FORMS": str(len(stages)), "form-INITIAL_FORMS": str(len(stages)), "_save": "Save"}
    for index, row in enumerate(stages):
        data |= {
            f"form-{index}-id": row.pk,
            f"form-{index}-sequence": row.sequence,
            f"form-{index}-probability": row.probability,
            f"form-{index}-active": "on",
        }
    data["form-1-probability"] = "30"

    # when
    response = client.post(STAGES, data)

    # then
    assert response.status_code == 302, response.content
    assert stage("Qualification").probability == Decimal("30.00")


def test_the_last_active_stage_cannot_be_retired(client, administrator):
    client.force_login(administrator)
    OpportunityStage.objects.exclude(name="Prospecting").update(active=False)
    prospecting = stage("Prospecting")
    response = client.post(
        reverse("admin:marketing_opportunitystage_change", args=[prospecting.pk]),
        {"name": "Prospecting", "sequence": "10", "probability": "10"},
        follow=True,
    )
    assert "Keep at least one stage active: new opportunities start in the first one." in " ".join(
        messages_of(response)
    )
    assert stage("Prospecting").active is True


def test_a_stage_added_in_admin(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:marketing_opportunitystage_add"),
        {"name": " Demo ", "sequence": "35", "probability": "60", "active": "on"},
    )
    assert response.status_code == 302
    demo = OpportunityStage.objects.get(name="Demo")
    assert (demo.sequence, demo.probability, demo.active) == (35, Decimal("60.00"), True)

"""The lead admin: leads are created and changed through the lead services, their state only by admin actions."""

from django.contrib.messages import get_messages
from django.urls import reverse

from marketing.models import Lead
from marketing.services.leads import lead_create, lead_disqualify
from tests.factories.marketing import CampaignFactory, LeadFactory

CHANGELIST = reverse("admin:marketing_lead_changelist")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def with_history_inline(client, url: str, data: dict) -> dict:
    """The change form carries the (read-only) state history inline; its management form comes along."""
    prefix = client.get(url).context["inline_admin_formsets"][0].formset.prefix
    return {**data, f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def test_changelist_keeps_a_constant_query_count(client, administrator, django_assert_max_num_queries):
    client.force_login(administrator)
    # Every column that follows a relation is filled, so a row reading one would show as an extra query.
    campaign = CampaignFactory()
    for _ in range(3):
        LeadFactory(owner=administrator, campaign=campaign)
    with django_assert_max_num_queries(12) as few:
        assert client.get(CHANGELIST).status_code == 200
    for _ in range(27):
        LeadFactory(owner=administrator, campaign=campaign)
    with django_assert_max_num_queries(12) as many:
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 30
    assert len(many) == len(few)


def test_lead_added_in_admin_goes_through_the_service(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:marketing_lead_add")
    data = {"company_name": "Peters Kozijnen", "contact_name": "", "source": "web", "country": "be", "notes": ""}
    response = client.post(url, with_history_inline(client, url, data))
    assert response.status_code == 302, response.content
    lead = Lead.objects.get()
    assert (lead.number[:3], lead.country, lead.state, lead.created_by) == ("LD-", "BE", "new", administrator)


def test_lead_refused_by_the_service_shows_its_reason(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:marketing_lead_add")
    response = client.post(url, with_history_inline(client, url, {"company_name": "", "source": "web"}), follow=True)
    assert "A lead needs a company or a contact name." in " ".join(messages_of(response))
    assert not Lead.objects.exists()


def test_state_is_read_only_on_the_change_page(client, administrator):
    client.force_login(administrator)
    lead = lead_create(by=administrator, company_name="Peters Kozijnen")
    response = client.get(reverse("admin:marketing_lead_change", args=[lead.pk]))
    assert response.status_code == 200
    assert "state" not in response.context["adminform"].form.fields
    assert "number" not in response.context["adminform"].form.fields


def test_qualify_and_disqualify_actions_call_the_services(client, administrator):
    # given: one new lead and one already disqualified
    client.force_login(administrator)
    fresh = lead_create(by=administrator, company_name="Fresh B.V.")
    done = lead_disqualify(lead=lead_create(by=administrator, company_name="Done B.V."), by=administrator, reason="x")

    # when
    response = client.post(
        CHANGELIST, {"action": "qualify_leads", "_selected_action": [fresh.pk, done.pk]}, follow=True
    )

    # then: the new one is qualified, the other refused with its reason
    fresh.refresh_from_db()
    assert fresh.state == "qualified"
    assert messages_of(response) == [
        f"{done}: Lead {done.number} is Disqualified: only new leads can be qualified.",
        "1 lead qualified.",
    ]

    # and disqualifying records the admin reason
    client.post(CHANGELIST, {"action": "disqualify_leads", "_selected_action": [fresh.pk]})
    fresh.refresh_from_db()
    assert (fresh.state, fresh.disqualify_reason) == ("disqualified", "Disqualified in the admin.")


def test_leads_cannot_be_deleted(client, administrator):
    client.force_login(administrator)
    lead = lead_create(by=administrator, company_name="Keep B.V.")
    assert client.post(reverse("admin:marketing_lead_delete", args=[lead.pk]), {"post": "yes"}).status_code == 403
    assert Lead.objects.filter(pk=lead.pk).exists()

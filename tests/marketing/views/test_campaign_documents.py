"""The mailing documents: A4 address labels and letters (real WeasyPrint PDFs) and the CSV address list."""

import io

from django.urls import reverse
from pypdf import PdfReader

from marketing.choices import CampaignType, TargetStatus
from tests.factories.marketing import CampaignFactory, CampaignTargetFactory


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def mailing(count: int, **campaign_fields):
    campaign = CampaignFactory(campaign_type=CampaignType.MAILING, **campaign_fields)
    for index in range(count):
        CampaignTargetFactory(
            campaign=campaign,
            name=f"Company {index:02d}",
            contact_name=f"Person {index:02d}",
            street=f"Dam {index}",
            postcode="1012 JS",
            city="Amsterdam",
        )
    return campaign


def test_labels_fill_a4_sheets_of_24(client, clerk):
    # given: 30 addresses and one excluded target that gets no label
    campaign = mailing(30)
    CampaignTargetFactory(campaign=campaign, name="Company excluded", status=TargetStatus.EXCLUDED)
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_labels_pdf", args=[campaign.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{campaign.number}-labels.pdf"'
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    reader = PdfReader(io.BytesIO(response.content))
    assert [round(float(value)) for value in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    assert "Company 00" in pages[0] and "Company 23" in pages[0] and "Company 24" not in pages[0]
    assert "Company 24" in pages[1] and "Company 29" in pages[1]
    assert "Person 05" in pages[0] and "Dam 5" in pages[0] and "1012 JS Amsterdam" in pages[0]
    assert "excluded" not in "".join(pages)


def test_a_letter_per_target_with_its_text_filled_in(client, clerk):
    # given
    campaign = mailing(
        3,
        name="Autumn chairs",
        email_subject="An offer for {{ target.name }}",
        email_body="Dear {{ target.contact_name }},\n\nNew chairs for {{ target.city }}.",
    )
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_letters_pdf", args=[campaign.pk]))

    # then
    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) == 3
    assert "Company 01" in pages[1] and "Dam 1" in pages[1]
    assert "An offer for Company 01" in pages[1]
    assert "Dear Person 01," in pages[1] and "New chairs for Amsterdam." in pages[1]
    assert "Northwind Trading B.V." in pages[1]


def test_address_list_as_csv_for_a_spreadsheet(client, clerk):
    # given
    campaign = CampaignFactory(campaign_type=CampaignType.MAILING)
    CampaignTargetFactory(
        campaign=campaign,
        name="Bergström Fastigheter AB",
        contact_name="Åsa Berg",
        street="Kungsportsavenyen 12",
        postcode="411 36",
        city="Göteborg",
        country="SE",
        email="ekonomi@bergstrom.se",
        phone="+46 31 711 40 20",
        language="sv",
    )
    CampaignTargetFactory(campaign=campaign, name="Left out", status=TargetStatus.EXCLUDED)
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_addresses_csv", args=[campaign.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.number}-addresses.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").split("\r\n") == [
        "name;contact;street;postcode;city;country;email;phone;language;selected_as;status",
        "Bergström Fastigheter AB;Åsa Berg;Kungsportsavenyen 12;411 36;Göteborg;SE;ekonomi@bergstrom.se;"
        "+46 31 711 40 20;sv;prospect;pending",
        "",
    ]


def test_documents_need_a_signed_in_user(client, db):
    # given
    campaign = mailing(1)

    # when
    response = client.get(reverse("marketing:campaign_addresses_csv", args=[campaign.pk]))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_letters_use_a_description_that_is_no_template_as_it_is(client, clerk):
    # given: no letter text, and a description (never checked as a template) that cannot be read as one
    campaign = mailing(1, name="Chairs {% sale %}", email_subject="", email_body="", description="50% {{ off|x }}")
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:campaign_letters_pdf", args=[campaign.pk]))

    # then
    assert response.status_code == 200
    page = pdf_pages(response.content)[0]
    assert "Chairs {% sale %}" in page and "50% {{ off|x }}" in page

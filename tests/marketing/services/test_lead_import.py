import io

import pytest

from marketing.choices import LeadSource
from marketing.models import Lead
from marketing.services.lead_import import LeadImportRefused, lead_import
from tests.factories.marketing import CampaignFactory
from tests.factories.users import user_with_role


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_import_with_semicolons_creates_every_lead(clerk):
    # given: a file as Excel saves it in the Netherlands, with a campaign and an owner
    campaign = CampaignFactory(number="CM-00042")
    data = csv_bytes(
        "Company;Contact;Email;Phone;Postcode;City;Country;Source;Campaign;Owner;Notes",
        "Bakker Kantoor B.V.;Piet Bakker;piet@bakker.nl;+31 20 111 2222;1011 AB;Amsterdam;nl;Trade show;"
        "cm-00042;Sales_Clerk;Stand 4B",
        "Ström Kontor AB;;info@stromkontor.se;;;Göteborg;SE;;;;",
    )

    # when
    leads = lead_import(file=data, by=clerk)

    # then
    assert [lead.number for lead in leads] == sorted(lead.number for lead in leads)
    first, second = (Lead.objects.get(pk=lead.pk) for lead in leads)
    assert (first.company_name, first.contact_name, first.email, first.country, first.source) == (
        "Bakker Kantoor B.V.",
        "Piet Bakker",
        "piet@bakker.nl",
        "NL",
        LeadSource.TRADE_SHOW,
    )
    assert (first.campaign, first.owner, first.notes, first.created_by) == (campaign, clerk, "Stand 4B", clerk)
    assert (second.company_name, second.city, second.source, second.campaign, second.owner) == (
        "Ström Kontor AB",
        "Göteborg",
        LeadSource.IMPORT,
        None,
        None,
    )


def test_import_with_commas_quotes_and_a_byte_order_mark(clerk):
    # given: a comma file with a quoted value holding a comma and a line break, saved with a BOM
    data = csv_bytes(
        "contact,company,notes",
        'Anna de Vries,"De Vries, Zonen & Co","Call after 2 pm,',
        'not before"',
        "Jonas Ek,,",
        bom=True,
    )

    # when
    leads = lead_import(file=io.BytesIO(data), by=clerk, default_source=LeadSource.REFERRAL)

    # then
    assert [(lead.contact_name, lead.company_name, lead.notes, lead.source) for lead in leads] == [
        ("Anna de Vries", "De Vries, Zonen & Co", "Call after 2 pm,\r\nnot before", "referral"),
        ("Jonas Ek", "", "", "referral"),
    ]


def test_import_skips_blank_lines(clerk):
    data = csv_bytes("company,city", "Alpha B.V.,Ede", "", ",", "Beta B.V.,")
    assert [lead.company_name for lead in lead_import(file=data, by=clerk)] == ["Alpha B.V.", "Beta B.V."]


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_line(clerk):
    # given: lines 3, 5, 6 and 7 are wrong (line 4 is fine; a quoted line break makes row 7 start on line 7)
    inactive = user_with_role("sales clerk", username="gone")
    inactive.is_active = False
    inactive.save()
    data = csv_bytes(
        "company;contact;email;country;source;campaign;owner",
        "Good One B.V.;Eva;eva@goodone.nl;NL;;;",
        ";;nobody@example.com;NL;;;",
        "Good Two B.V.;;;;web;;",
        "Bad Mail B.V.;;not-an-email;Netherlands;fax;;",
        "Unknown Refs B.V.;;;;;CM-99999;ghost",
        'Inactive B.V.;"Line',
        'break";;;;;gone',
        "Too Many;;;;;;;extra",
    )

    # when
    with pytest.raises(LeadImportRefused) as refused:
        lead_import(file=data, by=clerk)

    # then
    assert not Lead.objects.exists()
    assert refused.value.reason == "5 lines of the file are wrong: nothing was imported."
    assert [str(row) for row in refused.value.rows] == [
        "line 3: company: A lead needs a company or a contact name.",
        "line 5: email: 'not-an-email' is not a valid email address. "
        "country: Use a two-letter ISO country code, e.g. NL. "
        "source: Unknown source 'fax'; use one of: trade_show, campaign, web, referral, import.",
        "line 6: campaign: no campaign has number 'CM-99999'. owner: no user is called 'ghost'.",
        "line 7: owner: gone is no longer active: choose another owner.",
        "line 9: 8 values but the header names 7 columns.",
    ]
    assert refused.value.field_errors == {"file": "\n".join(str(row) for row in refused.value.rows)}
    assert refused.value.errors[0] == {
        "field": "file",
        "line": 3,
        "message": "line 3: company: A lead needs a company or a contact name.",
    }


def test_a_country_code_iso_does_not_know_is_a_line_error(clerk):
    # given: line 3 has a made-up country, line 2 a lower-case real one
    data = csv_bytes("company;country", "Good B.V.;nl", "Nowhere Ltd;XX")

    # when
    with pytest.raises(LeadImportRefused) as refused:
        lead_import(file=data, by=clerk)

    # then
    assert [str(row) for row in refused.value.rows] == [
        "line 3: country: XX is not an ISO 3166 country code; use e.g. NL, BE or SE."
    ]
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf \r\n", "The file is empty."),
        (
            "company;city\r\nMüller GmbH;Köln\r\n".encode("latin-1"),
            'The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again.',
        ),
        (b"company;city\r\n", "The file has a header row but no leads."),
        (
            b"company;fax;region\r\nA;1;2\r\n",
            "Unknown columns 'fax', 'region'. The columns are: company, contact, email, phone, postcode, city, "
            "country, source, campaign, owner, notes.",
        ),
        (b"company;Company\r\nA;B\r\n", "Column company appears more than once."),
        (b"email;city\r\na@b.nl;Ede\r\n", "The file needs a 'company' or a 'contact' column."),
    ],
)
def test_files_that_cannot_be_read_are_refused(clerk, data, reason):
    with pytest.raises(LeadImportRefused) as refused:
        lead_import(file=data, by=clerk)
    assert refused.value.reason == reason
    assert refused.value.field_errors == {"file": reason}
    assert not Lead.objects.exists()

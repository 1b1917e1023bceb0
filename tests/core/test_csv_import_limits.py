"""CSV imports are read as a stream and refused above a size and a row count, naming the limit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from core.csv_import import csv_rows, uploaded_csv
from core.errors import ValidationFailed
from marketing.models import Lead
from marketing.services.lead_import import LeadImportRefused, lead_import
from salesapp.services.price_list_import import PriceListImportRefused, price_list_import
from tests.core.api.helpers import api_client, problem


class Refused(ValidationFailed):
    def __init__(self, reason):
        super().__init__(code="refused", reason=reason)


class CountingStream(io.BytesIO):
    """A file object without a known size that counts the bytes asked of it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def _leads_csv(rows: int) -> bytes:
    return ("company;city\r\n" + "".join(f"Firm {n};Utrecht\r\n" for n in range(rows))).encode()


@override_settings(SALESFLOW_CSV_MAX_BYTES=2048)
def test_a_file_of_known_size_above_the_cap_is_refused_before_reading(clerk):
    # given
    upload = SimpleUploadedFile("leads.csv", _leads_csv(200), content_type="text/csv")
    assert upload.size > 2048

    # when
    with pytest.raises(LeadImportRefused) as refused:
        lead_import(file=upload, by=clerk)

    # then
    assert refused.value.reason == "The file is larger than 2.0\xa0KB: split it into smaller files."
    assert upload.tell() == 0
    assert not Lead.objects.exists()


@override_settings(SALESFLOW_CSV_MAX_BYTES=100_000)
def test_a_stream_is_read_in_chunks_and_stops_soon_after_the_cap():
    # given: 2 MB from a stream that does not say how large it is
    stream = CountingStream(_leads_csv(100_000))

    # when
    with pytest.raises(Refused) as refused:
        upload = uploaded_csv(stream, refused=Refused)
        for _ in csv_rows(upload):
            pass

    # then: never more than one chunk past the cap was read
    assert refused.value.reason == "The file is larger than 97.7\xa0KB: split it into smaller files."
    assert 100_000 < stream.bytes_read <= 100_000 + io.DEFAULT_BUFFER_SIZE


@override_settings(SALESFLOW_CSV_MAX_ROWS=3)
def test_more_rows_than_the_cap_are_refused_and_nothing_is_imported(clerk):
    # given / when
    with pytest.raises(LeadImportRefused) as refused:
        lead_import(file=_leads_csv(4), by=clerk)

    # then
    assert refused.value.reason == "The file has more than 3 rows: split it into files of at most 3 rows."
    assert not Lead.objects.exists()
    # the cap itself is allowed
    assert len(lead_import(file=_leads_csv(3), by=clerk)) == 3


@override_settings(SALESFLOW_CSV_MAX_ROWS=2)
def test_every_import_has_the_row_cap(manager):
    data = b"item;price\r\nA;1\r\nB;2\r\nC;3\r\n"

    with pytest.raises(PriceListImportRefused) as refused:
        price_list_import(file=data, by=manager)

    assert refused.value.reason == "The file has more than 2 rows: split it into files of at most 2 rows."


@override_settings(SALESFLOW_CSV_MAX_BYTES=2048)
def test_the_api_names_the_limit(integrator):
    # when
    upload = SimpleUploadedFile("leads.csv", _leads_csv(200), content_type="text/csv")
    response = api_client(integrator).post("/api/v1/leads/import/", {"file": upload}, format="multipart")

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "file", "message": "The file is larger than 2.0\xa0KB: split it into smaller files."}
    ]
    assert not Lead.objects.exists()


def test_a_file_of_blank_lines_is_empty():
    with pytest.raises(Refused) as refused:
        uploaded_csv(b"\r\n  \r\n\r\n", refused=Refused)

    assert refused.value.reason == "The file is empty."

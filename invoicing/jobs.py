"""Background jobs of invoicing (enqueued through core.jobs, inside the service's transaction)."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from core.jobs import DEFAULT_QUEUE
from invoicing.documents import invoice_pdf_store


# Rendering is local work: a failure is most likely the document itself, so three retries and then the
# clerk's download renders it (invoicing.documents.invoice_pdf) while an administrator looks at the error.
@app.task(name="invoicing.invoice_pdf_store", queue=DEFAULT_QUEUE, retry=RetryStrategy(max_attempts=3, wait=10))
def invoice_pdf_store_job(*, invoice_id: int) -> None:
    """Render and store a posted invoice's PDF. Idempotent: a PDF already stored (by an earlier attempt or
    by someone who downloaded it first) is kept as it is."""
    invoice_pdf_store(invoice_id=invoice_id)

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(*, template_name: str, context: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango at import time, which only PDF rendering needs.
    from weasyprint import HTML

    context = {"company": settings.SALESFLOW_COMPANY, **context}
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()


def pdf_response(content: bytes, filename: str):
    """A PDF shown in the browser (or saved under ``filename``), for pages and the API alike."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

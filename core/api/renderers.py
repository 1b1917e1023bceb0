import json

from rest_framework.renderers import BaseRenderer


class PdfRenderer(BaseRenderer):
    """Lets a client ask for application/pdf; views return the bytes themselves.

    Errors still have to be readable when the client accepted only PDF, so anything that is not
    bytes is written as JSON (the problem+json content type is set by the error handler)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, default=str).encode()

# salesflow behind gunicorn. Needs a PostgreSQL server: DATABASE_URL (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint renders the PDFs with Pango; DejaVu gives the documents a font with every glyph we print.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them (the project itself has no package to build).
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Settings need a secret and a database address to load; collectstatic uses neither.
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgresql://unused@localhost/unused \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 salesflow \
    && mkdir -p /app/var/media \
    && chown -R salesflow:salesflow /app/var
USER salesflow

EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application"]

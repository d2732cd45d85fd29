# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core fonts-symbola fontconfig gettext \
      postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN useradd --system --home /app outreach && mkdir -p var && chown -R outreach var
USER outreach
# Without DEBUG: the manifest storage writes content-hashed names and their manifest. The
# settings refuse a weak key without DEBUG; this throwaway one is used for collectstatic only.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "outreach.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

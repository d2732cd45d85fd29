"""The API documentation page: Swagger UI from static files (no CDN), for signed-in users."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signed_in_user_reads_the_docs_from_static_files(client, worker):
    client.force_login(worker)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    # Its start-up script is a separate file (the CSP allows no inline script).
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()


def test_the_token_page_links_the_docs(client, worker):
    client.force_login(worker)
    assert 'href="/api/docs/"' in client.get("/account/tokens/").content.decode()

"""Health, readiness and metrics for 24-hour monitoring."""

import pytest
from django.test import Client


def test_healthz_is_json_and_needs_no_database():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database_and_migrations():
    body = Client().get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "migrations": "ok"}


@pytest.mark.django_db
def test_metrics_count_requests_by_route_and_time_queries():
    client = Client()
    client.get("/api/v1/governments/1100000")
    text = client.get("/metrics").content.decode()
    assert 'lofin_http_requests_total{method="GET",route="/api/v1/governments/<code>",status="200"}' in text
    assert "lofin_http_request_duration_seconds_bucket" in text
    assert 'lofin_db_query_duration_seconds_count{route="/api/v1/governments/<code>"' in text


@pytest.mark.django_db
def test_an_unknown_page_is_a_translated_404_in_the_site_layout():
    response = Client().get("/no/such/page")
    assert response.status_code == 404
    assert b'<html lang="ko">' in response.content

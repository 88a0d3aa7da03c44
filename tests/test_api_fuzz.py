"""Fuzzing the JSON API from its own schema (schemathesis): for every operation of `/openapi.json`,
generated requests (valid and invalid) sent anonymously and as the press office must never get a
server error, and every answer must match the schema's documented responses.

Bounded: `EXAMPLES` cases per operation and session (about 1,000 per session in all), with the
Hypothesis database off so that every run does the same amount of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlmodel import Session

from app.accounts.models import Role
from tests.conftest import WebClient
from tests.support import signed_in

EXAMPLES = 12
# Signing out would end the office's session half-way through the run.
SKIPPED = {("DELETE", "/api/v1/session")}


def _send(web: WebClient, case: Any, csrf: str) -> Any:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    headers = {
        k: v for k, v in (kwargs.pop("headers", None) or {}).items() if k.lower() != "cookie"
    }
    headers.setdefault("x-csrf-token", csrf)
    kwargs.pop("cookies", None)
    if isinstance(kwargs.get("data"), (bytes, str)):  # a raw body, not form fields
        kwargs["content"] = kwargs.pop("data")
    method = kwargs.pop("method")
    url = kwargs.pop("url")
    return web.client.request(method, url, headers=headers, **kwargs)


def _fuzz(web: WebClient) -> list[str]:
    """Every operation, `EXAMPLES` valid and `EXAMPLES` invalid cases each: the failures found,
    as readable lines."""
    raw = web.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    csrf = web.csrf()
    failures: list[str] = []
    sent: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIPPED:
            for mode in GenerationMode:
                _fuzz_operation(web, operation, mode, csrf, failures, sent)
    assert sum(sent) >= 20 * EXAMPLES  # every operation was tried, not skipped
    return failures


def _fuzz_operation(
    web: WebClient,
    operation: Any,
    mode: GenerationMode,
    csrf: str,
    failures: list[str],
    sent: list[int],
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        response = _send(web, case, csrf)
        sent.append(1)
        where = f"{case.method} {case.formatted_path}"
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code} {response.text[:200]}")
            return
        if response.status_code < 400:  # a success must be what the schema documents
            try:
                case.validate_response(
                    response, checks=[response_schema_conformance, content_type_conformance]
                )
            except AssertionError as exc:  # schemathesis's FailureGroup
                failures.append(f"{where}: {str(exc)[:300]}")

    try:
        run()
    except Unsatisfiable:  # nothing in this operation can be made invalid (no parameter, no body)
        assert mode == GenerationMode.NEGATIVE


@pytest.fixture
def web(app: Any) -> Iterator[WebClient]:
    """A browser whose server errors come back as 500 answers (to be counted), not exceptions."""
    with TestClient(
        app, base_url="http://testserver", follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield WebClient(client)


def test_the_api_answers_anonymous_fuzzing_without_a_server_error(web: WebClient) -> None:
    failures = _fuzz(web)
    assert not failures, "\n".join(sorted(set(failures)))


def test_the_api_answers_the_office_fuzzing_without_a_server_error(
    web: WebClient, db: Session
) -> None:
    signed_in(web, db, Role.PRESS_OFFICE)
    failures = _fuzz(web)
    assert not failures, "\n".join(sorted(set(failures)))


def test_the_upload_of_attachments_documents_its_multipart_body(web: WebClient) -> None:
    """Generated clients can upload: the form is read by hand, so its schema is written out."""
    spec = web.get("/openapi.json").json()
    upload = spec["paths"]["/api/v1/submissions/{submission_id}/attachments"]["post"]
    files = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert files["files"]["items"] == {"type": "string", "format": "binary"}
    assert upload["requestBody"]["required"] is True

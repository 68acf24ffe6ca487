"""Fixtures of the document tests: the synthetic samples and every template rendered once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from documents.gallery import DOCUMENTS

RENDERERS: dict[str, Callable[[bool], bytes]] = {
    name: DOCUMENTS[stem]
    for name, stem in (
        ("booking-proof", "booking-proof"),
        ("f-1.02", "application-f102"),
        ("f-1.06", "application-f106"),
        ("replacement", "ktp-replacement"),
        ("family-card", "family-card"),
    )
}
"""The gallery's sample documents under the names the tests use."""


@pytest.fixture(scope="session")
def rendered() -> dict[tuple[str, bool], bytes]:
    """Every template, as demo and as real, rendered once for the session."""
    return {
        (name, demo): render(demo) for name, render in RENDERERS.items() for demo in (True, False)
    }


@pytest.fixture(params=sorted(RENDERERS))
def any_pdf(
    request: pytest.FixtureRequest, rendered: dict[tuple[str, bool], bytes]
) -> tuple[str, bytes]:
    """Each template (demo variant) in turn: ``(name, pdf)``."""
    return request.param, rendered[(request.param, True)]

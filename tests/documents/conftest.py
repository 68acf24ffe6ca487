"""Fixtures of the document tests: the synthetic samples and every template rendered once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from documents import render_application, render_booking_proof, render_family_card, samples

RENDERERS: dict[str, Callable[[bool], bytes]] = {
    "booking-proof": lambda demo: render_booking_proof(
        samples.booking_proof(), samples.issue("474.11/KTP-7K4M9Q/XII/2026", "7K4M9Q2X", demo=demo)
    ),
    "f-1.02": lambda demo: render_application(
        samples.application_f102(), samples.issue("474.1/KK-3QF8ZP/XII/2026", "3QF8ZP7A", demo=demo)
    ),
    "f-1.06": lambda demo: render_application(
        samples.application_f106(),
        samples.issue("474.1/KK-3QF8ZP-2/XII/2026", "3QF8ZP7B", demo=demo),
    ),
    "replacement": lambda demo: render_application(
        samples.application_replacement(),
        samples.issue("474.11/KTPG-8DW2LM/XII/2026", "8DW2LM4C", demo=demo),
    ),
    "family-card": lambda demo: render_family_card(
        samples.family_card(),
        samples.issue("474.1/KK-3371012005180003/XII/2026", "KK9F3T1D", demo=demo),
    ),
}


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

"""Fixtures of the signing tests: one demo authority and test CAs per session (keys are slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing import DemoAuthority, LocalKeySigner
from tests.signing.pki import MiniCA, small_pdf

OFFICE = "Dinas Kependudukan dan Pencatatan Sipil Kota Magelang"
HEAD = "Drs. Contoh Kepala Dinas, M.Si."


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's demo authority lives."""
    return tmp_path_factory.mktemp("demo-ca")


@pytest.fixture(scope="session")
def authority(demo_dir: Path) -> DemoAuthority:
    """The demo CA and the head of office's certificate (made once for the session)."""
    return DemoAuthority.ensure(demo_dir, office_name=OFFICE, head_name=HEAD)


@pytest.fixture(scope="session")
def demo_signer(authority: DemoAuthority) -> LocalKeySigner:
    """A B-B signer with the demo key."""
    return authority.signer()


@pytest.fixture(scope="session")
def pdf() -> bytes:
    """An unsigned one-page PDF."""
    return small_pdf()


@pytest.fixture(scope="session")
def signed(demo_signer: LocalKeySigner, pdf: bytes) -> bytes:
    """``pdf`` signed by the demo signer."""
    return demo_signer.sign_sync(pdf, reason="Uji", location="Magelang")


@pytest.fixture(scope="session")
def other_ca() -> MiniCA:
    """A CA nobody trusts."""
    return MiniCA.make("Untrusted Test CA")

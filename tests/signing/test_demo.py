"""The demo authority: made once, reused, private keys 0600, a new head gets a new certificate."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from signing import DemoAuthority, SignerSetupError, validate
from signing.demo import ROOT_CERT_FILE, ROOT_KEY_FILE, SIGNER_CERT_FILE, SIGNER_KEY_FILE
from tests.signing.conftest import HEAD, OFFICE


def test_created_once_and_reused(authority: DemoAuthority, demo_dir: Path) -> None:
    again = DemoAuthority.ensure(demo_dir, office_name=OFFICE, head_name=HEAD)
    assert again.root_cert_pem == authority.root_cert_pem
    assert again.signer_cert_pem == authority.signer_cert_pem
    assert again.is_demo
    assert authority.is_demo
    assert again.signer_name == HEAD


def test_files_and_permissions(authority: DemoAuthority, demo_dir: Path) -> None:
    for name in (ROOT_KEY_FILE, SIGNER_KEY_FILE):
        mode = stat.S_IMODE((demo_dir / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    for name in (ROOT_CERT_FILE, SIGNER_CERT_FILE):
        assert (demo_dir / name).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert (demo_dir / ROOT_CERT_FILE).read_bytes() == authority.root_cert_pem


def test_signatures_survive_a_restart(authority: DemoAuthority, demo_dir: Path, pdf: bytes) -> None:
    reloaded = DemoAuthority.ensure(demo_dir, office_name=OFFICE, head_name=HEAD)
    out = reloaded.signer().sign_sync(pdf, reason="Uji", location="Magelang")
    assert validate(out, trust_roots=[authority.root_cert_pem]).ok


def test_new_head_gets_new_certificate_from_same_root(tmp_path: Path, pdf: bytes) -> None:
    first = DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name=HEAD)
    second = DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name="Dra. Kepala Baru")
    assert second.root_cert_pem == first.root_cert_pem
    assert second.signer_cert_pem != first.signer_cert_pem
    assert second.signer_name == "Dra. Kepala Baru"
    out = second.signer().sign_sync(pdf, reason="Uji", location="Magelang")
    verdict = validate(out, trust_roots=[first.root_cert_pem])
    assert verdict.ok
    assert verdict.signer_name == "Dra. Kepala Baru"


def test_certificate_near_its_end_is_renewed(tmp_path: Path) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=2 * 365 - 10)
    old = DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name=HEAD, now=long_ago)
    fresh = DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name=HEAD)
    assert fresh.signer_cert_pem != old.signer_cert_pem
    assert fresh.root_cert_pem == old.root_cert_pem


@pytest.mark.parametrize("key_type", ["rsa", "ecdsa"])
def test_key_types(tmp_path: Path, key_type: str, pdf: bytes) -> None:
    authority = DemoAuthority.ensure(
        tmp_path,
        office_name=OFFICE,
        head_name=HEAD,
        key_type=key_type,  # type: ignore[arg-type]
    )
    out = authority.signer().sign_sync(pdf, reason="Uji", location="Magelang")
    assert validate(out, trust_roots=[authority.root_cert_pem]).ok


def test_concurrent_first_start_makes_one_root(tmp_path: Path) -> None:
    with ThreadPoolExecutor(4) as pool:
        made = list(
            pool.map(
                lambda _: DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name=HEAD),
                range(4),
            )
        )
    assert len({a.root_cert_pem for a in made}) == 1
    assert len({a.signer_cert_pem for a in made}) == 1


def test_broken_files_are_a_setup_error(tmp_path: Path) -> None:
    DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name=HEAD)
    (tmp_path / SIGNER_KEY_FILE).write_bytes(b"not a key")
    with pytest.raises(SignerSetupError):
        DemoAuthority.ensure(tmp_path, office_name=OFFICE, head_name=HEAD)


def test_unwritable_directory_is_a_setup_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SignerSetupError):
        DemoAuthority.ensure(blocker / "sub", office_name=OFFICE, head_name=HEAD)

"""Documents rendered per second, and rendered+signed per second, on one core.

How: every figure is the median of N runs in one thread, after one warm-up run (which
registers the fonts; the signer's key is loaded before timing). Each run is timed twice: wall
clock, and this process's CPU time, which a busy shared machine disturbs much less (the
``docs/s`` column uses CPU time). Render and render+sign runs alternate, so both see the same
load, and the ratio is the median of the per-run ratios. Documents: a booking proof (portrait,
one page, tables, QR code) and a KK printout (landscape, two member tables). Signing: the demo
signer, PAdES B-B, RSA 2048 (the default) and ECDSA P-256, key kept loaded; and pyHanko's stock
``SimpleSigner`` (which parses the key again for every signature) for comparison; then
validating a signed document.
Usage: ``python -m bench.documents``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from documents import render_booking_proof, render_family_card, samples
from signing import DemoAuthority, LocalKeySigner, validate

RUNS = 40

Work = Callable[[], object]


def _timed(work: Work) -> tuple[float, float]:
    """``(wall ms, CPU ms)`` of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def medians(*works: Work, runs: int = RUNS) -> list[tuple[float, float, list[float]]]:
    """For each of ``works`` (run alternately): median wall ms, median CPU ms, the CPU times."""
    for work in works:
        work()
    samples_: list[list[tuple[float, float]]] = [[] for _ in works]
    for _ in range(runs):
        for index, work in enumerate(works):
            samples_[index].append(_timed(work))
    return [
        (
            statistics.median(w for w, _ in runs_),
            statistics.median(c for _, c in runs_),
            [c for _, c in runs_],
        )
        for runs_ in samples_
    ]


def _stock(authority: DemoAuthority) -> LocalKeySigner:
    """A demo signer whose pyHanko signer is the stock ``SimpleSigner`` (key parsed per use)."""
    from pyhanko.sign.signers import SimpleSigner

    signer = authority.signer()
    kept = signer._pyhanko  # the benchmark swaps in pyHanko's stock class to compare
    signer._pyhanko = SimpleSigner(  # type: ignore[assignment]  # the stock class on purpose
        signing_cert=kept.signing_cert,
        signing_key=kept.signing_key,
        cert_registry=kept.cert_registry,
    )
    return signer


def _line(label: str, wall: float, cpu: float) -> str:
    return f"  {label:<26}: {wall:6.1f} ms wall {cpu:6.1f} ms CPU  {1000 / cpu:6.1f} docs/s"


def main() -> None:
    """Print every figure of this benchmark."""
    proof, kk = samples.booking_proof(), samples.family_card()
    proof_issue = samples.issue("474.11/KTP-7K4M9Q/XII/2026", "7K4M9Q2X")
    kk_issue = samples.issue("474.1/KK-3371012005180003/XII/2026", "KK9F3T1D")

    def render_proof() -> bytes:
        return render_booking_proof(proof, proof_issue)

    def render_kk() -> bytes:
        return render_family_card(kk, kk_issue)

    with tempfile.TemporaryDirectory() as rsa_dir, tempfile.TemporaryDirectory() as ec_dir:
        office, head = samples.OFFICE.name, samples.OFFICE.head.name
        start = time.perf_counter()
        rsa_ca = DemoAuthority.ensure(Path(rsa_dir), office_name=office, head_name=head)
        rsa_made = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        ec_ca = DemoAuthority.ensure(
            Path(ec_dir), office_name=office, head_name=head, key_type="ecdsa"
        )
        ec_made = (time.perf_counter() - start) * 1000
        rsa, ec, stock = rsa_ca.signer(), ec_ca.signer(), _stock(rsa_ca)

        def sign(signer: LocalKeySigner, make: Callable[[], bytes]) -> Work:
            return lambda: signer.sign_sync(make(), reason="Bukti", location="Magelang")

        proof_pdf = render_proof()
        (r_p, r_p_cpu, r_p_all), (rs_p, rs_p_cpu, rs_p_all) = medians(
            render_proof, sign(rsa, render_proof)
        )
        (r_k, r_k_cpu, r_k_all), (rs_k, rs_k_cpu, rs_k_all) = medians(
            render_kk, sign(rsa, render_kk)
        )
        (s_rsa, s_rsa_cpu, _), (s_ec, s_ec_cpu, _), (s_stock, s_stock_cpu, _) = medians(
            sign(rsa, lambda: proof_pdf),
            sign(ec, lambda: proof_pdf),
            sign(stock, lambda: proof_pdf),
            runs=RUNS // 2,
        )
        signed_rsa = rsa.sign_sync(proof_pdf, reason="r", location="l")
        signed_ec = ec.sign_sync(proof_pdf, reason="r", location="l")
        (v_rsa, v_rsa_cpu, _), (v_ec, v_ec_cpu, _) = medians(
            lambda: validate(signed_rsa, trust_roots=[rsa_ca.root_cert_pem]),
            lambda: validate(signed_ec, trust_roots=[ec_ca.root_cert_pem]),
            runs=RUNS // 2,
        )
    ratio_p = statistics.median(b / a for a, b in zip(r_p_all, rs_p_all, strict=True))
    ratio_k = statistics.median(b / a for a, b in zip(r_k_all, rs_k_all, strict=True))

    print(f"documents (one thread, one core; medians of {RUNS} alternating runs, 1 warm-up)")
    print(_line("render booking proof", r_p, r_p_cpu))
    print(_line("render KK (landscape)", r_k, r_k_cpu))
    print(_line("render+sign booking proof", rs_p, rs_p_cpu))
    print(_line("render+sign KK", rs_k, rs_k_cpu))
    print(f"  render+sign / render      : booking proof {ratio_p:.2f}x, KK {ratio_k:.2f}x (CPU)")
    print(f"signing a rendered booking proof (PAdES B-B, sign_sync; medians of {RUNS // 2})")
    print(_line("RSA 2048, key kept", s_rsa, s_rsa_cpu))
    print(_line("ECDSA P-256, key kept", s_ec, s_ec_cpu))
    print(_line("RSA 2048, pyHanko stock", s_stock, s_stock_cpu) + "  (key parsed per use)")
    print(_line("validate RSA", v_rsa, v_rsa_cpu))
    print(_line("validate ECDSA", v_ec, v_ec_cpu))
    print(f"  demo CA first start       : RSA {rsa_made:.0f} ms, ECDSA {ec_made:.0f} ms (once)")


if __name__ == "__main__":
    main()

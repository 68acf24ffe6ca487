"""Render every document with synthetic data, sign it with a demo signer, save PDF and PNG pages.

Usage: ``python -m documents.gallery [--pdf] OUTDIR`` (the PNG pages need ``pdftoppm`` from
Debian's ``poppler-utils``; without it the signed PDFs are written instead).

This script is a small composition root of its own: it is the one module under ``documents/``
that uses ``signing`` (imported inside :func:`main`); the library modules never do.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from documents import samples
from documents.application import render_application
from documents.booking_proof import render_booking_proof
from documents.family_card import render_family_card

DOCUMENTS: dict[str, Callable[[bool], bytes]] = {
    "booking-proof": lambda demo: render_booking_proof(
        samples.booking_proof(), samples.issue("474.11/KTP-7K4M9Q/XII/2026", "7K4M9Q2X", demo=demo)
    ),
    "application-f102": lambda demo: render_application(
        samples.application_f102(), samples.issue("474.1/KK-3QF8ZP/XII/2026", "3QF8ZP7A", demo=demo)
    ),
    "application-f106": lambda demo: render_application(
        samples.application_f106(),
        samples.issue("474.1/KK-3QF8ZP-2/XII/2026", "3QF8ZP7B", demo=demo),
    ),
    "ktp-replacement": lambda demo: render_application(
        samples.application_replacement(),
        samples.issue("474.11/KTPG-8DW2LM/XII/2026", "8DW2LM4C", demo=demo),
    ),
    "family-card": lambda demo: render_family_card(
        samples.family_card(),
        samples.issue("474.1/KK-3371012005180003/XII/2026", "KK9F3T1D", demo=demo),
    ),
}
"""File stem to a function rendering that sample document (unsigned), as a demo document or
not; the gallery prints the demo variant, the tests render both."""


def main(argv: list[str] | None = None) -> int:
    """Write ``NAME.png`` (``NAME-N.png`` per page when several) for every document to OUTDIR.

    With ``--pdf`` (or without ``pdftoppm``) the signed ``NAME.pdf`` files are written too.
    """
    from signing import DemoAuthority  # deferred: see the module docstring

    args = sys.argv[1:] if argv is None else argv
    keep_pdf = "--pdf" in args
    rest = [a for a in args if a != "--pdf"]
    if len(rest) != 1:
        print("usage: python -m documents.gallery [--pdf] OUTDIR", file=sys.stderr)
        return 2
    out = Path(rest[0])
    out.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    keep_pdf = keep_pdf or pdftoppm is None
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        authority = DemoAuthority.ensure(
            work / "keys", office_name=samples.OFFICE.name, head_name=samples.OFFICE.head.name
        )
        signer = authority.signer()
        for stem, render in DOCUMENTS.items():
            unsigned = render(True)  # the demo variant: the demo authority signs it
            signed = signer.sign_sync(unsigned, reason="Dokumen kependudukan", location="Magelang")
            pdf_path = (out if keep_pdf else work) / f"{stem}.pdf"
            pdf_path.write_bytes(signed)
            if pdftoppm is None:
                print(f"{pdf_path} (no pdftoppm: PNG skipped)")
                continue
            for stale in [out / f"{stem}.png", *out.glob(f"{stem}-*.png")]:
                stale.unlink(missing_ok=True)
            subprocess.run(  # noqa: S603 - fixed arguments, our own files
                [pdftoppm, "-png", "-r", "60", str(pdf_path), str(out / stem)], check=True
            )
            pages = sorted(out.glob(f"{stem}-*.png"))
            if len(pages) == 1:
                pages[0].replace(out / f"{stem}.png")
                pages = [out / f"{stem}.png"]
            print(f"{stem}: {', '.join(p.name for p in pages)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

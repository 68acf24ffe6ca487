"""The catalogue of forms: the bundled ``flows/forms/*.yaml`` plus an office's own directory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from flows.definition import Form
from flows.loader import FormDefinitionError, check_catalogue, parse_form_yaml

BUNDLED_FORMS: Final = Path(__file__).resolve().parent.parent / "flows" / "forms"


@dataclass(frozen=True)
class FormCatalogue:
    """Forms by id, and in menu order."""

    forms: dict[str, Form]

    def __iter__(self) -> Iterator[Form]:
        return iter(sorted(self.forms.values(), key=lambda f: (f.order, f.id)))

    def get(self, form_id: str | None) -> Form | None:
        """The form ``form_id``, or ``None``."""
        return self.forms.get(form_id or "")

    def __getitem__(self, form_id: str) -> Form:
        return self.forms[form_id]


def load_catalogue(extra_dir: Path | None = None) -> FormCatalogue:
    """Read and check every form file; a broken one raises ``FormDefinitionError``."""
    files = sorted(BUNDLED_FORMS.glob("*.yaml"))
    bundled = [parse_form_yaml(p.read_text(encoding="utf-8"), str(p)) for p in files]
    forms = check_catalogue(bundled)
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise FormDefinitionError(f"{extra_dir}: FORMS_DIR is not a directory")
        extra = [
            parse_form_yaml(p.read_text(encoding="utf-8"), str(p))
            for p in sorted(extra_dir.glob("*.yaml"))
        ]
        forms.update(check_catalogue(extra))
    if not forms:
        raise FormDefinitionError(f"no form files found in {BUNDLED_FORMS}")
    return FormCatalogue(forms)

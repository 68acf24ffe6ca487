"""The office configuration (``OFFICE_CONFIG`` YAML): who the office is, its area, hours and rules.

Read once at start-up by the composition root; a broken file stops start-up with a message naming
the file and the field. Nothing about a particular office belongs in code.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from booking.policy import BookingPolicy, OfficeHours
from flows.text import Text

BUNDLED_OFFICE: Final = Path(__file__).parent / "offices" / "kota_magelang.yaml"
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OfficeConfigError(ValueError):
    """The office file is missing or broken; the message names the file and the field."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Head(_Model):
    """The head of office who signs documents electronically."""

    name: str
    nip: str = Field(pattern=r"^\d{18}$")
    title: Text


class District(_Model):
    """A kecamatan of the office's area and its kelurahan."""

    code: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{2}$")
    name: str
    kelurahan: tuple[str, ...]


class BookingConfig(_Model):
    """How the office takes bookings (see ``booking.policy.BookingPolicy``)."""

    window_working_days: int = Field(default=10, ge=1, le=60)
    opens_at: time = time(7, 0)
    quotas: dict[str, int] = Field(default_factory=lambda: {"ktp_recording": 30})
    closures: tuple[date, ...] = ()
    collective_leave: tuple[date, ...] = ()
    same_day_booking: bool = False


class Health(_Model):
    """The office's health protocol."""

    max_temperature: float = Field(default=37.5, ge=36.0, le=39.0)


class Office(_Model):
    """One Disdukcapil office."""

    id: str
    name: Text
    short_name: Text
    region_code: str = Field(pattern=r"^\d{2}\.\d{2}$")
    city: str
    province: str
    address: str
    phone: str = ""
    head: Head
    districts: tuple[District, ...]
    hours: dict[str, tuple[time, time]]
    booking: BookingConfig = BookingConfig()
    health: Health = Health()
    retention_days: int = Field(default=90, ge=1)

    @field_validator("hours")
    @classmethod
    def _weekdays(cls, value: dict[str, tuple[time, time]]) -> dict[str, tuple[time, time]]:
        for key, (opens, closes) in value.items():
            if key not in WEEKDAYS:
                raise ValueError(f"unknown weekday {key!r} (use {', '.join(WEEKDAYS)})")
            if opens >= closes:
                raise ValueError(f"{key}: opens at {opens} but closes at {closes}")
        return value

    def kelurahan_choices(self) -> list[tuple[str, str]]:
        """``(value, label)`` of every kelurahan, with its kecamatan, in configuration order."""
        out = []
        for district in self.districts:
            for name in district.kelurahan:
                out.append((_slug(name), f"{name} ({district.name})"))
        return out

    def kecamatan_of(self, kelurahan_value: str) -> District | None:
        """The district a kelurahan value belongs to."""
        for district in self.districts:
            if any(_slug(n) == kelurahan_value for n in district.kelurahan):
                return district
        return None

    def hours_on(self, weekday: int) -> tuple[time, time] | None:
        """Opening and closing time on ``weekday`` (0 = Monday), or ``None`` when closed."""
        return self.hours.get(WEEKDAYS[weekday])

    def booking_policy(self, timezone: str) -> BookingPolicy:
        """The booking rules of this office for ``booking``."""
        b = self.booking
        return BookingPolicy(
            timezone=timezone,
            window_working_days=b.window_working_days,
            opens_at=b.opens_at,
            default_quota=dict(b.quotas),
            closures=frozenset(b.closures),
            collective_leave=frozenset(b.collective_leave),
            same_day_booking=b.same_day_booking,
            office_hours={
                WEEKDAYS.index(k): OfficeHours(opens, closes)
                for k, (opens, closes) in self.hours.items()
            },
        )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def load_office(path: Path | None) -> Office:
    """The office at ``path`` (the bundled Kota Magelang example when ``None``)."""
    source = path or BUNDLED_OFFICE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OfficeConfigError(f"{source}: cannot read the office file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise OfficeConfigError(f"{source}: not valid YAML: {exc}") from exc
    try:
        return Office.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise OfficeConfigError(f"{source}: {problems}") from exc

"""Options supplied at run time to ``choices_from`` questions: kelurahan, and days with places."""

from __future__ import annotations

from datetime import date
from typing import Final

from booking.service import BookingService
from bot.dialog import ChatKey
from bot.office import Office
from bot.texts import DAY_LABEL
from flows.definition import Form
from flows.protocol import ChoicesLoaded, DynamicChoice, LoadChoices
from flows.text import Lang, Text
from flows.validators import format_date


class KelurahanSource:
    """``office.kelurahan``: the kelurahan of the office's area, with their kecamatan."""

    def __init__(self, office: Office) -> None:
        self._choices = tuple(
            DynamicChoice(value, Text(label, label)) for value, label in office.kelurahan_choices()
        )

    def __call__(
        self, request: LoadChoices, *, chat: ChatKey, lang: Lang, form: Form
    ) -> ChoicesLoaded:
        """Every kelurahan (the list does not depend on the chat)."""
        del chat, lang, form
        return ChoicesLoaded(request.path, self._choices)


def day_label(day: date, left: int) -> Text:
    """``Senin, 7 Desember — sisa 12`` in both languages (the year is left out)."""
    return Text(
        DAY_LABEL.id.format(day=_without_year(format_date(day, "id", weekday=True)), left=left),
        DAY_LABEL.en.format(day=_without_year(format_date(day, "en", weekday=True)), left=left),
    )


DAYS_FRESH_S: Final = 1.0
"""The days shown may come from a read this old (``BookingService.availability``): under a
burst, every citizen reaching the day question at once would read the same counters. The
places left may lag by a second (a booking checks them again, atomically); a day staff closed
through this process is shown closed at once."""


class BookableDaysSource:
    """``booking.days``: the bookable days of the form's service with the places left; full
    and closed days are listed but cannot be chosen."""

    def __init__(self, booking: BookingService) -> None:
        self._booking = booking

    def __call__(
        self, request: LoadChoices, *, chat: ChatKey, lang: Lang, form: Form
    ) -> ChoicesLoaded:
        """The days of the booking window right now."""
        del chat, lang
        if form.service is None:
            return ChoicesLoaded(request.path, ())
        options = []
        for day in self._booking.availability(form.service, max_age=DAYS_FRESH_S):
            options.append(
                DynamicChoice(
                    value=day.day.isoformat(),
                    label=day_label(day.day, day.left),
                    enabled=day.left > 0 and not day.closed,
                )
            )
        return ChoicesLoaded(request.path, tuple(options))


def _without_year(text: str) -> str:
    parts = text.rsplit(" ", 1)
    return parts[0] if len(parts) == 2 and parts[1].isdigit() else text

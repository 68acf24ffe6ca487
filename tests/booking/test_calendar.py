"""Working days and the booking window (pure: explicit ``now`` values, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.calendar import CLOSURE, COLLECTIVE_LEAVE, WEEKEND, WorkingCalendar
from booking.errors import Unbookable
from booking.policy import BookingPolicy
from tests.booking import JAKARTA, wib

CHRISTMAS = date(2026, 12, 25)
INDEPENDENCE_DAY = date(2026, 8, 17)
CHRISTMAS_EVE_LEAVE = date(2026, 12, 24)  # cuti bersama in the library's "government" category


@pytest.fixture
def calendar() -> WorkingCalendar:
    """The default policy's calendar."""
    return WorkingCalendar(BookingPolicy())


def _library_name(day: date, language: str = "id") -> str:
    name = holidays.country_holidays("ID", years=day.year, language=language).get(day)
    assert name is not None
    return str(name)


def test_public_holidays_come_from_the_library(calendar: WorkingCalendar) -> None:
    assert calendar.reason_closed(CHRISTMAS) == _library_name(CHRISTMAS)
    assert calendar.reason_closed(INDEPENDENCE_DAY) == _library_name(INDEPENDENCE_DAY)
    assert not calendar.is_working_day(CHRISTMAS)
    assert not calendar.is_working_day(INDEPENDENCE_DAY)


def test_holiday_names_follow_the_policy_language() -> None:
    calendar = WorkingCalendar(BookingPolicy(holiday_language="en_US"))
    assert calendar.reason_closed(CHRISTMAS) == "Christmas Day"


@pytest.mark.parametrize(
    "now",
    [wib(2026, 12, 14, 8), wib(2026, 12, 18, 7), wib(2026, 12, 23, 15)],
    ids=["10-days-ahead", "week-before", "day-before"],
)
def test_christmas_is_never_offered(calendar: WorkingCalendar, now: datetime) -> None:
    assert CHRISTMAS not in calendar.bookable_days(now)
    error = calendar.why_not_bookable(CHRISTMAS, now)
    assert error is not None
    assert error.kind is Unbookable.OFFICE_CLOSED
    assert error.detail == _library_name(CHRISTMAS)


def test_independence_day_is_never_offered(calendar: WorkingCalendar) -> None:
    days = calendar.bookable_days(wib(2026, 8, 10, 8))
    assert date(2026, 8, 14) in days
    assert date(2026, 8, 18) in days
    assert INDEPENDENCE_DAY not in days


def test_weekends_are_closed(calendar: WorkingCalendar) -> None:
    assert calendar.reason_closed(date(2026, 12, 5)) == WEEKEND  # Saturday
    assert calendar.reason_closed(date(2026, 12, 6)) == WEEKEND  # Sunday
    days = calendar.bookable_days(wib(2026, 12, 1))
    assert all(day.weekday() < 5 for day in days)


def test_closure_is_not_offered() -> None:
    closed = date(2026, 12, 9)
    calendar = WorkingCalendar(BookingPolicy(closures=frozenset({closed})))
    assert calendar.reason_closed(closed) == CLOSURE
    days = calendar.bookable_days(wib(2026, 12, 1))
    assert closed not in days
    # The window still has ten working days: it reaches one day further.
    assert len(days) == 10
    assert days[-1] == date(2026, 12, 16)


def test_collective_leave_from_the_policy_is_not_offered() -> None:
    leave = date(2026, 12, 10)
    calendar = WorkingCalendar(BookingPolicy(collective_leave=frozenset({leave})))
    assert calendar.reason_closed(leave) == COLLECTIVE_LEAVE
    assert leave not in calendar.bookable_days(wib(2026, 12, 1))


def test_collective_leave_from_the_library_can_be_switched_off() -> None:
    with_library = WorkingCalendar(BookingPolicy())
    assert with_library.reason_closed(CHRISTMAS_EVE_LEAVE) == COLLECTIVE_LEAVE
    without = WorkingCalendar(BookingPolicy(library_collective_leave=False))
    assert without.is_working_day(CHRISTMAS_EVE_LEAVE)


def test_extra_working_day_opens_a_saturday_but_a_closure_wins() -> None:
    saturday = date(2026, 12, 12)
    calendar = WorkingCalendar(BookingPolicy(extra_working_days=frozenset({saturday})))
    assert calendar.is_working_day(saturday)
    assert saturday in calendar.bookable_days(wib(2026, 12, 1))
    both = WorkingCalendar(
        BookingPolicy(extra_working_days=frozenset({saturday}), closures=frozenset({saturday}))
    )
    assert both.reason_closed(saturday) == CLOSURE


def test_past_days_and_today_are_never_offered(calendar: WorkingCalendar) -> None:
    now = wib(2026, 12, 8, 9)
    days = calendar.bookable_days(now)
    assert days
    assert min(days) > now.date()
    past = calendar.why_not_bookable(date(2026, 12, 7), now)
    assert past is not None
    assert past.kind is Unbookable.PAST
    today = calendar.why_not_bookable(now.date(), now)
    assert today is not None
    assert today.kind is Unbookable.TODAY


def test_same_day_booking_offers_today_until_the_office_closes() -> None:
    calendar = WorkingCalendar(BookingPolicy(same_day_booking=True))
    assert calendar.bookable_days(wib(2026, 12, 8, 9))[0] == date(2026, 12, 8)
    assert calendar.bookable_days(wib(2026, 12, 8, 6))[0] == date(2026, 12, 8)
    assert calendar.bookable_days(wib(2026, 12, 8, 15))[0] == date(2026, 12, 9)
    # Friday closes at 11:00.
    assert calendar.bookable_days(wib(2026, 12, 11, 10, 59))[0] == date(2026, 12, 11)
    assert calendar.bookable_days(wib(2026, 12, 11, 11))[0] == date(2026, 12, 14)


def test_window_opens_a_new_day_at_opens_at(calendar: WorkingCalendar) -> None:
    # Monday 7 December 2026. Before 07:00 the window is the one Friday opened.
    before = calendar.bookable_days(wib(2026, 12, 7, 6, 59))
    at = calendar.bookable_days(wib(2026, 12, 7, 7, 0))
    assert before == [
        date(2026, 12, 8),
        date(2026, 12, 9),
        date(2026, 12, 10),
        date(2026, 12, 11),
        date(2026, 12, 14),
        date(2026, 12, 15),
        date(2026, 12, 16),
        date(2026, 12, 17),
        date(2026, 12, 18),
    ]
    assert at == [*before, date(2026, 12, 21)]
    error = calendar.why_not_bookable(date(2026, 12, 21), wib(2026, 12, 7, 6, 59))
    assert error is not None
    assert error.kind is Unbookable.NOT_OPEN_YET


def test_window_is_computed_in_office_time() -> None:
    calendar = WorkingCalendar(BookingPolicy())
    # 00:00 UTC is 07:00 in Jakarta.
    just_before = datetime(2026, 12, 6, 23, 59, 59, tzinfo=UTC)
    at_opening = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert date(2026, 12, 21) not in calendar.bookable_days(just_before)
    assert date(2026, 12, 21) in calendar.bookable_days(at_opening)


def test_weekend_keeps_fridays_window(calendar: WorkingCalendar) -> None:
    friday_evening = calendar.bookable_days(wib(2026, 12, 11, 20))
    saturday = calendar.bookable_days(wib(2026, 12, 12, 10))
    sunday_late = calendar.bookable_days(wib(2026, 12, 13, 23, 59))
    assert friday_evening == saturday == sunday_late
    # Christmas Eve (collective leave) and Christmas are skipped.
    assert saturday[-3:] == [date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 29)]


def test_window_over_the_year_end_skips_new_year(calendar: WorkingCalendar) -> None:
    days = calendar.bookable_days(wib(2026, 12, 28, 8))
    assert date(2027, 1, 1) not in days
    assert days[0] == date(2026, 12, 29)
    assert all(day.weekday() < 5 for day in days)


def test_next_working_days(calendar: WorkingCalendar) -> None:
    assert calendar.next_working_days(date(2026, 12, 23), 3) == [
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
    ]
    assert calendar.next_working_days(date(2026, 12, 23), 0) == []
    assert calendar.previous_working_day(date(2026, 12, 28)) == date(2026, 12, 23)


def test_naive_now_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.bookable_days(datetime(2026, 12, 1, 9, 0))  # noqa: DTZ001 - the point of the test


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(JAKARTA),
    ),
    same_day=st.booleans(),
)
def test_window_properties(moment: datetime, same_day: bool) -> None:
    policy = BookingPolicy(same_day_booking=same_day)
    calendar = WorkingCalendar(policy)
    days = calendar.bookable_days(moment)
    today = moment.date()
    assert days == sorted(set(days))
    assert all(calendar.is_working_day(day) for day in days)
    assert all(day > today or (same_day and day == today) for day in days)
    future = [day for day in days if day > today]
    assert len(future) in {policy.window_working_days - 1, policy.window_working_days}
    # The window is contiguous in working days: nothing bookable is skipped inside it.
    if future:
        assert future == calendar.next_working_days(today, len(future))
    # A day becomes bookable exactly when its window opens, and stays bookable until it is today.
    an_hour_later = moment + timedelta(hours=1)
    later = calendar.bookable_days(an_hour_later)
    assert all(day in later for day in days if day > an_hour_later.date())


def test_opens_at_is_configurable() -> None:
    calendar = WorkingCalendar(BookingPolicy(opens_at=time(0, 0), window_working_days=1))
    assert calendar.bookable_days(wib(2026, 12, 7, 0, 0)) == [date(2026, 12, 8)]
    assert calendar.bookable_days(wib(2026, 12, 6, 23, 59)) == [date(2026, 12, 7)]


def test_warm_computes_the_years_up_front(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = holidays.country_holidays

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(holidays, "country_holidays", counting)
    calendar = WorkingCalendar(BookingPolicy())
    calendar.warm(2026, 2027)
    assert set(calls) == {2026, 2027}
    calls.clear()
    assert calendar.holiday_name(date(2027, 1, 1)) is not None  # New Year's Day
    assert not calendar.is_working_day(date(2026, 12, 25))  # Christmas
    assert calls == []  # answered from what warm() computed

"""The booking policy: validation, sessions per weekday, code prefixes."""

from __future__ import annotations

import pickle
from datetime import date, time

import pytest

from booking.errors import BookingConfigError
from booking.policy import KTP_RECORDING, BookingPolicy, OfficeHours, Session

MORNING = Session("morning", time(8, 0), time(12, 0), 20)
AFTERNOON = Session("afternoon", time(13, 0), time(15, 0), 10)


def test_defaults() -> None:
    policy = BookingPolicy()
    assert policy.timezone == "Asia/Jakarta"
    assert policy.window_working_days == 10
    assert policy.opens_at == time(7, 0)
    assert policy.default_quota == {KTP_RECORDING: 30}
    assert policy.same_day_booking is False
    assert policy.hours_on(date(2026, 12, 11)) == OfficeHours(time(8, 0), time(11, 0))  # Friday
    assert policy.hours_on(date(2026, 12, 12)) is None  # Saturday
    assert policy.quota_on(KTP_RECORDING, date(2026, 12, 7)) == 30


def test_session_shares_must_sum_to_the_quota() -> None:
    with pytest.raises(BookingConfigError, match="sum to 25"):
        BookingPolicy(sessions={KTP_RECORDING: (MORNING, Session("x", time(13), time(14), 5))})
    BookingPolicy(sessions={KTP_RECORDING: (MORNING, AFTERNOON)})


def test_sessions_outside_office_hours_are_not_held() -> None:
    policy = BookingPolicy(sessions={KTP_RECORDING: (MORNING, AFTERNOON)})
    monday, friday = date(2026, 12, 7), date(2026, 12, 11)
    assert policy.sessions_on(KTP_RECORDING, monday) == (MORNING, AFTERNOON)
    assert policy.quota_on(KTP_RECORDING, monday) == 30
    # Friday's office closes at 11:00: the morning is held (shortened), the afternoon is not.
    assert policy.sessions_on(KTP_RECORDING, friday) == (MORNING,)
    assert policy.quota_on(KTP_RECORDING, friday) == 20
    assert policy.sessions_on(KTP_RECORDING, date(2026, 12, 12)) == ()  # Saturday


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timezone": "Mars/Olympus"},
        {"window_working_days": 0},
        {"default_quota": {KTP_RECORDING: -1}},
        {"office_hours": {}},
        {"office_hours": {7: OfficeHours(time(8), time(9))}},
        {"sessions": {"unknown": (MORNING,)}},
        {"sessions": {KTP_RECORDING: (MORNING, MORNING)}},
    ],
)
def test_inconsistent_policies_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(BookingConfigError):
        BookingPolicy(**kwargs)  # type: ignore[arg-type]


def test_bad_sessions_and_hours_are_refused() -> None:
    with pytest.raises(BookingConfigError):
        Session("late", time(15), time(13), 5)
    with pytest.raises(BookingConfigError):
        OfficeHours(time(15), time(8))


def test_code_prefixes() -> None:
    policy = BookingPolicy(default_quota={KTP_RECORDING: 30, "kk_data_change": 20})
    assert policy.code_prefix(KTP_RECORDING) == "KTP"
    assert policy.code_prefix("kk_data_change") == "KDC"


def test_policy_is_immutable_copied_and_picklable() -> None:
    quotas = {KTP_RECORDING: 30}
    policy = BookingPolicy(default_quota=quotas, closures={date(2026, 12, 9)})  # type: ignore[arg-type]
    quotas[KTP_RECORDING] = 1
    assert policy.default_quota[KTP_RECORDING] == 30
    assert policy.closures == frozenset({date(2026, 12, 9)})
    with pytest.raises(AttributeError):
        policy.window_working_days = 3  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(policy)) == policy  # noqa: S301 - our own bytes

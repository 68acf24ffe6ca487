"""Booking of office visits (KTP-el recording first) under a daily quota per service.

Layers: ``policy`` (configuration values), ``calendar`` (pure working-day rules and the booking
window), ``service`` (the API the chat layer and staff pages call), ``ports`` (the storage
interface, implemented by ``storage.booking``). Nothing here imports SQLAlchemy or the network.
"""

from __future__ import annotations

from booking.calendar import WorkingCalendar
from booking.codes import new_code, normalise_code
from booking.errors import (
    AlreadyBooked,
    BookingConfigError,
    BookingError,
    BookingNotActive,
    BookingNotFound,
    DayFull,
    DayNotBookable,
    QuotaBelowBooked,
    SessionFull,
    SessionRequired,
    Unbookable,
    UnknownService,
    UnknownSession,
)
from booking.models import (
    Booking,
    BookingStatus,
    DayAvailability,
    SessionAvailability,
)
from booking.policy import KTP_RECORDING, BookingPolicy, OfficeHours, Session
from booking.ports import BookingStore, NewBooking
from booking.service import BookingService, Clock, utc_now
from flows.validators import mask_nik  # one masking rule for the whole product

__all__ = [
    "KTP_RECORDING",
    "AlreadyBooked",
    "Booking",
    "BookingConfigError",
    "BookingError",
    "BookingNotActive",
    "BookingNotFound",
    "BookingPolicy",
    "BookingService",
    "BookingStatus",
    "BookingStore",
    "Clock",
    "DayAvailability",
    "DayFull",
    "DayNotBookable",
    "NewBooking",
    "OfficeHours",
    "QuotaBelowBooked",
    "Session",
    "SessionAvailability",
    "SessionFull",
    "SessionRequired",
    "Unbookable",
    "UnknownService",
    "UnknownSession",
    "WorkingCalendar",
    "mask_nik",
    "new_code",
    "normalise_code",
    "utc_now",
]

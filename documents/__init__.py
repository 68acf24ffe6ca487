"""A4 PDF documents of the office (reportlab): booking proof, submitted forms, KK printout.

Layering: this package imports nothing from ``bot``, ``storage`` or ``signing`` (only
``flows.validators`` and ``flows.text`` for dates and masking); it returns unsigned PDF bytes
that the delivery pipeline signs. Output is deterministic for the same input, fonts are
embedded TrueType, every page has the document number, the verification QR code and, for a demo
signer, a ``DEMO — bukan dokumen resmi`` banner.
"""

from documents.application import render_application
from documents.booking_proof import render_booking_proof
from documents.errors import DocumentDataError, DocumentError, FontError
from documents.family_card import render_family_card
from documents.fonts import Fonts, default_fonts, register_family
from documents.models import (
    Address,
    ApplicationForm,
    Block,
    BookingProof,
    Checklist,
    FamilyCard,
    FamilyMember,
    Group,
    Issue,
    OfficeInfo,
    Section,
    Signatory,
    Statement,
)

__all__ = [
    "Address",
    "ApplicationForm",
    "Block",
    "BookingProof",
    "Checklist",
    "DocumentDataError",
    "DocumentError",
    "FamilyCard",
    "FamilyMember",
    "FontError",
    "Fonts",
    "Group",
    "Issue",
    "OfficeInfo",
    "Section",
    "Signatory",
    "Statement",
    "default_fonts",
    "register_family",
    "render_application",
    "render_booking_proof",
    "render_family_card",
]

"""Synthetic sample data for the gallery, the benchmark and the tests.

Every NIK and KK number here is synthetic (valid in shape, Kota Magelang codes); none belongs to
a real person. The office mirrors the bundled Kota Magelang example office file.
"""

from __future__ import annotations

from datetime import date, time
from typing import Final

from documents.models import (
    Address,
    ApplicationForm,
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

OFFICE: Final = OfficeInfo(
    name="Dinas Kependudukan dan Pencatatan Sipil Kota Magelang",
    short_name="Disdukcapil Kota Magelang",
    address="Jl. Sarwo Edie Wibowo, Kota Magelang, Jawa Tengah",
    city="Kota Magelang",
    phone="(0293) 362000",
    head=Signatory(
        name="Drs. Contoh Kepala Dinas, M.Si.",
        nip="196801011990031001",
        title="Kepala Dinas",
    ),
)
ISSUED: Final = date(2026, 12, 3)
BASE_URL: Final = "https://adminduk.magelangkota.example/v"

KK_NUMBER: Final = "3371012005180003"
HEAD_NIK: Final = "3371011203850002"
WIFE_NIK: Final = "3371015708900001"
DAUGHTER_NIK: Final = "3371016504150003"
SON_NIK: Final = "3371010309180004"


def issue(number: str, token: str, *, demo: bool = True) -> Issue:
    """An issue record of the sample office with verification token ``token``."""
    return Issue(
        number=number,
        issued_on=ISSUED,
        office=OFFICE,
        verify_url=f"{BASE_URL}/{token}",
        demo=demo,
    )


def booking_proof() -> BookingProof:
    """A KTP-el recording booking on Monday 7 December 2026, morning session."""
    return BookingProof(
        code="KTP-7K4M9Q",
        queue_number=12,
        holder_name="Siti Rahayu",
        nik=WIFE_NIK,
        day=date(2026, 12, 7),
        arrive_from=time(8, 0),
        arrive_until=time(11, 0),
        session="Pagi",
    )


ADDRESS: Final = Address(
    street="Jl. Tidar No. 12",
    rt="1",
    rw="4",
    kelurahan="Magersari",
    kecamatan="Magelang Selatan",
    city="Kota Magelang",
    postal_code="56126",
    province="Jawa Tengah",
)


def family_card() -> FamilyCard:
    """A family of four in Magersari, Magelang Selatan (synthetic)."""
    members = (
        FamilyMember(
            name="Budi Santoso",
            nik=HEAD_NIK,
            sex="L",
            birth_place="Magelang",
            birth_date=date(1985, 3, 12),
            religion="Islam",
            education="Diploma IV/Strata I",
            occupation="Karyawan Swasta",
            blood_type="O",
            relationship="Kepala Keluarga",
            marital_status="Kawin Tercatat",
            marriage_date=date(2012, 6, 30),
            father_name="Slamet Riyadi",
            mother_name="Sri Wahyuni",
        ),
        FamilyMember(
            name="Siti Rahayu",
            nik=WIFE_NIK,
            sex="P",
            birth_place="Temanggung",
            birth_date=date(1990, 8, 17),
            religion="Islam",
            education="SLTA/Sederajat",
            occupation="Wiraswasta",
            blood_type="A",
            relationship="Istri",
            marital_status="Kawin Tercatat",
            marriage_date=date(2012, 6, 30),
            father_name="Ahmad Fauzi",
            mother_name="Nur'aini",
        ),
        FamilyMember(
            name="Dewi Lestari Santoso",
            nik=DAUGHTER_NIK,
            sex="P",
            birth_place="Magelang",
            birth_date=date(2015, 4, 25),
            religion="Islam",
            education="Tamat SD/Sederajat",
            occupation="Pelajar/Mahasiswa",
            relationship="Anak",
            marital_status="Belum Kawin",
            father_name="Budi Santoso",
            mother_name="Siti Rahayu",
        ),
        FamilyMember(
            name="Andi Pratama Santoso",
            nik=SON_NIK,
            sex="L",
            birth_place="Magelang",
            birth_date=date(2018, 9, 3),
            religion="Islam",
            education="Belum Tamat SD/Sederajat",
            occupation="Pelajar/Mahasiswa",
            relationship="Anak",
            marital_status="Belum Kawin",
            father_name="Budi Santoso",
            mother_name="Siti Rahayu",
        ),
    )
    return FamilyCard(
        kk_number=KK_NUMBER, head_name="Budi Santoso", address=ADDRESS, members=members
    )


def _applicant(
    name: str = "Budi Santoso", nik: str = HEAD_NIK, email: str = "budi@contoh.example"
) -> Section:
    return Section(
        title="Data Pemohon",
        rows=(
            ("Nama lengkap", name),
            ("NIK", nik),
            ("Nomor KK", KK_NUMBER),
            ("Alamat", "Jl. Tidar No. 12, RT 001/RW 004, Magersari, Magelang Selatan"),
            ("Nomor telepon", "0812-3456-7890"),
            ("Email", email),
        ),
    )


DECLARATION: Final = (
    "Dengan ini saya menyatakan bahwa data yang saya isi dan lampirkan adalah benar. Apabila di "
    "kemudian hari ternyata tidak benar, saya bersedia dikenai sanksi sesuai ketentuan peraturan "
    "perundang-undangan."
)


def application_f102() -> ApplicationForm:
    """F-1.02 for a KK data change (education and occupation of the head of family)."""
    return ApplicationForm(
        form_code="F-1.02",
        form_name="Formulir Pendaftaran Peristiwa Kependudukan",
        subtitle="Perubahan data Kartu Keluarga",
        reference="KK-3QF8ZP",
        submitted_on=date(2026, 12, 2),
        applicant_name="Budi Santoso",
        blocks=(
            _applicant(),
            Checklist(
                title="Jenis permohonan",
                items=(
                    ("Kartu Keluarga: baru", False),
                    ("Kartu Keluarga: perubahan data", True),
                    ("Kartu Keluarga: hilang atau rusak", False),
                    ("KTP-el: baru", False),
                    ("KTP-el: pindah datang", False),
                    ("KTP-el: hilang atau rusak", False),
                ),
            ),
            Section(
                title="Alasan permohonan",
                rows=(("Alasan", "Perubahan pendidikan terakhir dan pekerjaan kepala keluarga"),),
            ),
            Checklist(
                title="Persyaratan yang dilampirkan",
                items=(
                    ("Kartu Keluarga lama (asli)", True),
                    ("Ijazah terakhir (unggahan berkas)", True),
                    ("Surat keterangan kerja (unggahan berkas)", True),
                    ("Buku nikah / akta perkawinan", False),
                    ("Surat keterangan kehilangan dari kepolisian", False),
                ),
            ),
            Statement(title="Pernyataan", text=DECLARATION),
        ),
    )


def application_f106() -> ApplicationForm:
    """F-1.06 with the KK members and two changed elements."""
    return ApplicationForm(
        form_code="F-1.06",
        form_name="Formulir Pernyataan Perubahan Elemen Data Kependudukan",
        reference="KK-3QF8ZP",
        submitted_on=date(2026, 12, 2),
        applicant_name="Budi Santoso",
        blocks=(
            _applicant(),
            Group(
                title="Anggota keluarga",
                columns=("Nama lengkap", "NIK", "Status hubungan dalam keluarga"),
                rows=(
                    ("Budi Santoso", HEAD_NIK, "Kepala Keluarga"),
                    ("Siti Rahayu", WIFE_NIK, "Istri"),
                    ("Dewi Lestari Santoso", DAUGHTER_NIK, "Anak"),
                    ("Andi Pratama Santoso", SON_NIK, "Anak"),
                ),
                widths=(3, 2.2, 2.2),
            ),
            Group(
                title="Elemen data yang berubah",
                columns=("Nama", "Elemen data", "Semula", "Menjadi", "Dasar perubahan"),
                rows=(
                    (
                        "Budi Santoso",
                        "Pendidikan terakhir",
                        "SLTA/Sederajat",
                        "Diploma IV/Strata I",
                        "Ijazah S1 No. 123/UT/2025",
                    ),
                    (
                        "Budi Santoso",
                        "Jenis pekerjaan",
                        "Wiraswasta",
                        "Karyawan Swasta",
                        "Surat keterangan kerja PT Contoh Jaya",
                    ),
                ),
                widths=(2.2, 1.8, 1.8, 1.8, 2.6),
            ),
            Statement(title="Pernyataan", text=DECLARATION),
        ),
    )


def application_replacement() -> ApplicationForm:
    """A KTP-el replacement request after a loss (F-1.02, police loss report attached)."""
    return ApplicationForm(
        form_code="F-1.02",
        form_name="Formulir Pendaftaran Peristiwa Kependudukan",
        subtitle="Permohonan penggantian KTP-el karena hilang",
        reference="KTPG-8DW2LM",
        submitted_on=date(2026, 12, 1),
        applicant_name="Siti Rahayu",
        blocks=(
            _applicant("Siti Rahayu", WIFE_NIK, "siti.rahayu@contoh.example"),
            Checklist(
                title="Jenis permohonan",
                items=(
                    ("KTP-el: hilang", True),
                    ("KTP-el: rusak", False),
                    ("KTP-el: perubahan data", False),
                ),
            ),
            Section(
                title="Keterangan kehilangan",
                rows=(
                    ("Nomor surat keterangan kehilangan", "SKTLK/1234/XI/2026/Sek. Magelang Sel."),
                    ("Tanggal surat", "28 November 2026"),
                    ("Kronologi singkat", "Dompet berisi KTP-el hilang di Pasar Rejowinangun."),
                ),
            ),
            Checklist(
                title="Persyaratan yang dilampirkan",
                items=(
                    ("Surat keterangan kehilangan dari kepolisian (unggahan berkas)", True),
                    ("Fotokopi Kartu Keluarga", True),
                    ("KTP-el yang rusak (dibawa saat datang)", False),
                ),
            ),
            Statement(title="Pernyataan", text=DECLARATION),
        ),
    )

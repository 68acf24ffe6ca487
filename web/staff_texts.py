"""Texts of the staff pages and of the messages staff actions send to citizens, in Bahasa
Indonesia (default) and English."""

from __future__ import annotations

from typing import Final

from flows.text import Text

T = Text

PAGE: Final[dict[str, Text]] = {
    "service": T("Halaman petugas", "Staff pages"),
    "footer": T(
        "Setiap tampilan dan perubahan data pribadi dicatat (UU 27/2022). Jangan tinggalkan "
        "komputer dalam keadaan masuk.",
        "Every view and change of personal data is logged (Law 27/2022). Do not leave the "
        "computer signed in.",
    ),
    "nav_home": T("Beranda", "Home"),
    "nav_bookings": T("Antrean & kedatangan", "Bookings & check-in"),
    "nav_reviews": T("Pemeriksaan berkas", "Reviews"),
    "nav_tickets": T("Bantuan warga", "Hand-offs"),
    "nav_days": T("Kuota & hari tutup", "Quotas & closed days"),
    "nav_audit": T("Log audit", "Audit log"),
    "signed_in_as": T("Masuk sebagai", "Signed in as"),
    "sign_out": T("Keluar", "Sign out"),
    # sign-in
    "login_title": T("Masuk petugas", "Staff sign-in"),
    "username": T("Nama pengguna", "Username"),
    "password": T("Kata sandi", "Password"),
    "sign_in": T("Masuk", "Sign in"),
    "bad_login": T("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "locked": T(
        "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam {minutes} "
        "menit. Jika lupa kata sandi, hubungi admin.",
        "Too many failed sign-in attempts. For security, try again in {minutes} minutes. If you "
        "forgot your password, ask an admin.",
    ),
    "signed_out": T("Anda sudah keluar.", "You are signed out."),
    "session_ended": T(
        "Sesi berakhir atau belum masuk. Silakan masuk lagi.",
        "Your session ended or you are not signed in. Please sign in again.",
    ),
    # errors
    "forbidden_title": T("Tidak diizinkan", "Not allowed"),
    "csrf": T(
        "Formulir ini kedaluwarsa atau tidak sah (token keamanan salah). Muat ulang halaman lalu "
        "coba lagi. Tidak ada yang diubah.",
        "This form has expired or is not valid (wrong security token). Reload the page and try "
        "again. Nothing was changed.",
    ),
    "admin_only": T("Halaman ini hanya untuk admin.", "This page is for admins only."),
    "not_found": T("Data tidak ditemukan.", "Not found."),
    # home
    "home_title": T("Beranda petugas", "Staff home"),
    "today": T("Hari ini", "Today"),
    "expected_today": T("Warga terdaftar hari ini", "Citizens booked for today"),
    "pending_reviews": T("Berkas menunggu pemeriksaan", "Submissions waiting for review"),
    "open_tickets": T("Permintaan bantuan terbuka", "Open hand-offs"),
    "failed_jobs": T(
        "Pengiriman yang gagal (sudah dicoba berulang kali)",
        "Deliveries that failed (after repeated attempts)",
    ),
    "job_kind": T("Jenis", "Kind"),
    "job_key": T("Kunci", "Key"),
    "job_attempts": T("Percobaan", "Attempts"),
    "job_error": T("Galat terakhir", "Last error"),
    "office_closed_today": T("Kantor tidak melayani hari ini", "The office is closed today"),
    # bookings
    "bookings_title": T("Antrean dan pemeriksaan di pintu", "Bookings and door check-in"),
    "service_label": T("Layanan", "Service"),
    "day_label": T("Tanggal", "Day"),
    "show": T("Tampilkan", "Show"),
    "queue": T("Antrean", "Queue"),
    "code": T("Kode", "Code"),
    "name": T("Nama", "Name"),
    "session": T("Sesi", "Session"),
    "status": T("Status", "Status"),
    "checkin": T("Kedatangan", "Check-in"),
    "temperature": T("Suhu (°C)", "Temperature (°C)"),
    "record_arrival": T("Catat kedatangan", "Record arrival"),
    "no_bookings": T("Belum ada pendaftaran pada hari ini.", "No bookings on this day."),
    "places": T("{booked}/{quota} terisi", "{booked}/{quota} booked"),
    "closed": T("Tutup", "Closed"),
    "download_csv": T("Unduh CSV", "Download CSV"),
    "max_temp_note": T(
        "Batas suhu masuk: {max} °C. Di atas batas: warga tidak boleh masuk dan otomatis "
        "ditawari hari lain lewat Telegram.",
        "Entry limit: {max} °C. Above it the citizen may not enter and is offered another day on "
        "Telegram.",
    ),
    "checkin_only_today": T(
        "Kedatangan hanya dapat dicatat pada hari pendaftaran.",
        "Arrival can be recorded only on the booked day.",
    ),
    "admitted": T("✔ Masuk {time}, {temp} °C", "✔ In at {time}, {temp} °C"),
    "refused": T("✖ Ditolak {time}, {temp} °C", "✖ Refused at {time}, {temp} °C"),
    "checkin_ok": T(
        "Antrean {queue} ({code}) boleh masuk. Suhu {temp} °C.",
        "Queue {queue} ({code}) may enter. Temperature {temp} °C.",
    ),
    "checkin_refused": T(
        "PERHATIAN: suhu {temp} °C di atas batas {max} °C. Antrean {queue} ({code}) TIDAK boleh "
        "masuk hari ini. Warga sudah dikirimi pesan untuk memilih hari lain.",
        "ATTENTION: {temp} °C is above the {max} °C limit. Queue {queue} ({code}) may NOT enter "
        "today. The citizen was sent a message to choose another day.",
    ),
    "checkin_refused_unsent": T(
        "PERHATIAN: suhu {temp} °C di atas batas {max} °C. Antrean {queue} ({code}) TIDAK boleh "
        "masuk hari ini. Pesan ke warga GAGAL terkirim: sampaikan langsung agar memilih hari lain "
        "lewat bot (/status).",
        "ATTENTION: {temp} °C is above the {max} °C limit. Queue {queue} ({code}) may NOT enter "
        "today. The message to the citizen could NOT be sent: tell them to choose another day "
        "in the bot (/status).",
    ),
    "bad_temperature": T(
        "Suhu tidak terbaca. Tulis angka seperti 36,5 (antara 34 dan 43).",
        "The temperature could not be read. Write a number like 36.5 (between 34 and 43).",
    ),
    "already_in": T(
        "Antrean {code} sudah tercatat masuk.", "Booking {code} has already been let in."
    ),
    "booking_not_active": T(
        "Pendaftaran {code} tidak aktif (dibatalkan, dipindah, atau hari ditutup).",
        "Booking {code} is not active (cancelled, moved, or the day was closed).",
    ),
    # reviews
    "reviews_title": T("Berkas menunggu pemeriksaan", "Submissions waiting for review"),
    "list_truncated": T(
        "Menampilkan {shown} yang terlama dari {total}. Selesaikan yang ini dulu; sisanya muncul "
        "setelahnya.",
        "Showing the {shown} oldest of {total}. Deal with these first; the rest appear after.",
    ),
    "reference": T("Nomor", "Reference"),
    "form": T("Layanan", "Form"),
    "received": T("Diterima", "Received"),
    "no_reviews": T("Tidak ada berkas yang menunggu.", "Nothing is waiting for review."),
    "open": T("Buka", "Open"),
    "answers": T("Jawaban warga", "Answers"),
    "files": T("Berkas unggahan", "Uploaded files"),
    "no_files": T("Tidak ada berkas unggahan.", "No uploaded files."),
    "approve": T("Setujui dan terbitkan dokumen", "Approve and issue the document"),
    "reject": T("Tolak", "Reject"),
    "reject_reason": T(
        "Alasan penolakan (dikirim ke warga)", "Reason for rejection (sent to the citizen)"
    ),
    "decided": T(
        "Berkas ini sudah diputuskan: {status}.", "This submission was already decided: {status}."
    ),
    "reason_label": T("Alasan", "Reason"),
    "approved_flash": T(
        "Permohonan {reference} disetujui; dokumen sedang diterbitkan.",
        "Request {reference} approved; the document is being issued.",
    ),
    "rejected_flash": T(
        "Permohonan {reference} ditolak; warga sudah diberi tahu alasannya.",
        "Request {reference} rejected; the citizen was told why.",
    ),
    "citizen_unreached": T(
        " Pesan ke warga gagal terkirim; hubungi warga dengan cara lain.",
        " The message to the citizen could not be sent; reach them another way.",
    ),
    "reason_needed": T(
        "Tulis alasan penolakan (3–500 huruf).",
        "Write the reason for rejection (3–500 characters).",
    ),
    # the new KK of a KK change
    "kk_section": T("Data KK baru", "New family card data"),
    "kk_done": T("Sudah dilengkapi oleh {who} pada {at}.", "Completed by {who} on {at}."),
    "kk_missing": T(
        "Belum dilengkapi. Sebelum menyetujui, lengkapi data seluruh anggota keluarga dari "
        "SIAK: KK baru dicetak dari data ini.",
        "Not completed yet. Before approving, complete the whole family's data from SIAK: the "
        "new KK is printed from it.",
    ),
    "kk_complete": T("Lengkapi data KK", "Complete the KK data"),
    "kk_edit": T("Ubah data KK", "Edit the KK data"),
    "kk_view": T("Lihat data KK", "View the KK data"),
    "kk_needed": T(
        "Belum dapat disetujui: lengkapi dulu data KK baru dari SIAK («Lengkapi data KK»). "
        "Status tidak berubah dan warga tidak diberi tahu.",
        "Not approved: first complete the new KK's data from SIAK («Complete the KK data»). "
        "The status is unchanged and the citizen was not told.",
    ),
    "kk_invalid": T(
        "Belum dapat disetujui: data KK yang tersimpan perlu diperbaiki («Ubah data KK»). "
        "Status tidak berubah dan warga tidak diberi tahu.",
        "Not approved: the saved KK data needs corrections («Edit the KK data»). The status is "
        "unchanged and the citizen was not told.",
    ),
    "kk_title": T("Data KK baru — {reference}", "New family card data — {reference}"),
    "kk_intro": T(
        "Salin data keluarga dari SIAK. Isian awal diambil dari jawaban warga; periksa "
        "semuanya. KK baru dicetak persis dari data ini ketika permohonan disetujui.",
        "Copy the family's data from SIAK. The first values come from the citizen's answers; "
        "check them all. The new KK is printed exactly from this data when the request is "
        "approved.",
    ),
    "kk_prefilled": T(
        "Belum pernah disimpan: isian awal dari jawaban warga.",
        "Never saved yet: the first values come from the citizen's answers.",
    ),
    "kk_saved_by": T("Tersimpan: {who}, {at}.", "Saved: {who}, {at}."),
    "kk_unsaved": T(
        "Perubahan belum disimpan. Tekan «Simpan data KK» setelah selesai.",
        "The changes are not saved yet. Press «Save the KK data» when done.",
    ),
    "kk_errors": T(
        "Data KK belum disimpan: {count} isian perlu diperbaiki (ditandai merah di bawah).",
        "The KK data was not saved: {count} field(s) to fix (marked in red below).",
    ),
    "kk_saved_flash": T(
        "Data KK baru {reference} disimpan. Permohonan sekarang dapat disetujui.",
        "The new KK data of {reference} was saved. The request can now be approved.",
    ),
    "kk_read_only": T(
        "Berkas ini sudah diputuskan; data KK tidak dapat diubah lagi.",
        "This submission was decided; the KK data can no longer be changed.",
    ),
    "kk_save": T("Simpan data KK", "Save the KK data"),
    "kk_back": T("Kembali ke berkas", "Back to the submission"),
    "kk_card": T("Kartu Keluarga", "Family card"),
    "kk_members": T("Anggota keluarga", "Family members"),
    "kk_member": T("Anggota {n}", "Member {n}"),
    "kk_member_field": T("Anggota {n} · {label}", "Member {n} · {label}"),
    "kk_add_member": T("+ Tambah anggota", "+ Add a member"),
    "kk_remove_member": T("Hapus anggota ini", "Remove this member"),
    "kk_move_up": T("↑ Naikkan", "↑ Move up"),
    "kk_choose": T("— pilih —", "— choose —"),
    "kk_optional": T("opsional", "optional"),
    "kk_f_kk_number": T("Nomor KK", "KK number"),
    "kk_f_head_name": T("Nama kepala keluarga", "Head of family"),
    "kk_f_street": T("Alamat (jalan, nomor)", "Address (street, number)"),
    "kk_f_rt": T("RT", "RT (neighbourhood)"),
    "kk_f_rw": T("RW", "RW (hamlet)"),
    "kk_f_kelurahan": T("Desa/Kelurahan", "Village (kelurahan)"),
    "kk_f_kecamatan": T("Kecamatan", "District (kecamatan)"),
    "kk_f_city": T("Kabupaten/Kota", "Regency/city"),
    "kk_f_postal_code": T("Kode pos", "Postal code"),
    "kk_f_province": T("Provinsi", "Province"),
    "kk_f_name": T("Nama lengkap", "Full name"),
    "kk_f_nik": T("NIK", "NIK"),
    "kk_f_sex": T("Jenis kelamin", "Sex"),
    "kk_f_birth_place": T("Tempat lahir", "Place of birth"),
    "kk_f_birth_date": T("Tanggal lahir", "Date of birth"),
    "kk_f_religion": T("Agama", "Religion"),
    "kk_f_education": T("Pendidikan", "Education"),
    "kk_f_occupation": T("Jenis pekerjaan", "Occupation"),
    "kk_f_blood_type": T("Golongan darah", "Blood type"),
    "kk_f_relationship": T("Hubungan (SHDK)", "Relationship (SHDK)"),
    "kk_f_marital_status": T("Status perkawinan", "Marital status"),
    "kk_f_marriage_date": T("Tanggal perkawinan", "Date of marriage"),
    "kk_f_citizenship": T("Kewarganegaraan", "Citizenship"),
    "kk_f_passport_number": T("No. paspor", "Passport no."),
    "kk_f_kitas_number": T("No. KITAS/KITAP", "KITAS/KITAP no."),
    "kk_f_father_name": T("Nama ayah", "Father's name"),
    "kk_f_mother_name": T("Nama ibu", "Mother's name"),
    "status_received": T("diterima", "received"),
    "status_in_review": T("sedang diperiksa", "in review"),
    "status_approved": T("disetujui", "approved"),
    "status_issued": T("dokumen diterbitkan", "document issued"),
    "status_rejected": T("ditolak", "rejected"),
    "status_booked": T("terdaftar", "booked"),
    "status_erased": T("dihapus atas permintaan warga", "erased at the citizen's request"),
    "status_purged": T("dihapus, masa simpan habis", "deleted, retention period over"),
    # tickets
    "tickets_title": T("Permintaan bantuan terbuka", "Open hand-off tickets"),
    "ticket": T("Tiket", "Ticket"),
    "opened": T("Dibuka", "Opened"),
    "question": T("Pertanyaan", "Question"),
    "why": T("Sebab", "Why"),
    "messages": T("Pesan", "Messages"),
    "no_tickets": T("Tidak ada permintaan bantuan terbuka.", "No open hand-offs."),
    "reason_asked": T("warga meminta petugas", "the citizen asked for a person"),
    "reason_failures": T("jawaban berkali-kali salah", "repeated wrong answers"),
    "context": T("Konteks (nomor pribadi disamarkan)", "Context (personal numbers masked)"),
    "conversation": T("Percakapan", "Conversation"),
    "citizen": T("Warga", "Citizen"),
    "staff": T("Petugas", "Staff"),
    "reply": T("Balasan untuk warga", "Reply to the citizen"),
    "send_reply": T("Kirim balasan", "Send the reply"),
    "close_ticket": T("Tutup tiket", "Close the ticket"),
    "ticket_closed": T("Tiket ini sudah ditutup.", "This ticket is closed."),
    "reply_sent": T("Balasan terkirim ke warga.", "The reply was sent to the citizen."),
    "reply_unsent": T(
        "Balasan tersimpan, tetapi GAGAL terkirim ke warga. Coba lagi nanti.",
        "The reply was kept but could NOT be sent to the citizen. Try again later.",
    ),
    "reply_needed": T("Tulis balasan (1–2000 huruf).", "Write a reply (1–2000 characters)."),
    "closed_flash": T("Tiket {id} ditutup.", "Ticket {id} closed."),
    # days
    "days_title": T("Kuota harian dan hari tutup", "Daily quotas and closed days"),
    "quota": T("Kuota", "Quota"),
    "booked": T("Terdaftar", "Booked"),
    "left": T("Sisa", "Left"),
    "save_quota": T("Simpan kuota", "Save quota"),
    "close_day": T("Tutup tanggal ini", "Close this day"),
    "close_reason": T("Alasan (dikirim ke warga)", "Reason (sent to citizens)"),
    "reopen": T("Buka kembali", "Reopen"),
    "open_status": T("Buka", "Open"),
    "quota_saved": T(
        "Kuota {day}: {quota} tempat ({booked} terdaftar).",
        "Quota of {day}: {quota} places ({booked} booked).",
    ),
    "quota_below": T(
        "Kuota tidak boleh di bawah jumlah yang sudah mendaftar ({booked}).",
        "The quota cannot be below the places already booked ({booked}).",
    ),
    "bad_quota": T("Kuota harus angka 0 atau lebih.", "The quota must be a number, 0 or more."),
    "day_closed_flash": T(
        "{day} ditutup. {count} warga akan diberi tahu dan ditawari hari lain.",
        "{day} is closed. {count} citizen(s) will be told and offered another day.",
    ),
    "day_reopened": T(
        "{day} dibuka kembali untuk pendaftaran.", "{day} is open for booking again."
    ),
    "close_reason_needed": T(
        "Tulis alasan penutupan (3–200 huruf).", "Write why the day is closed (3–200 characters)."
    ),
    "bad_day": T("Tanggal tidak sah.", "Not a valid date."),
    "booking_error": T("Tidak dapat diubah: {error}", "Could not change it: {error}"),
    "other_day": T("Hari lain", "Another day"),
    # audit
    "audit_title": T("Log audit", "Audit log"),
    "when": T("Waktu", "When"),
    "who": T("Petugas", "Staff"),
    "what": T("Tindakan", "Action"),
    "record": T("Data", "Record"),
    "detail": T("Keterangan", "Detail"),
    "ip": T("Alamat IP", "IP address"),
    "older": T("Lebih lama →", "Older →"),
}
"""Texts of the pages, by key."""

TO_CITIZEN: Final[dict[str, Text]] = {
    "fever": T(
        "Mohon maaf, suhu tubuh Anda saat pemeriksaan di pintu kantor {temp} °C, di atas batas "
        "{max} °C, sehingga perekaman hari ini belum dapat dilayani (pendaftaran {code}). Semoga "
        "lekas sembuh. Silakan pilih hari lain:",
        "We are sorry: your temperature at the office door was {temp} °C, above the {max} °C "
        "limit, so we cannot serve you today (booking {code}). Get well soon. Please choose "
        "another day:",
    ),
    "fever_no_days": T(
        "Mohon maaf, suhu tubuh Anda saat pemeriksaan di pintu kantor {temp} °C, di atas batas "
        "{max} °C, sehingga perekaman hari ini belum dapat dilayani (pendaftaran {code}). Semoga "
        "lekas sembuh. Saat ini belum ada hari dengan tempat kosong; ketik /status besok untuk "
        "memindah hari.",
        "We are sorry: your temperature at the office door was {temp} °C, above the {max} °C "
        "limit, so we cannot serve you today (booking {code}). Get well soon. No day has places "
        "right now; type /status tomorrow to move your booking.",
    ),
    "in_review": T(
        "🔎 Permohonan {reference} ({form}) sedang diperiksa petugas. Anda akan diberi kabar "
        "di sini.",
        "🔎 Your request {reference} ({form}) is being reviewed by our staff. You will be told "
        "here.",
    ),
    "approved": T(
        "✅ Permohonan {reference} ({form}) disetujui. Dokumen Anda sedang diterbitkan dan akan "
        "dikirim lewat chat ini bersama PIN untuk mencetaknya.",
        "✅ Your request {reference} ({form}) is approved. Your document is being issued and will "
        "be sent in this chat with a PIN to print it.",
    ),
    "rejected": T(
        "Mohon maaf, permohonan {reference} ({form}) belum dapat diproses.\nAlasan: {reason}\n\n"
        "Silakan ajukan lagi lewat /mulai setelah diperbaiki, atau ketik /bantuan untuk bertanya "
        "kepada petugas.",
        "We are sorry: request {reference} ({form}) cannot be processed.\nReason: {reason}\n\n"
        "Please apply again with /mulai once it is corrected, or type /bantuan to ask staff.",
    ),
    "staff_says": T("👩‍💼 <b>Petugas:</b> {text}", "👩‍💼 <b>Staff:</b> {text}"),
}
"""Messages sent to citizens by staff actions (HTML, like every bot message)."""

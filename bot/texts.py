"""Texts of the dialog layer (menu, help, status, language), in Bahasa Indonesia and English."""

from __future__ import annotations

from typing import Final

from flows.text import Text

T = Text

WELCOME: Final = T(
    "Selamat datang di layanan online {office}. Saya membantu Anda mengisi formulir langkah demi "
    "langkah.",
    "Welcome to the online service of {office}. I help you fill in forms step by step.",
)
MENU_HEAD: Final = T("Pilih layanan:", "Choose a service:")
MENU_RESUME: Final = T("▶️ Lanjutkan: {title}", "▶️ Continue: {title}")
MENU_FOOT: Final = T(
    "Perintah: /kembali, /batal, /lewati, /bahasa, /bantuan, /status.",
    "Commands: /back, /cancel, /skip, /language, /help, /status.",
)
PICK_SERVICE: Final = T(
    "Silakan pilih layanan dulu dengan tombol di bawah.",
    "Please choose a service first with the buttons below.",
)
LANG_BUTTON: Final = T("🇬🇧 English", "🇮🇩 Bahasa Indonesia")
LANG_SET: Final = T("Bahasa diganti ke Bahasa Indonesia.", "Language switched to English.")
HELP: Final = T(
    "<b>Bantuan</b>\n"
    "• Jawab setiap pertanyaan dengan mengetik atau menekan tombol.\n"
    "• /kembali: ke pertanyaan sebelumnya • /lewati: lewati pertanyaan yang tidak wajib\n"
    "• /batal: batalkan formulir • /mulai: daftar layanan • /status: pendaftaran Anda\n"
    "• /bahasa: ganti bahasa\n\n"
    "Butuh bantuan petugas? Hubungi {office} di {phone}, hari kerja {hours}.",
    "<b>Help</b>\n"
    "• Answer each question by typing or tapping a button.\n"
    "• /back: previous question • /skip: skip an optional question\n"
    "• /cancel: cancel the form • /start: list of services • /status: your submissions\n"
    "• /language: switch language\n\n"
    "Need a person? Contact {office} at {phone}, working days {hours}.",
)
STATUS_NONE: Final = T(
    "Anda belum punya pendaftaran atau permohonan. Ketik /mulai untuk memilih layanan.",
    "You have no bookings or requests yet. Type /start to choose a service.",
)
STATUS_HEAD: Final = T(
    "<b>Pendaftaran dan permohonan Anda</b>", "<b>Your bookings and requests</b>"
)
STATUS_LINE: Final = T(
    "• {reference} — {title} ({date}): {status}", "• {reference} — {title} ({date}): {status}"
)
STATUS_NAMES: Final = {
    "received": T("diterima", "received"),
    "in_review": T("sedang diperiksa", "in review"),
    "approved": T("disetujui", "approved"),
    "issued": T("dokumen terbit", "document issued"),
    "rejected": T("ditolak", "rejected"),
    "booked": T("terdaftar", "booked"),
    "cancelled": T("dibatalkan", "cancelled"),
    "erased": T("dihapus atas permintaan Anda", "erased at your request"),
    "purged": T("dihapus, masa simpan habis", "deleted, retention period over"),
}
STATUS_IN_PROGRESS: Final = T(
    "Formulir yang sedang Anda isi: {title}. Ketik /mulai lalu Lanjutkan.",
    "Form in progress: {title}. Type /start, then Continue.",
)
ERROR_APOLOGY: Final = T(
    "Maaf, terjadi gangguan di sistem kami. Jawaban Anda tetap tersimpan; silakan coba lagi.",
    "Sorry, something went wrong on our side. Your answers are saved; please try again.",
)
DAY_FULL: Final = T(
    "Maaf, hari yang Anda pilih baru saja penuh. Silakan pilih hari lain.",
    "Sorry, the day you chose has just filled up. Please choose another day.",
)
DAY_GONE: Final = T(
    "Maaf, hari yang Anda pilih tidak bisa dipesan lagi ({why}). Silakan pilih hari lain.",
    "Sorry, the day you chose can no longer be booked ({why}). Please choose another day.",
)
ALREADY_BOOKED: Final = T(
    "NIK ini sudah terdaftar untuk perekaman KTP-el dengan kode {code} pada {day} "
    "(nomor antrean {queue}). Satu NIK hanya boleh satu pendaftaran aktif. Ketik /status untuk "
    "melihatnya, atau /batal untuk membatalkan formulir ini.",
    "This NIK is already booked for KTP-el recording with code {code} on {day} (queue number "
    "{queue}). One NIK can hold one active booking. Type /status to see it, or /cancel to stop "
    "this form.",
)
BOOKED_DETAILS: Final = T(
    "Kode pendaftaran: {code}\n"
    "Nomor antrean: {queue}\n"
    "Hari: {day}, pukul {opens}–{closes} WIB\n"
    "Tempat: {address}\n\n"
    "Bawa: fotokopi Kartu Keluarga dan bukti pendaftaran ini.\n"
    "Protokol kesehatan: suhu tubuh paling tinggi {max_temp} °C untuk masuk, pakai masker, cuci "
    "tangan di pintu masuk, jaga jarak. Sehari sebelumnya Anda akan diingatkan.",
    "Booking code: {code}\n"
    "Queue number: {queue}\n"
    "Day: {day}, {opens}–{closes} (WIB)\n"
    "Place: {address}\n\n"
    "Bring: a copy of your family card (KK) and this booking proof.\n"
    "Health protocol: body temperature at most {max_temp} °C to enter, wear a mask, wash your "
    "hands at the door, keep your distance. You will be reminded the day before.",
)
DAY_LABEL: Final = T("{day} — sisa {left}", "{day} — {left} left")
NOT_SAVED: Final = T(
    "Maaf, sistem kami sedang gangguan dan pesan Anda belum tersimpan. Silakan kirim lagi "
    "beberapa menit lagi; jawaban sebelumnya tetap tersimpan.",
    "Sorry, our system is having trouble and your message was not saved. Please send it again "
    "in a few minutes; your earlier answers are kept.",
)
EDITED_IGNORED: Final = T(
    "Pesan yang diedit tidak mengubah jawaban. Untuk mengubah jawaban, tekan Kembali atau "
    "ubah dari ringkasan sebelum dikirim.",
    "Editing a message does not change an answer. To change an answer, tap Back, or change it "
    "from the summary before sending.",
)
PAGE_PREV: Final = T("◀️ Sebelumnya", "◀️ Previous")
PAGE_NEXT: Final = T("Berikutnya ▶️", "Next ▶️")
COMMANDS: Final = (
    ("start", T("Mulai / daftar layanan", "Start / list of services")),
    ("layanan", T("Daftar layanan", "List of services")),
    ("status", T("Pendaftaran dan permohonan saya", "My bookings and requests")),
    ("kembali", T("Kembali ke pertanyaan sebelumnya", "Back to the previous question")),
    ("batal", T("Batalkan formulir", "Cancel the form")),
    ("bantuan", T("Bantuan", "Help")),
    ("bahasa", T("Ganti bahasa (Indonesia / English)", "Switch language (Indonesian / English)")),
    ("hapusdata", T("Hapus data saya", "Delete my data")),
)

REMINDER: Final = T(
    "⏰ <b>Pengingat perekaman KTP-el besok</b>\n"
    "Kode: {code} • Nomor antrean: {queue}\n"
    "Hari: {day}, pukul {opens}–{closes} WIB\n"
    "Tempat: {address}\n\n"
    "Bawa: fotokopi Kartu Keluarga dan bukti pendaftaran.\n"
    "Protokol kesehatan: suhu tubuh paling tinggi {max_temp} °C untuk masuk; pakai masker; cuci "
    "tangan di tempat cuci tangan di pintu masuk atau pakai hand sanitizer; jaga jarak.\n\n"
    "<b>Apakah Anda sehat hari ini (tidak demam, batuk, pilek, atau sesak napas)?</b>",
    "⏰ <b>Reminder: KTP-el recording tomorrow</b>\n"
    "Code: {code} • Queue number: {queue}\n"
    "Day: {day}, {opens}–{closes} (WIB)\n"
    "Place: {address}\n\n"
    "Bring: a copy of your family card (KK) and the booking proof.\n"
    "Health protocol: body temperature at most {max_temp} °C to enter; wear a mask; wash your "
    "hands at the station by the door or use hand sanitiser; keep your distance.\n\n"
    "<b>Are you well today (no fever, cough, cold or shortness of breath)?</b>",
)
WELL: Final = T("✅ Sehat, saya akan datang", "✅ I am well, I will come")
UNWELL: Final = T("🤒 Saya demam / sakit", "🤒 I have a fever / feel unwell")
SEE_YOU: Final = T(
    "Terima kasih. Sampai jumpa besok; jangan lupa masker dan fotokopi KK.",
    "Thank you. See you tomorrow; remember your mask and the copy of your KK.",
)
GET_WELL: Final = T(
    "Semoga lekas sembuh. Demi kesehatan bersama, silakan pindah ke hari lain. Pilih hari:",
    "Get well soon. For everyone's health, please move to another day. Choose a day:",
)
MOVE_DAY: Final = T("🔁 Pindah hari", "🔁 Move to another day")
CANCEL_BOOKING: Final = T("✖️ Batalkan pendaftaran", "✖️ Cancel the booking")
CHOOSE_NEW_DAY: Final = T("Pilih hari baru:", "Choose the new day:")
MOVED: Final = T(
    "Pendaftaran dipindah. Kode baru: {code}, nomor antrean {queue}, hari {day}.",
    "Booking moved. New code: {code}, queue number {queue}, on {day}.",
)
BOOKING_CANCELLED: Final = T(
    "Pendaftaran {code} dibatalkan; tempatnya sudah dilepas untuk warga lain.",
    "Booking {code} is cancelled; its place is free for others now.",
)
BOOKING_NOT_ACTIVE: Final = T(
    "Pendaftaran {code} sudah tidak aktif. Ketik /status untuk melihat pendaftaran Anda.",
    "Booking {code} is no longer active. Type /status to see your bookings.",
)
DAY_CLOSED_NOTICE: Final = T(
    "Mohon maaf, kantor tidak melayani perekaman pada {day} ({reason}). Pendaftaran {code} "
    "tidak berlaku lagi. Silakan pilih hari lain:",
    "We are sorry: the office cannot record on {day} ({reason}). Booking {code} no longer "
    "stands. Please choose another day:",
)
NO_FREE_DAYS: Final = T(
    "Saat ini belum ada hari dengan tempat kosong. Silakan coba lagi besok pagi.",
    "No day has places right now. Please try again tomorrow morning.",
)
STATUS_BOOKING: Final = T(
    "• {code} — perekaman KTP-el {day}, nomor antrean {queue}: {status}",
    "• {code} — KTP-el recording {day}, queue number {queue}: {status}",
)
BOOKING_STATUS_NAMES: Final = {
    "active": T("aktif", "active"),
    "cancelled": T("dibatalkan", "cancelled"),
    "rescheduled": T("dipindah", "moved"),
    "closed_by_office": T("kantor tutup, pilih hari lain", "office closed, choose another day"),
    "expired": T("lewat", "past"),
}

DOC_READY: Final = T(
    "📄 <b>Dokumen Anda sudah terbit</b> (nomor {number}), ditandatangani secara elektronik.\n"
    "Cetak di kertas HVS A4 80 gram warna putih.\n\n"
    "Untuk mencetak dari perangkat lain: buka {url} lalu masukkan PIN <b>{pin}</b>. "
    "Tautan berlaku {days} hari. Jangan berikan PIN kepada siapa pun.",
    "📄 <b>Your document is ready</b> (number {number}), signed electronically.\n"
    "Print it on white A4 80 g/m² HVS paper.\n\n"
    "To print from another device: open {url} and enter the PIN <b>{pin}</b>. "
    "The link works for {days} days. Do not share the PIN with anyone.",
)
NEW_PIN: Final = T(
    "🔑 PIN baru untuk dokumen {number}: <b>{pin}</b>\nTautan cetak: {url}",
    "🔑 New PIN for document {number}: <b>{pin}</b>\nPrint link: {url}",
)
NEW_PIN_BUTTON: Final = T("🔑 PIN baru {number}", "🔑 New PIN {number}")
MAIL_SUBJECT: Final = T(
    "Dokumen Anda {number} siap dicetak", "Your document {number} is ready to print"
)
MAIL_TEXT: Final = T(
    "Yth. {name},\n\n"
    "Dokumen Anda dengan nomor {number} sudah terbit dan ditandatangani secara elektronik oleh "
    "{office}.\n\n"
    "Buka tautan berikut dan masukkan PIN {pin} untuk mencetaknya:\n{url}\n\n"
    "Tautan berlaku {days} hari. Cetak di kertas HVS A4 80 gram warna putih. Jangan berikan PIN "
    "kepada siapa pun; petugas tidak akan pernah memintanya.\n\n"
    "Salam,\n{office}\n",
    "Dear {name},\n\n"
    "Your document number {number} has been issued and signed electronically by {office}.\n\n"
    "Open this link and enter the PIN {pin} to print it:\n{url}\n\n"
    "The link works for {days} days. Print on white A4 80 g/m² HVS paper. Do not share the PIN "
    "with anyone; our staff will never ask for it.\n\n"
    "Regards,\n{office}\n",
)
MAIL_HTML: Final = T(
    '<!doctype html><html lang="id"><body style="font-family:sans-serif;line-height:1.5">'
    "<p>Yth. {name},</p>"
    "<p>Dokumen Anda dengan nomor <b>{number}</b> sudah terbit dan ditandatangani secara "
    "elektronik oleh {office}.</p>"
    '<p style="font-size:1.3em">PIN: <b style="letter-spacing:.2em">{pin}</b></p>'
    '<p><a href="{url}" style="display:inline-block;padding:.6em 1.2em;background:#0b5;'
    'color:#fff;text-decoration:none;border-radius:6px">Buka halaman cetak</a></p>'
    "<p>Tautan berlaku {days} hari. Cetak di kertas HVS A4 80 gram warna putih. Jangan berikan "
    "PIN kepada siapa pun.</p><p>Salam,<br>{office}</p></body></html>",
    '<!doctype html><html lang="en"><body style="font-family:sans-serif;line-height:1.5">'
    "<p>Dear {name},</p>"
    "<p>Your document number <b>{number}</b> has been issued and signed electronically by "
    "{office}.</p>"
    '<p style="font-size:1.3em">PIN: <b style="letter-spacing:.2em">{pin}</b></p>'
    '<p><a href="{url}" style="display:inline-block;padding:.6em 1.2em;background:#0b5;'
    'color:#fff;text-decoration:none;border-radius:6px">Open the print page</a></p>'
    "<p>The link works for {days} days. Print on white A4 80 g/m² HVS paper. Do not share the "
    "PIN with anyone.</p><p>Regards,<br>{office}</p></body></html>",
)

STATUS_DOCUMENT: Final = T("• 📄 Dokumen {number} ({file})", "• 📄 Document {number} ({file})")
DOC_UNKNOWN: Final = T(
    "Dokumen itu tidak ditemukan atau sudah diganti. Ketik /status untuk melihat dokumen Anda.",
    "That document cannot be found or was replaced. Type /status to see your documents.",
)

TALK_TO_STAFF: Final = T("🙋 Bicara dengan petugas", "🙋 Talk to our staff")
HANDOFF_OPENED: Final = T(
    "Permintaan bantuan #{ticket} sudah kami terima. Petugas akan membalas di sini; tulis saja "
    "pertanyaan Anda. Jawaban formulir Anda tetap tersimpan.",
    "Help request #{ticket} received. Our staff will answer here; just write your question. "
    "Your form answers stay saved.",
)
HANDOFF_LATER: Final = T(
    "Kantor sedang tutup. Petugas akan membalas pada {when} WIB.",
    "The office is closed now. Staff will answer on {when} WIB.",
)
BACK_TO_FORM: Final = T("↩️ Lanjutkan isi formulir", "↩️ Back to the form")
HANDOFF_RELAYED: Final = T("✓ Terkirim ke petugas.", "✓ Sent to our staff.")
HANDOFF_CLOSED: Final = T(
    "Percakapan dengan petugas selesai. Kita lanjutkan formulirnya.",
    "The conversation with our staff has ended. Let us continue the form.",
)
HANDOFF_ENDED_MENU: Final = T(
    "Percakapan dengan petugas selesai.", "The conversation with our staff has ended."
)
OFFER_HELP: Final = T(
    "Sepertinya pertanyaan ini sulit. Mau dibantu petugas kami lewat chat ini?",
    "This question seems hard. Would you like our staff to help you in this chat?",
)

ERASE_ASK: Final = T(
    "Hapus semua data Anda di layanan ini? Jawaban formulir, berkas yang dikirim, pendaftaran "
    "yang masih aktif (dibatalkan), dan dokumen yang sudah terbit (dicabut) akan dihapus. "
    "Tindakan ini tidak bisa dibatalkan.",
    "Delete all your data in this service? Form answers, uploaded files, active bookings "
    "(cancelled) and issued documents (revoked) will be deleted. This cannot be undone.",
)
ERASE_YES: Final = T("🗑 Ya, hapus data saya", "🗑 Yes, delete my data")
ERASE_NO: Final = T("Tidak, simpan", "No, keep it")
ERASE_KEPT: Final = T("Baik, data Anda tidak dihapus.", "All right, your data is kept.")
ERASE_DONE: Final = T(
    "Data Anda sudah dihapus. Terima kasih telah menggunakan layanan kami. Ketik /mulai jika "
    "ingin memakai layanan lagi.",
    "Your data has been deleted. Thank you for using our service. Type /start to use it again.",
)
MOVE_TO_DAY: Final = T("🔁 Pindahkan pendaftaran ke {day}", "🔁 Move my booking to {day}")
STATUS_REASON: Final = T("alasan: {reason}", "reason: {reason}")

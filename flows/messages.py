"""The engine's own texts (navigation, summary, errors), in Bahasa Indonesia and English.

Texts of a particular form live in its definition file; these are the ones every form shares.
Plain, polite Indonesian ("Anda"), short lines that read well on a small phone screen.
"""

from __future__ import annotations

from typing import Final

from flows.text import Text

T = Text

STEP: Final = T("Langkah {n} dari {total}", "Step {n} of {total}")
EXAMPLE: Final = T("Contoh: {example}", "Example: {example}")
CURRENT: Final = T("Jawaban Anda sebelumnya: {value}", "Your earlier answer: {value}")
OPTIONAL: Final = T("(boleh dilewati)", "(optional)")

BACK: Final = T("⬅️ Kembali", "⬅️ Back")
SKIP: Final = T("⏭ Lewati", "⏭ Skip")
CANCEL: Final = T("✖️ Batal", "✖️ Cancel")
KEEP: Final = T("✔️ Tetap: {value}", "✔️ Keep: {value}")
YES: Final = T("Ya", "Yes")
NO: Final = T("Tidak", "No")
AGREE: Final = T("✅ Saya setuju", "✅ I agree")
DISAGREE: Final = T("Tidak setuju", "I do not agree")
DONE_SELECTING: Final = T("Selesai memilih ➡️", "Done ➡️")
ADD_ANOTHER: Final = T("➕ Tambah lagi", "➕ Add another")
NO_MORE: Final = T("Tidak, lanjut ➡️", "No, continue ➡️")
REMOVE_LAST: Final = T("🗑 Hapus {item}", "🗑 Remove {item}")
SKIPPED: Final = T("(dilewati)", "(skipped)")
FULL: Final = T("penuh", "full")

SUMMARY_HEAD: Final = T(
    "Periksa kembali data Anda sebelum dikirim:",
    "Please check your answers before sending:",
)
SUMMARY_FOOT: Final = T(
    "Tekan nomor untuk mengubah jawaban, atau Kirim jika sudah benar.",
    "Tap a number to change that answer, or Send if everything is right.",
)
SUBMIT: Final = T("📨 Kirim", "📨 Send")
EDIT: Final = T("✏️ {n}. {label}", "✏️ {n}. {label}")

CANCEL_ASK: Final = T(
    "Batalkan formulir ini? Jawaban yang sudah Anda isi akan dihapus.",
    "Cancel this form? The answers you gave will be discarded.",
)
CANCEL_YES: Final = T("Ya, batalkan", "Yes, cancel")
CANCEL_NO: Final = T("Tidak, lanjutkan", "No, continue")
CANCELLED: Final = T(
    "Formulir dibatalkan. Ketik /mulai untuk memilih layanan lagi.",
    "The form was cancelled. Type /start to choose a service again.",
)
NOT_CANCELLED: Final = T("Baik, kita lanjutkan.", "All right, let us continue.")

WARN_HEAD: Final = T("Mohon periksa:", "Please check:")
WARN_FOOT: Final = T(
    "NIK tidak berubah walaupun data dikoreksi, jadi ini boleh saja. Apakah data Anda sudah benar?",
    "A NIK stays the same even when data is corrected, so this can be fine. Is your data right?",
)
WARN_OK: Final = T("Ya, sudah benar", "Yes, it is right")
WARN_FIX: Final = T("Ubah jawaban", "Change my answer")

NO_BACK: Final = T(
    "Ini pertanyaan pertama, tidak ada yang sebelumnya.",
    "This is the first question; there is nothing before it.",
)
CANNOT_SKIP: Final = T(
    "Pertanyaan ini wajib dijawab, tidak bisa dilewati.",
    "This question must be answered; it cannot be skipped.",
)
STALE_BUTTON: Final = T(
    "Tombol itu dari pesan lama dan sudah tidak berlaku. Ini pertanyaan Anda sekarang:",
    "That button belongs to an older message and no longer works. Here is your current question:",
)
USE_BUTTONS: Final = T(
    "Silakan pilih salah satu tombol di bawah, atau ketik nomornya (1–{n}).",
    "Please choose one of the buttons below, or type its number (1–{n}).",
)
MULTI_NONE: Final = T(
    "Pilih sedikitnya satu, lalu tekan Selesai memilih.",
    "Choose at least one, then tap Done.",
)
MULTI_HINT: Final = T(
    "Tekan pilihan untuk mencentang, lalu Selesai memilih. Atau ketik nomornya, misalnya 1,3.",
    "Tap options to tick them, then Done. Or type their numbers, for example 1,3.",
)
DAY_FULL: Final = T(
    "Maaf, hari itu sudah penuh. Silakan pilih hari lain yang masih ada tempat.",
    "Sorry, that day is full. Please choose another day with places left.",
)
NO_DAYS: Final = T(
    "Maaf, saat ini belum ada hari yang bisa dipilih. Silakan coba lagi besok pagi, atau /batal.",
    "Sorry, no day can be chosen right now. Please try again tomorrow morning, or /cancel.",
)
YES_NO_ONLY: Final = T(
    "Silakan jawab dengan tombol Ya atau Tidak (atau ketik ya / tidak).",
    "Please answer with the Yes or No button (or type yes / no).",
)
CONSENT_REFUSED: Final = T(
    "Tanpa persetujuan Anda, data tidak dapat kami proses. Jika berubah pikiran, tekan "
    "Saya setuju; atau /batal untuk membatalkan.",
    "Without your consent we cannot process your data. If you change your mind, tap I agree; "
    "or /cancel to stop.",
)
SEND_FILE: Final = T(
    "Untuk pertanyaan ini, kirim foto atau berkas (tekan 📎 lalu pilih Foto atau Berkas).",
    "For this question, please send a photo or a file (tap 📎, then Photo or File).",
)
FILE_TYPE: Final = T(
    "Jenis berkas ini ({mime}) tidak bisa diterima. Yang diterima: {accepted}.",
    "This type of file ({mime}) cannot be accepted. Accepted: {accepted}.",
)
FILE_SIZE: Final = T(
    "Berkas terlalu besar ({size} MB). Paling besar {limit} MB; coba foto dengan resolusi lebih "
    "kecil.",
    "The file is too large ({size} MB). At most {limit} MB; try a smaller photo.",
)
NOT_FILE_QUESTION: Final = T(
    "Pertanyaan ini tidak memerlukan berkas. Silakan jawab dengan mengetik atau memilih tombol.",
    "This question does not need a file. Please type your answer or use the buttons.",
)
CONTACT_NOT_HERE: Final = T(
    "Nomor kontak hanya dipakai untuk pertanyaan nomor telepon. Silakan jawab pertanyaan ini.",
    "A shared contact is only used for a phone number question. Please answer this question.",
)
UNUSABLE: Final = T(
    "Maaf, pesan seperti itu tidak bisa dipakai di sini. Silakan ketik jawaban Anda.",
    "Sorry, that kind of message cannot be used here. Please type your answer.",
)
EMPTY: Final = T("Jawaban masih kosong. Silakan ketik jawaban Anda.", "The answer is empty.")
TOO_LONG: Final = T(
    "Jawaban terlalu panjang ({n} karakter). Paling banyak {limit} karakter.",
    "The answer is too long ({n} characters). At most {limit} characters.",
)
NEED_HELP: Final = T(
    "Kesulitan? Ketik /bantuan untuk dibantu petugas kami.",
    "Having trouble? Type /help to be helped by our staff.",
)
WAITING: Final = T(
    "Data Anda sedang dikirim. Mohon tunggu sebentar.",
    "Your data is being sent. Please wait a moment.",
)
FINISHED: Final = T(
    "Formulir ini sudah selesai. Ketik /mulai untuk memilih layanan.",
    "This form is finished. Type /start to choose a service.",
)
STOPPED_BACK: Final = T(
    "Jika ada jawaban yang keliru, tekan Kembali untuk mengubahnya.",
    "If an answer was wrong, tap Back to change it.",
)
GROUP_ITEM_DONE: Final = T("{item} tersimpan.", "{item} saved.")
FILE_SAVED: Final = T("📎 {name}", "📎 {name}")

"""The dialog service: the one place that loads a chat's state, steps the engine, carries out the
effects it requests, and saves, for every channel (terminal, Telegram, webhook workers).

One call of ``handle`` is one unit of work: the conversation row is locked (``BEGIN IMMEDIATE`` on
SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL), the update is marked as applied, the engine is
stepped, effects such as booking a day or recording a submission run inside the same transaction,
and the new state is saved. So updates of one chat are applied one at a time by any number of
workers, a redelivered update is applied once, and a crash at any point loses nothing that was
confirmed to the citizen.

A conversation keeps one draft per form, so choosing another service from the menu never throws
away what was typed in the first.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

from sqlalchemy import Connection
from sqlmodel import col, select

from bot import texts as X
from bot.forms import FormCatalogue

if TYPE_CHECKING:
    from bot.erasure import Erasure
    from bot.handoff import HandoffService
    from storage.loop_conversations import LoopConversations
from flows import engine
from flows.definition import Form
from flows.protocol import (
    Button,
    ChoicesLoaded,
    Closed,
    Command,
    Effect,
    Event,
    LoadChoices,
    OfferHelp,
    Reply,
    Resume,
    SetLang,
    Submit,
    SubmitFailed,
    Submitted,
    Tap,
    TextIn,
)
from flows.state import State
from flows.text import Lang, Text, parse_lang
from storage.conversations import ConversationRow, ConversationStore
from storage.db import Database
from storage.errors import ConflictError, NeedsDatabase, NoConversationRowError
from storage.models import Submission

log = logging.getLogger(__name__)

MAX_EFFECT_ROUNDS: Final = 8
"""Effects feed outcomes back, which may request more effects; this bounds the loop."""


@dataclass(frozen=True, slots=True)
class ChatKey:
    """One chat on one channel."""

    channel: str
    chat_id: str

    @property
    def ref(self) -> str:
        """The chat as one string (``telegram:12345``), for bookings and submissions."""
        return f"{self.channel}:{self.chat_id}"


# --- inputs the dialog layer handles itself -------------------------------------------------


@dataclass(frozen=True, slots=True)
class MenuCmd:
    """``/start``, ``/mulai``, ``/layanan``: the list of services."""


@dataclass(frozen=True, slots=True)
class HelpCmd:
    """``/bantuan``, ``/help``."""


@dataclass(frozen=True, slots=True)
class LangCmd:
    """``/bahasa``: switch language (to ``lang``, or to the other one)."""

    lang: Lang | None = None


@dataclass(frozen=True, slots=True)
class StatusCmd:
    """``/status``: the citizen's submissions and bookings."""


@dataclass(frozen=True, slots=True)
class EraseCmd:
    """``/hapusdata``: delete my data (after a confirmation)."""


@dataclass(frozen=True, slots=True)
class StaffOnly:
    """A staff command typed by a citizen: it does nothing."""


@dataclass(frozen=True, slots=True)
class HandoffEnded:
    """Staff closed the citizen's ticket: back to the form."""


Incoming = Event | MenuCmd | HelpCmd | LangCmd | StatusCmd | HandoffEnded | StaffOnly | EraseCmd

_COMMANDS: Final[Mapping[str, Callable[[], Incoming]]] = {
    "start": MenuCmd,
    "mulai": MenuCmd,
    "layanan": MenuCmd,
    "menu": MenuCmd,
    "services": MenuCmd,
    "kembali": lambda: Command("back"),
    "back": lambda: Command("back"),
    "batal": lambda: Command("cancel"),
    "cancel": lambda: Command("cancel"),
    "lewati": lambda: Command("skip"),
    "skip": lambda: Command("skip"),
    "bahasa": LangCmd,
    "language": LangCmd,
    "lang": LangCmd,
    "bantuan": HelpCmd,
    "help": HelpCmd,
    "status": StatusCmd,
    "hapusdata": EraseCmd,
    "deletemydata": EraseCmd,
    "selesai": StaffOnly,
    "tutup": StaffOnly,
}
_COMMAND_RE: Final = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def parse_text(text: str) -> Incoming:
    """Typed text as the dialog sees it: a known ``/command``, or an answer."""
    match = _COMMAND_RE.match(text.strip())
    if match is not None:
        make = _COMMANDS.get(match.group(1).lower())
        if make is not None:
            cmd = make()
            arg = (match.group(2) or "").strip().lower()
            if isinstance(cmd, LangCmd) and arg:
                return LangCmd(parse_lang(arg))
            return cmd
    return TextIn(text)


# --- what the service needs from the rest of the application ---------------------------------


class ChoiceSource(Protocol):
    """Supplies the options of ``choices_from`` questions (kelurahan, bookable days)."""

    def __call__(
        self, request: LoadChoices, *, chat: ChatKey, lang: Lang, form: Form
    ) -> ChoicesLoaded:
        """The options of the question ``request.path`` of ``form`` right now."""
        ...


class Submitter(Protocol):
    """Carries out a confirmed form: books, records the submission, queues follow-up work."""

    def __call__(
        self, conn: Connection, request: Submit, *, form: Form, chat: ChatKey, lang: Lang
    ) -> Submitted | SubmitFailed:
        """Record the submission on ``conn``, in the step's unit of work."""
        ...


class ChatActions(Protocol):
    """Buttons about things already done (bookings ``bk:``, documents ``doc:``) and their lines
    in ``/status``."""

    def tap(self, conn: Connection, chat_ref: str, data: str, lang: Lang) -> list[Reply]:
        """A button of this kind pressed (``bk:``, ``doc:``)."""
        ...

    def status(self, chat_ref: str, lang: Lang) -> tuple[list[str], tuple[tuple[Button, ...], ...]]:
        """The chat's bookings or documents as ``/status`` lines, and buttons to act on them."""
        ...


Today = Callable[[], date]


class FullStepNeeded(Exception):  # noqa: N818 - an outcome the caller acts on
    """``handle_async`` could not apply the update with the conversation row alone (a new
    chat, or a step that books, submits, reads bookings...): nothing was done; apply it with
    ``handle_on_loop`` (or ``handle`` on a thread)."""


class DialogService:
    """Applies one incoming update of one chat and returns the replies to send."""

    def __init__(
        self,
        *,
        db: Database,
        catalogue: FormCatalogue,
        choice_sources: Mapping[str, ChoiceSource],
        submitter: Submitter,
        today: Today,
        office_name: Text,
        office_phone: str,
        office_hours: str,
        now: Callable[[], datetime] | None = None,
        bookings: ChatActions | None = None,
        documents: ChatActions | None = None,
        handoff: HandoffService | None = None,
        erasure: Erasure | None = None,
    ) -> None:
        self._db = db
        self._catalogue = catalogue
        self._sources = dict(choice_sources)
        self._submitter = submitter
        self._today = today
        self._office_name = office_name
        self._office_phone = office_phone
        self._office_hours = office_hours
        self._bookings = bookings
        self._documents = documents
        self._actions: dict[str, ChatActions] = {
            prefix: actions
            for prefix, actions in (("bk:", bookings), ("doc:", documents))
            if actions is not None
        }
        self._handoff = handoff
        self._erasure = erasure
        self._now = now
        self._rows = ConversationStore(db.dialect)
        self._loop_rows: LoopConversations | None = None
        if not db.is_sqlite:
            from storage.loop_conversations import LoopConversations

            self._loop_rows = LoopConversations(db)

    @property
    def parallelism(self) -> int:
        """How many updates are worth applying at once in one process: one on SQLite (every
        unit of work takes the file's single write lock, so more threads only wait and compete
        for the GIL), a few on PostgreSQL (row locks; threads overlap their round trips, and
        beyond 4 they mostly compete for the GIL: 193 updates/s with 8, 219-221 with 2 or 4 in
        bench/telegram.py). The Telegram gateway now applies PostgreSQL steps on the event loop
        (``loop_steps``); the threads serve the staff commands and the storing of files."""
        return 1 if self._db.is_sqlite else 4

    @property
    def on_loop(self) -> bool:
        """Whether a step is worth running on the caller's event loop when it need not wait
        (``handle(wait=False)``): on SQLite a step is local CPU and file work, and the hand-off
        to a dialog thread and back cost more than the step itself (bench/telegram.py: 2.48
        against 2.97 ms of CPU per update). On PostgreSQL a step waits on the network."""
        return self._db.is_sqlite

    @property
    def loop_steps(self) -> bool:
        """Whether ``handle_async`` is the way to try an update from an event loop first
        (PostgreSQL): a step that needs only the conversation row is applied there, its
        round trips awaited, without the hand-off to a dialog thread and back and the
        threads' contention for the GIL (bench/telegram.py)."""
        return self._loop_rows is not None

    # --- entry point ----------------------------------------------------------------------

    def handle(
        self,
        chat: ChatKey,
        incoming: Incoming,
        *,
        update_id: int | None = None,
        lang_hint: str | None = None,
        wait: bool = True,
    ) -> list[Reply]:
        """Apply ``incoming`` and return the replies; an update already applied returns none.

        ``wait=False``: when SQLite's write lock is taken, raise ``WriterBusyError`` at once
        with nothing done (the caller then applies it on a thread, where waiting is fine)."""
        # A bare connection: the ORM session is made only when a step needs it (0.045 ms).
        with self._db.connection(wait=wait) as conn:
            return self._apply(conn, chat, incoming, update_id, lang_hint)

    def _apply(
        self,
        conn: Connection,
        chat: ChatKey,
        incoming: Incoming,
        update_id: int | None,
        lang_hint: str | None,
    ) -> list[Reply]:
        """The step in the unit of work of ``conn``. The row is locked before the update id is
        recorded, the order of the steps on the event loop (``storage.loop_conversations``),
        so that the two kinds cannot deadlock."""
        row = self._rows.lock(conn, chat.channel, chat.chat_id, parse_lang(lang_hint))
        if update_id is not None and not self._rows.first_delivery(conn, chat.channel, update_id):
            log.info("update %s of %s already applied; skipped", update_id, chat.channel)
            return []
        turn = _Turn(self, row, chat, conn)
        turn.dispatch(incoming)
        self._rows.save(conn, turn.finish(), form_id=turn.active)
        return turn.replies

    async def handle_async(
        self, chat: ChatKey, incoming: Incoming, *, update_id: int | None = None
    ) -> list[Reply]:
        """``handle`` on the event loop (PostgreSQL, ``loop_steps``), for a step that needs the
        chat's conversation row and nothing else from the database; raises ``FullStepNeeded``,
        with nothing written, for any other (the step runs with units of work forbidden, and
        the first one it opens stops it; see ``storage.loop_conversations``)."""
        if self._loop_rows is None:
            raise FullStepNeeded("steps on the event loop are for PostgreSQL")

        def step(row: ConversationRow) -> tuple[str | None, list[Reply]]:
            turn = _Turn(self, row, chat, None)
            with self._db.without_units():
                turn.dispatch(incoming)
            turn.finish()
            return turn.active, turn.replies

        try:
            applied, replies = await self._loop_rows.apply(
                chat.channel, chat.chat_id, update_id, step
            )
        except NeedsDatabase:
            raise FullStepNeeded("the step needs the database") from None
        except NoConversationRowError:
            raise FullStepNeeded("a new chat: the full step makes its row") from None
        except ConflictError:
            raise FullStepNeeded("other workers kept changing the chat") from None
        if not applied:
            log.info("update %s of %s already applied; skipped", update_id, chat.channel)
            return []
        return replies or []

    async def handle_on_loop(
        self,
        chat: ChatKey,
        incoming: Incoming,
        *,
        update_id: int | None = None,
        lang_hint: str | None = None,
    ) -> list[Reply]:
        """``handle`` on the event loop (PostgreSQL), for any step: the same code in one unit
        of work whose round trips are awaited (``Database.run``). For the steps
        ``handle_async`` cannot take."""
        return await self._db.run(self._apply, chat, incoming, update_id, lang_hint)

    def current(self, chat: ChatKey) -> State | None:
        """The state of the chat's active form, if any (for channels and tests)."""
        with self._db.session() as session:
            row = self._rows.load(session.connection(), chat.channel, chat.chat_id)
        if row is None:
            return None
        active = row.state.get("active")
        draft = (row.state.get("drafts") or {}).get(active) if active else None
        return State.from_json(draft) if draft else None

    def _actions_for(self, data: str) -> ChatActions | None:
        """The handler of a button about things already done (``bk:``, ``doc:``), if any."""
        return next((a for p, a in self._actions.items() if data.startswith(p)), None)

    def apology(self, lang: Lang) -> Reply:
        """What a citizen sees when handling their update failed unexpectedly."""
        return Reply(text=X.ERROR_APOLOGY.get(lang), kind="error")


class _Turn:
    """One update of one chat: the conversation row as it changes, and the replies."""

    def __init__(
        self,
        service: DialogService,
        row: ConversationRow,
        chat: ChatKey,
        conn: Connection | None,
    ) -> None:
        self.svc = service
        self._conn = conn
        self.row = row
        self.chat = chat
        self.active: str | None = row.state.get("active")
        self.handoff: int | None = row.state.get("handoff")
        self.drafts: dict[str, Any] = dict(row.state.get("drafts") or {})
        self.lang: Lang = parse_lang(row.lang)
        self.replies: list[Reply] = []
        self.today = service._today()

    @property
    def conn(self) -> Connection:
        """The step's connection; a step tried without one (``handle_async``) stops here."""
        if self._conn is None:
            raise NeedsDatabase
        return self._conn

    # --- persistence ----------------------------------------------------------------------

    def finish(self) -> ConversationRow:
        """The row with the step's outcome, to be saved."""
        self.row.state = {"active": self.active, "drafts": self.drafts, "handoff": self.handoff}
        self.row.lang = self.lang
        return self.row

    # --- dispatch ---------------------------------------------------------------------------

    def dispatch(self, incoming: Incoming) -> None:
        if isinstance(incoming, TextIn):
            incoming = parse_text(incoming.text)
        if isinstance(incoming, StaffOnly):
            return
        if isinstance(incoming, EraseCmd) and self.svc._erasure is not None:
            self.replies.append(self.svc._erasure.ask(self.lang))
            return
        if (
            isinstance(incoming, Tap)
            and incoming.data.startswith("erase:")
            and self.svc._erasure is not None
        ):
            replies = self.svc._erasure.tap(self.conn, self.chat.ref, incoming.data, self.lang)
            if incoming.data == "erase:yes":  # the drafts' files went with the erasure
                self.drafts, self.active, self.handoff = {}, None, None
            self.replies.extend(replies)
            return
        if self.handoff is not None and self.handle_handoff(incoming):
            return
        if isinstance(incoming, Tap) and incoming.data == "hand:open":
            self.open_ticket("asked")
            return
        if isinstance(incoming, MenuCmd):
            self.menu(welcome=True)
        elif isinstance(incoming, HelpCmd):
            self.help()
        elif isinstance(incoming, LangCmd):
            self.switch_lang(incoming.lang)
        elif isinstance(incoming, StatusCmd):
            self.status()
        elif isinstance(incoming, Tap) and incoming.data.startswith("menu:"):
            self.menu_tap(incoming.data.removeprefix("menu:"))
        elif (
            isinstance(incoming, Tap)
            and (actions := self.svc._actions_for(incoming.data)) is not None
        ):
            self.replies.extend(actions.tap(self.conn, self.chat.ref, incoming.data, self.lang))
        elif isinstance(incoming, HandoffEnded | EraseCmd):
            return  # a ticket that was not (or no longer) this chat's: nothing to resume
        elif self.active is None or self.form() is None:
            self.active = None
            if isinstance(incoming, Tap):
                self.menu(notice=X.PICK_SERVICE)
            else:
                self.menu(welcome=not self.drafts and not isinstance(incoming, Command))
        else:
            self.step(incoming)

    def form(self) -> Form | None:
        return self.svc._catalogue.get(self.active)

    # --- menu and the dialog's own commands -------------------------------------------------

    def menu(self, *, welcome: bool = False, notice: Text | None = None) -> None:
        t = self.lang
        lines = []
        if notice is not None:
            lines.append(notice.get(t))
        if welcome:
            lines.append(X.WELCOME.get(t).format(office=self.svc._office_name.get(t)))
        lines.append("<b>" + X.MENU_HEAD.get(t) + "</b>")
        rows: list[tuple[Button, ...]] = []
        for form_id in self.drafts:
            form = self.svc._catalogue.get(form_id)
            if form is not None:
                label = X.MENU_RESUME.get(t).format(title=form.title.get(t))
                rows.append((Button(label, f"menu:{form_id}"),))
        for form in self.svc._catalogue:
            if form.id not in self.drafts:
                rows.append((Button(form.title.get(t), f"menu:{form.id}"),))
        rows.append((Button(X.LANG_BUTTON.get(t), "menu:lang"),))
        lines.append("")
        lines.append(X.MENU_FOOT.get(t))
        self.replies.append(Reply("\n".join(lines), tuple(rows), kind="question", expects="menu"))

    def menu_tap(self, what: str) -> None:
        if what == "lang":
            self.switch_lang(None)
            return
        form = self.svc._catalogue.get(what)
        if form is None:
            self.menu(notice=X.PICK_SERVICE)
            return
        self.active = form.id
        if form.id in self.drafts:
            self.step(Resume())
        else:
            self.run(engine.start(form, lang=self.lang, today=self.today), form)

    def help(self) -> None:
        t = self.lang
        text = X.HELP.get(t).format(
            office=self.svc._office_name.get(t),
            phone=self.svc._office_phone,
            hours=self.svc._office_hours,
        )
        buttons: tuple[tuple[Button, ...], ...] = ()
        if self.svc._handoff is not None:
            buttons = ((self.svc._handoff.offer_button(t),),)
        self.replies.append(Reply(text, buttons, kind="info"))
        if self.active is not None and self.form() is not None:
            self.step(Resume())

    def switch_lang(self, lang: Lang | None) -> None:
        self.lang = lang or ("en" if self.lang == "id" else "id")
        self.replies.append(Reply(X.LANG_SET.get(self.lang)))
        if self.active is not None and self.form() is not None:
            self.step(SetLang(self.lang))
        else:
            self.menu()

    def status(self) -> None:
        t = self.lang
        with self.svc._db.session(savepoint=False) as session:  # the step's unit of work
            rows = session.exec(
                select(Submission)
                .where(
                    col(Submission.channel) == self.chat.channel,
                    col(Submission.chat_id) == self.chat.chat_id,
                )
                .order_by(col(Submission.created_at).desc())
                .limit(20)
            ).all()
        lines: list[str] = []
        buttons: tuple[tuple[Button, ...], ...] = ()
        if self.svc._bookings is not None:
            lines, buttons = self.svc._bookings.status(self.chat.ref, t)
        if self.svc._documents is not None:
            doc_lines, doc_buttons = self.svc._documents.status(self.chat.ref, t)
            lines, buttons = [*lines, *doc_lines], (*buttons, *doc_buttons)
        for sub in rows:
            if sub.status == "booked" and self.svc._bookings is not None:
                continue  # shown with its booking above
            form = self.svc._catalogue.get(sub.form_id)
            title = form.title.get(t) if form is not None else sub.form_id
            status = X.STATUS_NAMES.get(sub.status)
            line = X.STATUS_LINE.get(t).format(
                reference=sub.reference,
                title=title,
                date=sub.created_at.date().isoformat(),
                status=status.get(t) if status is not None else sub.status,
            )
            if sub.status == "rejected":
                reason = self.rejection_reason(sub.reference)
                if reason:
                    line += " — " + X.STATUS_REASON.get(t).format(reason=html.escape(reason))
            lines.append(line)
        if self.active is not None and (form := self.form()) is not None:
            lines.append(X.STATUS_IN_PROGRESS.get(t).format(title=form.title.get(t)))
        if not lines:
            self.replies.append(Reply(X.STATUS_NONE.get(t)))
            return
        self.replies.append(Reply(X.STATUS_HEAD.get(t) + "\n" + "\n".join(lines), buttons))

    # --- hand-off to staff -------------------------------------------------------------------

    def open_ticket(self, reason: str) -> None:
        """Open a ticket with the current form's context."""
        service = self.svc._handoff
        if service is None:
            self.help()
            return
        if self.handoff is not None and service.is_open(self.conn, self.handoff):
            return
        form = self.form()
        raw = self.drafts.get(form.id) if form is not None else None
        state = State.from_json(raw) if raw else None
        now = self.svc._now() if self.svc._now is not None else datetime.now(UTC)
        self.handoff, replies = service.open(
            self.conn,
            chat_ref=self.chat.ref,
            form_id=form.id if form is not None else None,
            state=state,
            reason=reason,
            lang=self.lang,
            now=now,
        )
        self.replies.extend(replies)

    def handle_handoff(self, incoming: Incoming) -> bool:
        """While a ticket is open: text goes to staff; returns whether it was handled."""
        service = self.svc._handoff
        ticket = self.handoff
        if service is None or ticket is None:
            return False
        if isinstance(incoming, HandoffEnded) or not service.is_open(self.conn, ticket):
            self.end_handoff(X.HANDOFF_CLOSED)
            return isinstance(incoming, HandoffEnded)
        if isinstance(incoming, Tap) and incoming.data == "hand:close":
            service.close(self.conn, ticket, by="citizen")
            self.end_handoff(X.HANDOFF_CLOSED)
            return True
        if isinstance(incoming, TextIn):
            service.relay_from_citizen(self.conn, ticket, incoming.text)
            self.replies.append(Reply(X.HANDOFF_RELAYED.get(self.lang)))
            return True
        return False

    def end_handoff(self, notice: Text) -> None:
        """Back to the form (or the menu) after a ticket."""
        self.handoff = None
        if self.active is not None and self.form() is not None:
            self.step(Resume(notice=notice))
        else:
            self.replies.append(Reply(X.HANDOFF_ENDED_MENU.get(self.lang)))

    def rejection_reason(self, reference: str) -> str | None:
        """Why staff rejected a submission (the latest decision), if they said."""
        from storage.staff_models import SubmissionReview

        with self.svc._db.session(savepoint=False) as session:  # the step's unit of work
            row = session.exec(
                select(SubmissionReview)
                .where(col(SubmissionReview.reference) == reference)
                .order_by(col(SubmissionReview.id).desc())
            ).first()
        return row.reason if row is not None else None

    # --- the engine ---------------------------------------------------------------------------

    def step(self, event: Event) -> None:
        form = self.form()
        assert form is not None  # noqa: S101 - dispatch checked it
        raw = self.drafts.get(form.id)
        if raw is None:
            self.run(engine.start(form, lang=self.lang, today=self.today), form)
            return
        state = State.from_json(raw)
        if state.lang != self.lang:
            state = state.with_(lang=self.lang)
        self.run(engine.step(form, state, event, today=self.today), form)

    def run(self, step: engine.Step, form: Form) -> None:
        """Keep the step's outcome, carry out its effects, feed their outcomes back."""
        pending: list[Effect] = []
        state = self.absorb(step, pending)
        rounds = 0
        while pending:
            rounds += 1
            if rounds > MAX_EFFECT_ROUNDS:
                log.error("form %s: effects did not settle after %d rounds", form.id, rounds)
                break
            effect = pending.pop(0)
            outcome = self.carry_out(effect, form)
            if outcome is not None:
                state = self.absorb(engine.step(form, state, outcome, today=self.today), pending)
        if state.finished:
            self.drafts.pop(form.id, None)
            if self.active == form.id:
                self.active = None
        else:
            self.drafts[form.id] = state.to_json()

    def absorb(self, step: engine.Step, pending: list[Effect]) -> State:
        self.replies.extend(step.replies)
        pending.extend(step.effects)
        return step.state

    def carry_out(self, effect: Effect, form: Form) -> Event | None:
        if isinstance(effect, LoadChoices):
            source = self.svc._sources.get(effect.source)
            if source is None:
                log.error("form %s asks for unknown choices %r", form.id, effect.source)
                return ChoicesLoaded(effect.path, ())
            return source(effect, chat=self.chat, lang=self.lang, form=form)
        if isinstance(effect, Submit):
            return self.svc._submitter(self.conn, effect, form=form, chat=self.chat, lang=self.lang)
        if isinstance(effect, OfferHelp):
            if self.svc._handoff is not None:
                button = self.svc._handoff.offer_button(self.lang)
                self.replies.append(Reply(X.OFFER_HELP.get(self.lang), ((button,),)))
            return None
        if isinstance(effect, Closed):
            return None
        return None  # pragma: no cover - every effect type is handled above

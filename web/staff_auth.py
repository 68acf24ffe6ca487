"""Sign-in, sessions and the plumbing every staff page shares.

Accounts are made with ``adminduk-bot staff add`` (Argon2 hashes). A session is a random 256-bit
cookie value, of which only the SHA-256 is stored, with an expiry; the cookie is ``HttpOnly``,
``SameSite=Strict``, ``Path=/staff``, and ``Secure`` when ``PUBLIC_BASE_URL`` is https. Every POST
carries the session's synchronizer token, compared in constant time; the sign-in form, which has
no session yet, carries a double-submit token. Five failed sign-ins for a username or from an
address within 15 minutes refuse sign-ins for 15 minutes (``storage.staff.lockout_until``).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiDictProxy

from bot.bootstrap import App
from flows.text import Lang
from storage.staff import (
    AuditLog,
    DeskStore,
    SignedIn,
    Staff,
    StaffAccounts,
    normalise_username,
)
from web.documents import SECURITY_HEADERS, request_lang, template_environment, texts_by_lang
from web.staff_texts import PAGE

log = logging.getLogger(__name__)

COOKIE: Final = "adminduk_staff"
LOGIN_COOKIE: Final = "adminduk_staff_login"
SESSION_LIFETIME: Final = timedelta(hours=8)
"""A working day; then staff sign in again."""

_PAGE_BY_LANG: Final = texts_by_lang(PAGE)

Clock = Callable[[], datetime]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Page = Callable[[web.Request, SignedIn], Awaitable[web.StreamResponse]]
Action = Callable[[web.Request, SignedIn, MultiDictProxy[Any]], Awaitable[web.StreamResponse]]


class StaffSite:
    """The base of the staff pages: sessions, sign-in and sign-out, CSRF checks, notices,
    rendering and the audit helpers. ``web.staff.StaffPages`` adds the desk's pages."""

    def __init__(
        self,
        application: App,
        *,
        clock: Clock | None = None,
        session_lifetime: timedelta = SESSION_LIFETIME,
    ) -> None:
        self._app = application
        self._db = application.db
        self._accounts = StaffAccounts(application.db)
        self._audit = AuditLog(application.db)
        self._desk = DeskStore(application.db)
        self._clock: Clock = clock or (lambda: datetime.now(UTC))
        self._lifetime = session_lifetime
        self._secure = application.settings.public_base_url.lower().startswith("https://")
        self._tz = ZoneInfo(application.settings.timezone)
        self._max_temp = application.office.health.max_temperature
        self._env = template_environment()

    def add_auth_routes(self, app: web.Application) -> None:
        """Mount sign-in and sign-out."""
        app.router.add_get("/staff", self._to_home)
        app.router.add_get("/staff/login", self.login_page)
        app.router.add_post("/staff/login", self.login_submit)
        app.router.add_post("/staff/logout", self._action(self.logout))

    # -- plumbing ------------------------------------------------------------------------------

    def _now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("the staff pages' clock must be timezone-aware")
        return moment.astimezone(UTC)

    def _today(self) -> date:
        return self._app.booking.policy.today(self._now())

    def _local(self, moment: datetime | None) -> str:
        return moment.astimezone(self._tz).strftime("%d-%m-%Y %H:%M") if moment else ""

    @staticmethod
    def _ip(request: web.Request) -> str:
        return request.remote or "-"

    @staticmethod
    def _url(lang: Lang, path: str, **params: object) -> str:
        query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
        if lang == "en":
            query["lang"] = "en"
        return path + ("?" + urlencode(query) if query else "")

    def _set_cookie(
        self, response: web.StreamResponse, name: str, value: str, *, path: str, max_age: int
    ) -> None:
        """A cookie no script can read and no other site's request carries (``Secure`` on https)."""
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="Strict",
            secure=self._secure,
            path=path,
            max_age=max_age,
        )

    @staticmethod
    def _redirect(location: str) -> web.Response:
        return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})

    def _text(self, request: web.Request, key: str, **params: object) -> str:
        text = PAGE[key].get(request_lang(request))
        return text.format(**params) if params else text

    def _service_name(self, service: str, lang: Lang) -> str:
        """A booking service as staff read it: the title of the form that books it."""
        for form in self._app.catalogue:
            if form.service == service:
                return form.title.get(lang)
        return service

    def _render(
        self,
        request: web.Request,
        template: str,
        signed: SignedIn | None,
        *,
        status: int = 200,
        title: str = "",
        **ctx: Any,
    ) -> web.Response:
        lang = request_lang(request)
        flash_kind, flash_text = None, None
        if signed is not None and signed.flash:
            flash_kind, _, flash_text = signed.flash.partition("|")
        other: Lang = "id" if lang == "en" else "en"
        page = self._env.get_template(template).render(
            lang=lang,
            t=_PAGE_BY_LANG[lang],
            office=self._app.office.short_name.get(lang),
            staff=signed.staff if signed else None,
            csrf=signed.csrf_token if signed else "",
            flash_kind=flash_kind,
            flash_text=flash_text,
            url=lambda path, **params: self._url(lang, path, **params),
            service_name=lambda key: self._service_name(key, lang),
            switch_url=str(request.rel_url.update_query(lang=other)),
            title=title,
            path=request.path,
            **ctx,
        )
        return web.Response(
            text=page, content_type="text/html", status=status, headers=SECURITY_HEADERS
        )

    def _error(
        self, request: web.Request, signed: SignedIn | None, status: int, message: str
    ) -> web.Response:
        return self._render(
            request,
            "staff_error.html",
            signed,
            status=status,
            title=self._text(request, "forbidden_title") if status == 403 else str(status),
            message=message,
        )

    async def _signed_in(self, request: web.Request, *, pop_flash: bool) -> SignedIn | None:
        token = request.cookies.get(COOKIE, "")
        if not token:
            return None
        return await asyncio.to_thread(
            self._accounts.session, token, now=self._now(), pop_flash=pop_flash
        )

    def _to_login(self, request: web.Request) -> web.Response:
        lang = request_lang(request)
        nxt = request.path_qs if request.method == "GET" else None
        expired = "1" if request.cookies.get(COOKIE) else None
        return self._redirect(self._url(lang, "/staff/login", next=nxt, expired=expired))

    def _page(self, handler: Page, *, admin: bool = False, flash: bool = True) -> Handler:
        """A GET page for signed-in staff (admins only with ``admin``)."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            signed = await self._signed_in(request, pop_flash=flash)
            if signed is None:
                return self._to_login(request)
            if admin and not signed.staff.is_admin:
                await self._audit_async(request, signed.staff, "denied", "page", request.path)
                return self._error(request, signed, 403, self._text(request, "admin_only"))
            return await handler(request, signed)

        return guarded

    def _action(self, handler: Action) -> Handler:
        """A POST for signed-in staff, refused (403, nothing changed) without the CSRF token."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            signed = await self._signed_in(request, pop_flash=False)
            if signed is None:
                return self._to_login(request)
            form = await request.post()
            if not _same_token(form.get("csrf"), signed.csrf_token):
                log.warning(
                    "staff POST %s refused: missing or wrong CSRF token (%s)",
                    request.path,
                    signed.staff.username,
                )
                return self._error(request, signed, 403, self._text(request, "csrf"))
            return await handler(request, signed, form)

        return guarded

    async def _done(
        self, request: web.Request, signed: SignedIn, location: str, text: str, *, ok: bool = True
    ) -> web.Response:
        """Leave ``text`` as the next page's notice and go there (post, redirect, get)."""
        await asyncio.to_thread(
            self._accounts.set_flash, signed.session_id, f"{'ok' if ok else 'bad'}|{text}"
        )
        return self._redirect(location)

    def _write_audit(
        self,
        ip: str,
        staff: Staff | None,
        action: str,
        record_type: str,
        record: str,
        *,
        detail: str | None = None,
        username: str | None = None,
    ) -> None:
        self._audit.write(
            staff=staff,
            action=action,
            record_type=record_type,
            record=record,
            detail=detail,
            ip=ip,
            at=self._now(),
            username=username,
        )

    async def _audit_async(
        self,
        request: web.Request,
        staff: Staff | None,
        action: str,
        record_type: str,
        record: str,
        *,
        detail: str | None = None,
        username: str | None = None,
    ) -> None:
        await asyncio.to_thread(
            self._write_audit,
            self._ip(request),
            staff,
            action,
            record_type,
            record,
            detail=detail,
            username=username,
        )

    # -- sign-in and sign-out ------------------------------------------------------------------

    async def _to_home(self, request: web.Request) -> web.StreamResponse:
        return self._redirect(self._url(request_lang(request), "/staff/"))

    def _safe_next(self, raw: object) -> str | None:
        text = str(raw or "")
        if text.startswith("/staff/") and not text.startswith("/staff/login") and "\\" not in text:
            return text
        return None

    def _login_form(
        self,
        request: web.Request,
        *,
        status: int = 200,
        error: str | None = None,
        notice: str | None = None,
        notice_ok: bool = False,
        username: str = "",
        next_path: str | None = None,
    ) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = self._render(
            request,
            "staff_login.html",
            None,
            status=status,
            title=self._text(request, "login_title"),
            login_csrf=token,
            error=error,
            notice=notice,
            notice_ok=notice_ok,
            username=username,
            next_path=next_path or "",
        )
        self._set_cookie(response, LOGIN_COOKIE, token, path="/staff/login", max_age=3600)
        return response

    async def login_page(self, request: web.Request) -> web.StreamResponse:
        """GET ``/staff/login``: the sign-in form."""
        if await self._signed_in(request, pop_flash=False) is not None:
            return self._redirect(self._url(request_lang(request), "/staff/"))
        notice, notice_ok = None, False
        if request.query.get("bye"):
            notice, notice_ok = self._text(request, "signed_out"), True
        elif request.query.get("expired"):  # neutral: nothing went wrong, nothing succeeded
            notice = self._text(request, "session_ended")
        return self._login_form(
            request,
            notice=notice,
            notice_ok=notice_ok,
            next_path=self._safe_next(request.query.get("next")),
        )

    async def login_submit(self, request: web.Request) -> web.StreamResponse:
        """POST ``/staff/login``: check the throttle, then the password; start a session."""
        form = await request.post()
        if not _same_token(form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")):
            log.warning("staff sign-in refused: missing or wrong CSRF token")
            return self._error(request, None, 403, self._text(request, "csrf"))
        username = str(form.get("username") or "")[:200]
        password = str(form.get("password") or "")
        next_path = self._safe_next(form.get("next"))
        ip = self._ip(request)
        now = self._now()
        until = await asyncio.to_thread(self._accounts.locked_until, username, ip, now=now)
        if until is not None:
            log.warning("staff sign-in refused while locked (%s)", normalise_username(username))
            return self._locked(request, until, now, username, next_path)
        staff = await asyncio.to_thread(self._accounts.authenticate, username, password, at=now)
        await asyncio.to_thread(
            self._accounts.record_attempt, username, ip, ok=staff is not None, at=now
        )
        if staff is None:
            name = normalise_username(username)[:64]
            log.info("staff sign-in failed (%s)", name)
            await self._audit_async(
                request, None, "signin_failed", "account", name or "-", username=name
            )
            until = await asyncio.to_thread(self._accounts.locked_until, username, ip, now=now)
            if until is not None:
                return self._locked(request, until, now, username, next_path)
            return self._login_form(
                request,
                status=401,
                error=self._text(request, "bad_login"),
                username=username,
                next_path=next_path,
            )
        token = await asyncio.to_thread(
            self._accounts.open_session, staff, now=now, lifetime=self._lifetime
        )
        await self._audit_async(request, staff, "signin", "account", staff.username)
        log.info("staff %s signed in", staff.username)
        response = self._redirect(next_path or self._url(request_lang(request), "/staff/"))
        self._set_cookie(
            response, COOKIE, token, path="/staff", max_age=int(self._lifetime.total_seconds())
        )
        response.del_cookie(LOGIN_COOKIE, path="/staff/login")
        return response

    def _locked(
        self,
        request: web.Request,
        until: datetime,
        now: datetime,
        username: str,
        next_path: str | None,
    ) -> web.Response:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        response = self._login_form(
            request,
            status=429,
            error=self._text(request, "locked", minutes=minutes),
            username=username,
            next_path=next_path,
        )
        response.headers["Retry-After"] = str(minutes * 60)
        return response

    async def logout(
        self, request: web.Request, signed: SignedIn, form: MultiDictProxy[Any]
    ) -> web.StreamResponse:
        """POST ``/staff/logout``: the session ends here and its cookie stops working."""
        del form
        await asyncio.to_thread(self._accounts.close_session, signed.session_id)
        await self._audit_async(request, signed.staff, "signout", "account", signed.staff.username)
        response = self._redirect(self._url(request_lang(request), "/staff/login", bye=1))
        response.del_cookie(COOKIE, path="/staff")
        return response


def _same_token(sent: object, expected: str) -> bool:
    """Whether a form's CSRF token is the expected, non-empty one (constant-time comparison)."""
    return (
        isinstance(sent, str)
        and bool(expected)
        and hmac.compare_digest(sent.encode(), expected.encode())
    )

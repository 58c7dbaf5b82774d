"""The FastAPI app: versioned endpoints under ``/v1/`` (English paths), one error shape.

``create_app(settings, library)`` builds it; ``from_environment`` is the factory each uvicorn
worker calls. The ``Guard`` around the app gives every request an id, checks the bearer token,
limits the body and the time, catches what would otherwise be a traceback, and writes one
JSON access-log line. Checks run in worker threads, so the event loop keeps answering
(``/v1/health`` too) while a large decision is checked, and a timeout can answer without
waiting for the check.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from datetime import date
from typing import Any, Literal
from urllib.parse import parse_qs

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bistandsregler._version import __version__
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.evaluation import Checker, Result, unreadable
from bistandsregler.checking.findings import CODES
from bistandsregler.input.readers import decode_record
from bistandsregler.language.diagnostics import GuidelineError
from bistandsregler.language.errors import InputError, mask_personnummer
from bistandsregler.language.messages import Text
from bistandsregler.service import schemas
from bistandsregler.service.errors import ERRORS, ServiceError
from bistandsregler.service.library import Library, Shelf, Unselectable, open_library
from bistandsregler.service.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ACCESS = logging.getLogger("bistandsregler.service.access")
LOG = logging.getLogger("bistandsregler.service")

V1 = "/v1"
HEALTH = f"{V1}/health"
BATCH = f"{V1}/check/batch"
JSON_TYPE = "application/json"
NDJSON_TYPE = "application/x-ndjson"
_STATE = "bistandsregler"  # the key of the request's own state in the ASGI scope


def _state(scope: Scope) -> dict[str, Any]:
    return scope.setdefault(_STATE, {})


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False).encode(), status, headers, media_type=JSON_TYPE)


# ---- the guard: id, token, limits, errors, access log ------------------------------------------


class _TooLarge(ServiceError):
    """Raised from inside the app's receive, so the app itself answers 413."""


_REQUEST_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def _request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID when it is a short token that cannot be personal data; else a new one."""
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if 0 < len(text) <= 64 and set(text) <= _REQUEST_ID_CHARS and mask_personnummer(text) == text:
                return text
    return uuid.uuid4().hex


class Guard:
    """The outermost layer, pure ASGI so that it sees the status and the time of every answer."""

    def __init__(self, app: Any, settings: Settings, token: str | None, routes: set[str]) -> None:
        self.app = app
        self.settings = settings
        self.token = f"Bearer {token}".encode() if token else None
        self.routes = routes
        self.log_key = settings.log_key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = scope.get("headers", [])
        state = _state(scope)
        request_id = state["request_id"] = _request_id(headers)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang = state["lang"] = "en" if query.get("lang", ["sv"])[-1] == "en" else "sv"
        path = scope["path"]
        answer = {"status": 500, "started": False}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["started"] = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        async def refuse(error: ServiceError) -> None:
            extra = [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
            body = error.body(lang, request_id)
            await send_logged({"type": "http.response.start", "status": error.status,
                               "headers": [(b"content-type", JSON_TYPE.encode()),
                                           (b"content-length", str(len(body)).encode()), *extra]})
            await send_logged({"type": "http.response.body", "body": body})

        try:
            if self.token is not None and path != HEALTH and not self._authorised(headers):
                await refuse(ServiceError("tjanst.obehorig", headers={"WWW-Authenticate": "Bearer"}))
            elif path == BATCH:  # limits its lines and its waits itself: a batch may be a year long
                await self.app(scope, receive, send_logged)
            else:
                await self._limited(scope, receive, send_logged, refuse)
        except Exception as error:  # noqa: BLE001 (a bug: an answer and a log line, never a traceback)
            LOG.error(json.dumps({"event": "error", "request_id": request_id, "error": type(error).__name__}))
            if os.environ.get("BISTANDSREGLER_DEBUG"):
                LOG.exception("traceback")
            if not answer["started"]:
                await refuse(ServiceError("tjanst.internt_fel"))
        finally:
            self._log(scope, path, answer["status"], started, request_id)

    async def _limited(self, scope: Scope, receive: Receive, send: Send,
                       refuse: Callable[[ServiceError], Awaitable[None]]) -> None:
        limit = self.settings.max_body
        too_large = ServiceError("tjanst.for_stor", ERRORS["tjanst.for_stor"].text.fill(limit=limit), extra={"limit": limit})
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await refuse(too_large)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge("tjanst.for_stor", too_large.message, extra=too_large.extra)
            return message

        started = {"yes": False}

        async def marked(message: Message) -> None:
            started["yes"] = started["yes"] or message["type"] == "http.response.start"
            await send(message)

        seconds = self.settings.timeout
        try:
            with anyio.fail_after(seconds):
                await self.app(scope, counted, marked)
        except _TooLarge:
            if not started["yes"]:
                await refuse(too_large)
        except TimeoutError:
            if not started["yes"]:
                await refuse(_timed_out(seconds))

    def _authorised(self, headers: list[tuple[bytes, bytes]]) -> bool:
        assert self.token is not None
        given = next((value for name, value in headers if name == b"authorization"), b"")
        return hmac.compare_digest(given, self.token)

    def _log(self, scope: Scope, path: str, status: int, started: float, request_id: str) -> None:
        state = _state(scope)
        # The route, never the path as sent: an unknown path may hold anything (a personnummer).
        line: dict[str, Any] = {
            "event": "request", "method": scope.get("method"), "path": path if path in self.routes else "(unknown)",
            "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "request_id": request_id,
        }
        decision = state.get("decision_id")
        if decision is not None:
            line["decision"] = self.hash_id(decision)
        for key in ("lines_in", "lines_out", "library"):
            if key in state:
                line[key] = state[key]
        ACCESS.info(json.dumps(line, ensure_ascii=False))

    def hash_id(self, decision_id: str) -> str:
        return hmac.new(self.log_key, decision_id.encode(), hashlib.sha256).hexdigest()[:16]


def _timed_out(seconds: float) -> ServiceError:
    return ServiceError("tjanst.tidsgrans", ERRORS["tjanst.tidsgrans"].text.fill(seconds=f"{seconds:g}"),
                        headers={"Retry-After": "1"})


# ---- the app -------------------------------------------------------------------------------------


Lang = Literal["sv", "en"]
LANG = Query("sv", description="the language of messages: sv (default) or en")
GUIDELINE = Query(None, description="the id of a loaded guideline (botkyrka_2025)", max_length=200)
MUNICIPALITY = Query(None, description="a municipality whose loaded guideline in force on the decision date "
                     "applies (Botkyrka)", max_length=200)
TABLE = Query(None, description="the id of a loaded standard-time table (kristianstad)", max_length=200)


def create_app(settings: Settings, library: Library | None = None, *, supervised: bool = False) -> Any:
    """The app over ``library`` (loaded from ``settings`` when not given). ``supervised``: the
    app runs in one of several uvicorn workers, and a reload through the admin endpoint is
    handed to the supervisor (SIGHUP), which replaces every worker."""
    shelf = Shelf(library or open_library(settings.guidelines, settings.tables), settings.guidelines, settings.tables)
    token = settings.token()
    app = FastAPI(title="bistandsregler", version=__version__, openapi_url=f"{V1}/openapi.json", docs_url=None,
                  redoc_url=None, description=_DESCRIPTION, lifespan=_hangup_reloads(shelf))
    app.state.shelf = shelf

    # ---- errors in one shape ----
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, error: ServiceError) -> Response:
        state = _state(request.scope)
        headers = {**error.headers}
        return Response(error.body(state.get("lang", "sv"), state.get("request_id", "-")), error.status, headers,
                        media_type=JSON_TYPE)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        fields = [".".join(str(p) for p in item["loc"][1:]) or str(item["loc"][0]) for item in error.errors()]
        message = Text("ogiltig parameter: ", "invalid parameter: ") + ", ".join(fields)
        return await _service_error(request, ServiceError("indata.ogiltig", message, fields))

    @app.exception_handler(Exception)
    async def _bug(request: Request, error: Exception) -> Response:  # the Guard logs it; no traceback is shown
        return await _service_error(request, ServiceError("tjanst.internt_fel"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        code = {404: "tjanst.hittas_inte", 405: "tjanst.metod"}.get(error.status_code, "indata.ogiltig")
        return await _service_error(request, ServiceError(code, status=error.status_code,
                                                          headers=dict(error.headers or {})))

    # ---- health ----
    @app.get(HEALTH, tags=["health"], summary="Liveness: the process answers (no token needed)")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(f"{V1}/ready", tags=["health"], response_model=schemas.Ready,
             summary="Readiness: guidelines are loaded and checks can be made")
    async def ready() -> Response:
        current = shelf.current
        return _json({"status": "ready", "engine": __version__, "library": current.id, "loaded_at": current.loaded_at,
                      "reloads": shelf.reloads, "pid": os.getpid()})

    # ---- checking ----
    @app.post(f"{V1}/check", tags=["checking"], response_model=schemas.CheckedResult,
              responses=_ERROR_RESPONSES, openapi_extra=_body("Decision", JSON_TYPE),
              summary="Check one decision")
    async def check(request: Request, lang: Lang = LANG, guideline: str | None = GUIDELINE,
                    municipality: str | None = MUNICIPALITY, table: str | None = TABLE) -> Response:
        """The decision (the JSON Schema at /v1/schema/decision) in the body; the result with its
        findings and the receipt of what was applied."""
        _expect(request, JSON_TYPE)
        library = shelf.current  # this request's library, whatever a reload does meanwhile
        text = _text(await request.body())
        record = decode_record(text, "body")
        if isinstance(record, InputError):
            # JSON that cannot be read is a bad request; JSON that is no decision, unprocessable.
            raise ServiceError("indata.ogiltig", record.message, record.fields,
                               status=400 if record.column is not None else 422)
        _state(request.scope)["decision_id"] = record.id
        checker = _checker(library, guideline, municipality, table, record.decided_on)

        def work() -> bytes:
            return _line(library, checker, checker.check(record), record.decided_on, lang).encode()

        body = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        return Response(body, media_type=JSON_TYPE)

    @app.post(BATCH, tags=["checking"], responses={**_ERROR_RESPONSES, 200: {
        "description": "one result a line, in input order: a result with its receipt, or for a line that cannot "
                       "be read a result with the finding indata.ogiltig",
        "content": {NDJSON_TYPE: {"schema": {"$ref": "#/components/schemas/CheckedResult"}}}}},
        openapi_extra=_body("Decision", NDJSON_TYPE, "one decision a line (NDJSON); blank lines are not records"),
        summary="Check decisions streamed as NDJSON, one result line for each")
    async def batch(request: Request, lang: Lang = LANG, guideline: str | None = GUIDELINE,
                    municipality: str | None = MUNICIPALITY, table: str | None = TABLE) -> Response:
        _expect(request, NDJSON_TYPE, JSON_TYPE)
        library = shelf.current  # the whole batch is checked under one library
        _checker(library, guideline, municipality, table, None)  # an unknown name: 422 now, not on every line
        return _Batch(library, lambda day: _checker(library, guideline, municipality, table, day), lang, settings)

    @app.post(f"{V1}/estimate", tags=["standard times"], response_model=None, responses=_ERROR_RESPONSES,
              openapi_extra=_body("EstimateRequest", JSON_TYPE), summary="Price a case under a standard-time table")
    async def estimate(request: Request, lang: Lang = LANG, table: str | None = TABLE) -> Response:
        """Minutes a month per activity and the total (exact fractions beside rounded numbers, as
        `bistandsregler estimate --format json` writes), with a receipt."""
        from pydantic import ValidationError

        from bistandsregler.checking.decision_errors import describe_validation
        from bistandsregler.standard_times.pricing import ActivityTextError
        from bistandsregler.standard_times.pricing import estimate as price

        _expect(request, JSON_TYPE)
        library = shelf.current
        text = _text(await request.body())
        try:
            wanted = schemas.EstimateRequest.model_validate_json(text)
        except ValidationError as error:
            message, fields = describe_validation(error, schemas.EstimateRequest,
                                                  Text("ogiltig begäran: ", "invalid request: "))
            raise ServiceError("indata.ogiltig", message, fields,
                               status=400 if any(e["type"] == "json_invalid" for e in error.errors()) else 422) from None
        try:
            chosen = library.table(table, None)
        except Unselectable as error:
            raise ServiceError("tjanst.val", error.message, [error.field]) from None
        if chosen is None:
            raise ServiceError("tjanst.val", Text("ingen schablontabell är inläst, eller flera; ange table",
                                                  "no standard-time table is loaded, or several; give table"), ["table"])

        def work() -> dict[str, Any]:
            return price(chosen, wanted.activities, library.book, set(wanted.facts), household=wanted.household,
                         lang=lang).to_json()

        try:
            result = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except ActivityTextError as error:
            index = wanted.activities.index(error.text) if error.text in wanted.activities else None
            raise ServiceError("indata.ogiltig", Text(error.render("sv"), error.render("en")),
                               [f"activities[{index}]"] if index is not None else ["activities"]) from None
        vocabulary = [g.path for g in library.book.guidelines if g.activities]
        files = {p: library.book.hashes[p] for p in [*vocabulary, chosen.path] if p in library.book.hashes}
        receipt = {"engine": __version__, "table": {"id": chosen.meta.id if chosen.meta else None, "path": chosen.path,
                                                    "municipality": chosen.meta.municipality if chosen.meta else None},
                   "files": files}
        return _json({**result, "receipt": receipt})

    # ---- what is loaded, and the catalogue ----
    @app.get(f"{V1}/guidelines", tags=["catalogue"], response_model=schemas.Listing,
             summary="The loaded guidelines and tables: municipality, validity, content hash")
    async def guidelines() -> Response:
        return _json(shelf.current.listing())

    @app.get(f"{V1}/findings", tags=["catalogue"], response_model=schemas.Catalogue,
             summary="The catalogue of finding codes")
    async def findings(lang: Lang = LANG) -> Response:
        return _json({"codes": [{"code": code, "severity": c.severity.value, "field": c.field,
                                 "message": c.text.render(lang), "about": c.about} for code, c in CODES.items()]})

    @app.get(f"{V1}/schema/decision", tags=["catalogue"], summary="The JSON Schema of a decision")
    async def decision_schema() -> dict[str, Any]:
        return Decision.model_json_schema()

    # ---- reload ----
    @app.post(f"{V1}/admin/reload", tags=["admin"], response_model=schemas.Reloaded,
              responses=_ERROR_RESPONSES, summary="Load the files anew and swap them in (needs the token)")
    async def reload() -> Response:
        if token is None:
            raise ServiceError("tjanst.ingen_token")
        if supervised:  # check the files here, then let the supervisor replace every worker
            new = await anyio.to_thread.run_sync(_refusing(lambda: open_library(settings.guidelines, settings.tables)))
            os.kill(os.getppid(), signal.SIGHUP)
            status = "reloading"
        else:
            new = await anyio.to_thread.run_sync(_refusing(shelf.reload))
            status = "reloaded"
        return _json({"status": status, "library": new.id, "files": new.book.hashes})

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    routes = {route.path for route in app.routes if hasattr(route, "path")}
    return _Wrapped(Guard(_cors(app, settings), settings, token, routes), app)


class _Wrapped:
    """The guarded app, which still shows the FastAPI app's ``state`` and ``openapi`` (for tools)."""

    def __init__(self, guard: Guard, app: FastAPI) -> None:
        self.guard = guard
        self.fastapi = app
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.guard(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        return self.fastapi.openapi()


def _cors(app: FastAPI, settings: Settings) -> Any:
    if not settings.cors_origins:
        return app
    from starlette.middleware.cors import CORSMiddleware

    return CORSMiddleware(app, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                          allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                          expose_headers=["X-Request-ID"])


def _hangup_reloads(shelf: Shelf) -> Callable[[FastAPI], Any]:
    """The app's lifespan: SIGHUP reloads, as the admin endpoint does (from the operator, or
    systemd's ExecReload)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(_reload_logged(shelf)))
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):  # not the main thread; Windows
            LOG.warning(json.dumps({"event": "sighup", "message": "SIGHUP is not handled in this process"}))
        yield

    return lifespan


async def _reload_logged(shelf: Shelf) -> None:
    try:
        new = await anyio.to_thread.run_sync(shelf.reload)
    except GuidelineError as error:
        LOG.error(json.dumps({"event": "reload", "status": "refused",
                              "diagnostics": [d.to_json() for d in error.diagnostics if d.severity.value == "fel"]},
                             ensure_ascii=False))
    except (Unselectable, OSError) as error:
        LOG.error(json.dumps({"event": "reload", "status": "refused", "message": str(error)}, ensure_ascii=False))
    else:
        LOG.info(json.dumps({"event": "reload", "status": "reloaded", "library": new.id}))


def _refusing(load: Callable[[], Library]) -> Callable[[], Library]:
    """``load``, with a file error turned into the refusal answer (the old library stays)."""

    def run() -> Library:
        try:
            return load()
        except GuidelineError as error:
            diagnostics = [d.to_json() for d in error.diagnostics if d.severity.value == "fel"]
            raise ServiceError("tjanst.omlasning_nekad", extra={"diagnostics": diagnostics}) from None
        except Unselectable as error:
            raise ServiceError("tjanst.omlasning_nekad", ERRORS["tjanst.omlasning_nekad"].text + ": " + error.message,
                               [error.field]) from None

    return run


def _expect(request: Request, *types: str) -> None:
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given and given not in types and not given.endswith("+json"):
        expected = Text(" eller ", " or ").join(types)
        template = ERRORS["tjanst.mediatyp"].text
        raise ServiceError("tjanst.mediatyp", Text(template.render("sv", {"expected": expected.sv}),
                                                   template.render("en", {"expected": expected.en})))


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError("indata.ogiltig", Text(f"kroppen är inte giltig UTF-8 (byte {error.start})",
                                                  f"the body is not valid UTF-8 (byte {error.start})"),
                           status=400) from None


def _checker(library: Library, guideline: str | None, municipality: str | None, table: str | None,
             day: date | None) -> Checker:
    try:
        chosen = library.guideline(guideline, municipality, day)
        return library.checker(chosen, library.table(table, chosen))
    except Unselectable as error:
        raise ServiceError("tjanst.val", error.message, [error.field]) from None


def _line(library: Library, checker: Checker, result: Result, day: date | None, lang: str) -> str:
    """A result with its receipt as one JSON text."""
    out = json.dumps(result.to_json(lang), ensure_ascii=False)
    return f'{out[:-1]}, "receipt": {library.receipt_json(checker, day)}}}'


# ---- the batch: NDJSON in and out ---------------------------------------------------------------

_GROUP = 256  # lines checked in one worker-thread call


class _Batch(Response):
    """Reads the body as it arrives and writes a result line for each line, in order.

    Reading and writing run side by side: a client that sends the whole body before it reads
    gets every line (the results wait, in memory, for it to read); one that reads while it
    sends keeps memory flat. ``--max-body`` limits each line; ``--timeout`` each wait for the
    body. The answer's status is sent with the first result line, so a body that never comes
    still gets a 503.
    """

    def __init__(self, library: Library, checker_for: Callable[[date | None], Checker], lang: str,
                 settings: Settings) -> None:
        super().__init__(media_type=NDJSON_TYPE)
        self.library = library
        self.checker_for = checker_for
        self.lang = lang
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = _state(scope)
        queue: asyncio.Queue[bytes | Exception | None] = asyncio.Queue()  # unbounded: reading never waits on writing
        limit = self.settings.max_body

        def check_group(group: list[tuple[int, bytes | None]]) -> bytes:
            return ("\n".join(self._result_line(number, raw) for number, raw in group) + "\n").encode()

        async def read() -> None:
            pending = b""
            skipping = False  # inside a line already too long: its bytes are dropped, not kept
            number = 0
            try:
                more = True
                while more:
                    with anyio.fail_after(self.settings.timeout):
                        message = await receive()
                    if message["type"] == "http.disconnect":
                        break
                    more = message.get("more_body", False)
                    chunk = message.get("body", b"")
                    group: list[tuple[int, bytes | None]] = []
                    start = 0
                    while (end := chunk.find(b"\n", start)) != -1:
                        piece, start = chunk[start:end], end + 1
                        if skipping:
                            skipping, pending = False, b""
                            continue
                        line, pending = pending + piece, b""
                        if line.strip():
                            number += 1
                            group.append((number, line if len(line) <= limit else None))
                    if not skipping:
                        pending += chunk[start:]
                        if len(pending) > limit:  # one result for the line, whatever its length
                            number += 1
                            group.append((number, None))
                            skipping, pending = True, b""
                    if not more and pending.strip():
                        number += 1
                        group.append((number, pending))
                    for first in range(0, len(group), _GROUP):
                        queue.put_nowait(await anyio.to_thread.run_sync(check_group, group[first:first + _GROUP]))
            except Exception as error:  # noqa: BLE001 (the writer answers it)
                queue.put_nowait(error)
            finally:
                state["lines_in"] = number
                queue.put_nowait(None)

        started = False
        lines_out = 0
        failure: Exception | None = None
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(read)
            while (item := await queue.get()) is not None:
                if isinstance(item, Exception):
                    failure = failure or item
                    continue
                if not started:
                    await send({"type": "http.response.start", "status": 200,
                                "headers": [(b"content-type", NDJSON_TYPE.encode())]})
                    started = True
                lines_out += item.count(b"\n")
                await send({"type": "http.response.body", "body": item, "more_body": True})
        state["lines_out"] = lines_out
        state["library"] = self.library.id
        if failure is not None and not started:
            if isinstance(failure, TimeoutError):
                raise _timed_out(self.settings.timeout)
            raise failure
        if failure is not None:  # the stream has begun: it ends with the lines made so far
            LOG.warning(json.dumps({"event": "batch", "status": "cut", "lines_out": lines_out,
                                    "error": type(failure).__name__}))
        if not started:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", NDJSON_TYPE.encode())]})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _result_line(self, number: int, raw: bytes | None) -> str:
        record_name = f"batch:{number}"
        record: Decision | InputError
        if raw is None:
            limit = self.settings.max_body
            record = InputError(Text(f"raden är för lång (högst {limit} byte)", f"the line is too long (at most {limit} bytes)"),
                                record_name, line=number)
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                record = InputError(Text("raden är inte giltig UTF-8", "the line is not valid UTF-8"), record_name, line=number)
            else:
                record = decode_record(text.removeprefix("\ufeff"), record_name, number, source=record_name)
        if isinstance(record, InputError):
            checker = self.checker_for(None)
            return _line(self.library, checker, unreadable(record), None, self.lang)
        checker = self.checker_for(record.decided_on)
        return _line(self.library, checker, checker.check(record), record.decided_on, self.lang)


# ---- OpenAPI -------------------------------------------------------------------------------------

_DESCRIPTION = """Checks decisions on needs-assessed social care (SoL, LSS) against the law and the
municipality's guideline, for case systems. Every result carries a receipt of what was applied.
Messages are Swedish; `?lang=en` gives English. See docs/developers/http.md."""

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "model": schemas.ErrorOut}
    for status, description in ((400, "a body that cannot be read (no JSON, no UTF-8)"),
                                (401, "no valid bearer token"), (413, "the body is too large"),
                                (415, "the body is not JSON"),
                                (422, "input that does not fit the schema, or a guideline or table not loaded"),
                                (503, "not answered in time"))
}


def _body(model: str, media_type: str, description: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"required": True, "content": {media_type: {"schema": {"$ref": f"#/components/schemas/{model}"}}}}
    if description:
        body["description"] = description
    return {"requestBody": body}


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for model in (Decision, schemas.EstimateRequest, schemas.CheckedResult):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
        app.openapi_schema = document
    return app.openapi_schema


def from_environment() -> Any:
    """The app of one uvicorn worker, from the settings ``serve`` put in the environment. A file
    with errors (changed since the service started, or since the last reload) stops this worker
    before it serves: uvicorn then keeps the worker it was to replace."""
    import sys

    settings = Settings.from_environment()
    try:
        return create_app(settings, supervised=settings.workers > 1)
    except GuidelineError as error:
        LOG.error(json.dumps({"event": "startup", "status": "refused",
                              "diagnostics": [d.to_json() for d in error.diagnostics if d.severity.value == "fel"]},
                             ensure_ascii=False))
    except (Unselectable, OSError, ValueError) as error:
        LOG.error(json.dumps({"event": "startup", "status": "refused", "message": str(error)}, ensure_ascii=False))
    sys.exit(3)

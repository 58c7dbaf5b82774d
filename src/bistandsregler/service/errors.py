"""The service's error answers: one JSON shape for every error, and the codes it uses.

Every error body is ``{"code", "message", "fields", "request_id"}`` (a refused reload adds
``diagnostics``). ``indata.ogiltig`` is the finding code for input that cannot be read, the
same as ``evaluate`` gives a bad record; the others name what the service itself refused.
Messages are ``Text``: Swedish, English with ``?lang=en``. No message quotes a value from the
request (values are personal data); the field paths do not hold values either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bistandsregler.language.messages import Text


@dataclass(frozen=True)
class Error:
    status: int
    text: Text  # the default message; a request's own is given where it is made
    about: str  # for the developers' page


ERRORS: dict[str, Error] = {
    "indata.ogiltig": Error(422, Text("ogiltig indata", "invalid input"),
                            "The body or a query parameter cannot be read or does not fit the schema: "
                            "400 for a body that is no JSON or no text, 422 for JSON that is not a "
                            "decision (the field paths are in `fields`)."),
    "tjanst.obehorig": Error(401, Text("en giltig bearer-token krävs (Authorization: Bearer …)",
                                       "a valid bearer token is required (Authorization: Bearer …)"),
                             "The service was started with `--token-file` and the request has no valid token."),
    "tjanst.hittas_inte": Error(404, Text("ingen sådan adress; se /v1/openapi.json", "no such path; see /v1/openapi.json"),
                                "No endpoint at that path."),
    "tjanst.metod": Error(405, Text("metoden gäller inte för den här adressen", "method not allowed for this path"),
                          "The path exists, but not for this method."),
    "tjanst.for_stor": Error(413, Text("begäran är för stor (högst {limit} byte)", "the request is too large (at most {limit} bytes)"),
                             "The body is over `--max-body` bytes (for a batch: one line is)."),
    "tjanst.mediatyp": Error(415, Text("fel innehållstyp; väntade {expected}", "wrong content type; expected {expected}"),
                             "The body's Content-Type is not JSON (or NDJSON for a batch)."),
    "tjanst.val": Error(422, Text("kan inte välja riktlinje eller schablontabell", "cannot choose a guideline or table"),
                        "The guideline, municipality or table asked for is not loaded, or several municipalities' "
                        "guidelines are loaded and the request names none."),
    "tjanst.ingen_token": Error(403, Text("omläsning kräver att tjänsten startats med --token-file",
                                          "reloading needs the service to be started with --token-file"),
                                "The admin endpoint is open only behind a token."),
    "tjanst.omlasning_nekad": Error(422, Text("de nya filerna har fel; de gamla gäller fortfarande",
                                              "the new files have errors; the old ones still apply"),
                                    "A reload found errors in the files: the diagnostics are in `diagnostics`, "
                                    "and the guidelines loaded before still apply."),
    "tjanst.tidsgrans": Error(503, Text("begäran hann inte besvaras inom {seconds} s; försök igen",
                                        "the request could not be answered within {seconds} s; try again"),
                              "The request was not answered within `--timeout` seconds (a body that did not "
                              "arrive in time included). `Retry-After` says when to try again."),
    "tjanst.internt_fel": Error(500, Text("internt fel i tjänsten; anmäl det med request_id",
                                          "internal error in the service; report it with the request_id"),
                                "A bug. Nothing about the request is in the answer or the log but its request_id."),
}


class ServiceError(Exception):
    """An error answer to raise from a handler."""

    def __init__(self, code: str, message: Text | None = None, fields: tuple[str, ...] | list[str] = (),
                 status: int | None = None, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(code)
        self.code = code
        self.message = message or ERRORS[code].text
        self.fields = list(fields)
        self.status = status or ERRORS[code].status
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self, lang: str, request_id: str) -> bytes:
        data: dict[str, Any] = {"code": self.code, "message": self.message.render(lang), "fields": self.fields,
                                "request_id": request_id}
        data.update(self.extra)
        return json.dumps(data, ensure_ascii=False).encode()

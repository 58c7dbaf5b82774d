"""The HTTP service as a case system meets it: a real ``bistandsregler serve`` process on a free
loopback port, spoken to over HTTP with httpx. Every endpoint, the error paths, the receipt,
the token, the batch, and what the access log holds (and does not)."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import jsonschema
import pytest
from service_helpers import REPO, Server, sha256

import bistandsregler
from bistandsregler.checking.decision import Decision
from bistandsregler.checking.evaluation import results
from bistandsregler.checking.findings import CODES
from bistandsregler.input.readers import read_decisions

BOTKYRKA = REPO / "guidelines/botkyrka/botkyrka-2025.riktlinje"
KRISTIANSTAD = REPO / "guidelines/kristianstad/kristianstad.schablon"
OPENAPI = REPO / "docs/developers/openapi.json"

# The README's example: a law repealed on the decision date.
REPEALED = {"id": "1", "decided_on": "2025-09-03", "insats": "Hemtjänst", "lagrum": "4 kap, 1§ SoL", "outcome": "bifall"}
# Personal data a case system may send, none of which may reach a log.
PERSONNUMMER = "19391231-4312"
NAME = "Astrid Lindqvist"
REASON = "Astrid har svårt att gå efter fallet i badrummet"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    running = Server(["--riktlinje", "guidelines/botkyrka", "--schablon", "guidelines/kristianstad"], log)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server):
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def checker():
    return bistandsregler.compile("guidelines/botkyrka", "guidelines/kristianstad")


def _components() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))["components"]["schemas"]


def _validate(instance: dict, name: str) -> None:
    """``instance`` against the committed OpenAPI document's schema ``name``."""
    document = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": _components()}}
    jsonschema.validate(instance, document)


# ---- health, readiness, what is loaded --------------------------------------------------------


def test_health_and_readiness(client, server):
    assert client.get("/v1/health").json() == {"status": "ok"}
    ready = client.get("/v1/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["engine"] == bistandsregler.__version__
    assert body["pid"] == server.process.pid and body["reloads"] == 0
    assert body["library"] == client.get("/v1/guidelines").json()["library"]


def test_guidelines_lists_each_file_with_municipality_validity_and_the_hash_of_its_bytes(client):
    listing = client.get("/v1/guidelines").json()
    _validate(listing, "Listing")
    by_path = {f["path"]: f for f in listing["files"]}
    botkyrka = by_path["guidelines/botkyrka/botkyrka-2025.riktlinje"]
    assert botkyrka["municipality"] == "Botkyrka" and botkyrka["id"] == "botkyrka_2025"
    assert (botkyrka["valid_from"], botkyrka["valid_until"], botkyrka["role"]) == ("2025-07-01", None, "given")
    table = by_path["guidelines/kristianstad/kristianstad.schablon"]
    assert table["kind"] == "schablon" and table["municipality"] == "Kristianstad"
    for path, entry in by_path.items():
        assert entry["hash"] == sha256(REPO / path), path
    assert by_path["guidelines/nationell/sol-2025-400.riktlinje"]["role"] == "national"


def test_finding_catalogue_has_every_code_in_the_language_asked_for(client):
    swedish = {c["code"]: c for c in client.get("/v1/findings").json()["codes"]}
    english = {c["code"]: c for c in client.get("/v1/findings", params={"lang": "en"}).json()["codes"]}
    assert set(swedish) == set(english) == set(CODES)
    assert swedish["lagrum.saknas"]["message"] == "Beslutet saknar lagrum."
    assert english["lagrum.saknas"]["message"] == "The decision cites no legal provision."
    assert swedish["lagrum.saknas"]["severity"] == "fel" and swedish["lagrum.saknas"]["field"] == "lagrum"


def test_decision_schema_is_what_the_command_line_prints(client):
    import subprocess
    import sys

    printed = subprocess.run([sys.executable, "-m", "bistandsregler", "schema", "decision"], capture_output=True,
                             text=True, check=True, cwd=REPO).stdout
    assert client.get("/v1/schema/decision").json() == json.loads(printed) == Decision.model_json_schema()


def test_the_served_openapi_document_is_the_committed_one(client):
    assert client.get("/v1/openapi.json").json() == json.loads(OPENAPI.read_text(encoding="utf-8"))


# ---- checking one decision ----------------------------------------------------------------------


def test_check_gives_the_findings_the_library_gives_with_a_receipt(client, checker):
    answer = client.post("/v1/check", json=REPEALED)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = answer.json()
    _validate(body, "CheckedResult")
    receipt = body.pop("receipt")
    assert body == checker.check(REPEALED).to_json()
    assert [f["code"] for f in body["findings"]] == ["lagrum.upphavd", "bedomning.ofullstandig"]
    assert receipt["engine"] == bistandsregler.__version__
    assert receipt["decided_on"] == "2025-09-03"
    assert receipt["guideline"]["id"] == "botkyrka_2025" and receipt["table"]["id"] == "kristianstad"
    sol = {law["sfs"] for law in receipt["laws_in_force"] if law["abbreviation"] == "SoL"}
    assert sol == {"2025:400"}
    applied = receipt["files"]
    assert applied["guidelines/botkyrka/botkyrka-2025.riktlinje"] == sha256(BOTKYRKA)
    assert applied["guidelines/kristianstad/kristianstad.schablon"] == sha256(KRISTIANSTAD)
    for path, digest in applied.items():
        assert digest == sha256(REPO / path)
    assert any(path.startswith("guidelines/nationell/") for path in applied)


def test_receipt_names_the_law_and_guideline_version_of_the_decision_date(client):
    """Before Botkyrka's guideline of 2025-07-01 and SoL 2025:400: the old law, the national layer."""
    before = client.post("/v1/check", json=dict(REPEALED, decided_on="2025-06-10", lagrum="4 kap. 1 § SoL")).json()
    receipt = before["receipt"]
    assert receipt["guideline"] is None
    assert "guidelines/botkyrka/botkyrka-2025.riktlinje" not in receipt["files"]
    assert {law["sfs"] for law in receipt["laws_in_force"] if law["abbreviation"] == "SoL"} == {"2001:453"}
    codes = [f["code"] for f in before["findings"]]
    assert "riktlinje.ej_i_kraft" in codes and "lagrum.upphavd" not in codes
    undated = client.post("/v1/check", json={"id": "u", "insats": "Hemtjänst"}).json()["receipt"]
    assert undated["decided_on"] is None and undated["laws_in_force"] is None


def test_english_messages_with_lang_en(client, checker):
    body = client.post("/v1/check", params={"lang": "en"}, json=REPEALED).json()
    body.pop("receipt")
    assert body == checker.check(REPEALED).to_json("en")
    assert "was not in force" in body["findings"][0]["message"]


def test_choosing_guideline_by_id_or_municipality_and_refusing_one_not_loaded(client):
    by_id = client.post("/v1/check", params={"guideline": "botkyrka_2025"}, json=REPEALED).json()
    by_municipality = client.post("/v1/check", params={"municipality": "botkyrka"}, json=REPEALED).json()
    assert by_id == by_municipality
    for params, field in (({"guideline": "solna_2030"}, "guideline"), ({"municipality": "Lomma"}, "municipality"),
                          ({"table": "solna"}, "table")):
        answer = client.post("/v1/check", params=params, json=REPEALED)
        assert answer.status_code == 422, params
        assert answer.json()["code"] == "tjanst.val" and answer.json()["fields"] == [field]


# ---- bad input ----------------------------------------------------------------------------------


def _error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    _validate(body, "ErrorOut")
    assert body["code"] == code and body["request_id"] == answer.headers["x-request-id"]
    assert "Traceback" not in answer.text
    return body


def test_a_body_that_is_no_json_is_400_with_where(client):
    body = _error(client.post("/v1/check", content=b'{"id": ', headers={"content-type": "application/json"}),
                  400, "indata.ogiltig")
    assert body["message"] == "ogiltig JSON på rad 1, kolumn 8: väntade ett värde"
    _error(client.post("/v1/check", content=b'{"id": "\xff"}', headers={"content-type": "application/json"}),
           400, "indata.ogiltig")


def test_a_body_that_is_no_decision_is_422_naming_the_fields_never_the_values(client):
    sent = {"id": "1", "person": {"birth_year": PERSONNUMMER}, "outcom": "bifall", "justification": 5}
    body = _error(client.post("/v1/check", params={"lang": "en"}, json=sent), 422, "indata.ogiltig")
    assert sorted(body["fields"]) == ["justification", "outcom", "person.birth_year"]
    assert "did you mean 'outcome'?" in body["message"]
    assert PERSONNUMMER not in json.dumps(body)
    assert _error(client.post("/v1/check", json=[1, 2]), 422, "indata.ogiltig")["message"].startswith("posten är inte")


def test_bad_parameters_paths_methods_and_types(client):
    assert _error(client.post("/v1/check", params={"lang": "fi"}, json=REPEALED), 422, "indata.ogiltig")["fields"] == ["lang"]
    _error(client.get("/v1/nothing-here"), 404, "tjanst.hittas_inte")
    _error(client.get("/v1/check"), 405, "tjanst.metod")
    _error(client.post("/v1/check", content=b"id=1", headers={"content-type": "application/x-www-form-urlencoded"}),
           415, "tjanst.mediatyp")


def test_a_body_over_the_limit_is_413(client):
    big = dict(REPEALED, justification="x" * 1_100_000)
    body = _error(client.post("/v1/check", json=big), 413, "tjanst.for_stor")
    assert body["limit"] == 1_000_000

    def chunks():  # no Content-Length: counted as it arrives
        yield json.dumps(big).encode()

    _error(client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"}), 413, "tjanst.for_stor")


# ---- estimate -------------------------------------------------------------------------------------


def test_estimate_prices_a_case_as_the_library_does(client):
    from bistandsregler.standard_times.pricing import estimate

    wanted = {"activities": ["dusch 2 gg/v", "städning varannan vecka"], "household": 1}
    body = client.post("/v1/estimate", json=wanted).json()
    receipt = body.pop("receipt")
    book = bistandsregler.load(KRISTIANSTAD)
    assert body == estimate(book.tables[0], wanted["activities"], book).to_json()
    assert receipt["files"]["guidelines/kristianstad/kristianstad.schablon"] == sha256(KRISTIANSTAD)
    bad = _error(client.post("/v1/estimate", json={"activities": ["dusch", "dusch 2 xx/v"]}), 422, "indata.ogiltig")
    assert bad["fields"] == ["activities[1]"]
    missing = _error(client.post("/v1/estimate", json={"activity": []}), 422, "indata.ogiltig")
    assert missing["fields"] == ["activities", "activity"]
    assert "did you mean 'activities'?" in client.post("/v1/estimate", params={"lang": "en"},
                                                       json={"activity": []}).json()["message"]


# ---- the batch --------------------------------------------------------------------------------------


def _batch_lines() -> list[str]:
    good = [dict(REPEALED, id=f"b{i}", decided_on=f"2025-{6 + i % 4:02d}-1{i % 10}") for i in range(40)]
    lines = [json.dumps(d, ensure_ascii=False) for d in good]
    lines[3] = '{"id": "b3", "decided_on": '  # no JSON
    lines[7] = '{"id": "b7", "outcom": "bifall"}'  # no decision
    lines[11] = "[1, 2, 3]"
    lines.insert(20, "   ")  # blank: no record, as in the readers
    lines[25] = json.dumps(dict(REPEALED, id="b25", justification="å" * 600_000))  # over --max-body as a line
    return lines


def test_batch_gives_one_line_for_each_line_in_order_readable_or_not(client, checker, tmp_path):
    lines = _batch_lines()
    answer = client.post("/v1/check/batch", content=("\n".join(lines) + "\n").encode(),
                         headers={"content-type": "application/x-ndjson"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/x-ndjson"
    out = [json.loads(line) for line in answer.text.splitlines()]
    records = [line for line in lines if line.strip()]
    assert len(out) == len(records)  # counts in and out match
    # The same as reading the same lines as a file and checking them in-process.
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines[:25] + lines[26:]) + "\n", encoding="utf-8")
    expected = [r.to_json() for r in results(checker, read_decisions(path))]
    served = out[:24] + out[25:]
    assert len(served) == len(expected)
    for got, want in zip(served, expected, strict=True):
        receipt = got.pop("receipt")
        _validate(dict(got, receipt=receipt), "CheckedResult")
        assert got["status"] == want["status"]
        assert [f["code"] for f in got["findings"]] == [f["code"] for f in want["findings"]]
        assert got["id"] == want["id"].replace(str(path), "batch")
    unreadable = {i + 1: line for i, line in enumerate(out) if line["findings"][0]["code"] == "indata.ogiltig"}
    assert sorted(unreadable) == [4, 8, 12, 25]
    assert all(line["source"] == f"batch:{n}" for n, line in unreadable.items())
    assert "för lång" in unreadable[25]["findings"][0]["message"]


def test_batch_of_nothing_is_an_empty_answer(client):
    answer = client.post("/v1/check/batch", content=b"\n\n", headers={"content-type": "application/x-ndjson"})
    assert answer.status_code == 200 and answer.text == ""


def test_batch_streams_while_the_client_is_still_sending(server):
    """The first result line comes back before the body has ended (reading and writing run side
    by side): a raw socket sends one line, reads its result, then sends the next."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/check/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        seen = b""
        for n in range(3):
            line = json.dumps(dict(REPEALED, id=f"s{n}")).encode() + b"\n"
            sock.sendall(f"{len(line):x}\r\n".encode() + line + b"\r\n")
            while f'"id": "s{n}"'.encode() not in seen:
                seen += sock.recv(65536)
        sock.sendall(b"0\r\n\r\n")
    assert seen.startswith(b"HTTP/1.1 200")


# ---- the access log ------------------------------------------------------------------------------


def test_access_log_is_json_per_request_without_personal_data(server, client):
    sent = dict(REPEALED, id=PERSONNUMMER, justification=f"{NAME}: {REASON}", outcome="avslag",
                decided_by={"id": "handl-1", "role": "handläggare"})
    checked = client.post("/v1/check", json=sent, headers={"x-request-id": "case-42"})
    assert checked.status_code == 200 and checked.headers["x-request-id"] == "case-42"
    assert PERSONNUMMER not in checked.text  # the id is masked in the answer as in evaluate's
    client.post("/v1/check", json=dict(sent, person={"birth_year": NAME}))  # 422, naming the field
    client.post("/v1/check/batch", content=json.dumps(sent, ensure_ascii=False).encode() + b"\n{bad " + NAME.encode(),
                headers={"content-type": "application/x-ndjson"})
    client.get(f"/v1/{PERSONNUMMER}")
    client.post("/v1/check", headers={"x-request-id": PERSONNUMMER}, json=REPEALED)
    time.sleep(0.3)
    text = server.log.read_text(encoding="utf-8")
    for secret in (PERSONNUMMER, "19391231", NAME, "Astrid", REASON, "badrummet"):
        assert secret not in text, secret
    lines = server.log_lines()  # every line is one JSON object
    requests = [line for line in lines if line.get("event") == "request"]
    mine = next(line for line in requests if line["request_id"] == "case-42")
    assert set(mine) >= {"time", "method", "path", "status", "duration_ms", "request_id", "decision"}
    assert (mine["method"], mine["path"], mine["status"]) == ("POST", "/v1/check", 200)
    assert len(mine["decision"]) == 16 and mine["decision"] not in PERSONNUMMER
    batch = next(line for line in requests if line["path"] == "/v1/check/batch" and line.get("lines_in") == 2)
    assert batch["lines_out"] == 2
    assert any(line["path"] == "(unknown)" and line["status"] == 404 for line in requests)


# ---- token -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guarded")
    (folder / "token").write_text("  hemlig-token-123\n", encoding="utf-8")
    running = Server(["--token-file", str(folder / "token")], folder / "stderr.log", token="hemlig-token-123")
    yield running
    running.stop()


def test_with_a_token_every_endpoint_but_health_needs_it(guarded):
    import httpx

    with httpx.Client(base_url=guarded.base, timeout=30) as anonymous:
        assert anonymous.get("/v1/health").status_code == 200
        for method, path in (("GET", "/v1/ready"), ("GET", "/v1/guidelines"), ("GET", "/v1/findings"),
                             ("GET", "/v1/schema/decision"), ("GET", "/v1/openapi.json"), ("POST", "/v1/check"),
                             ("POST", "/v1/check/batch"), ("POST", "/v1/estimate"), ("POST", "/v1/admin/reload"),
                             ("GET", "/v1/nothing")):
            answer = anonymous.request(method, path, json=REPEALED)
            assert answer.status_code == 401, path
            assert answer.json()["code"] == "tjanst.obehorig" and answer.headers["www-authenticate"] == "Bearer"
        for wrong in ("Bearer hemlig-token-12", "Bearer hemlig-token-1234", "hemlig-token-123", "Basic x"):
            assert anonymous.post("/v1/check", json=REPEALED, headers={"authorization": wrong}).status_code == 401
    with guarded.client() as client:
        national = client.post("/v1/check", json=REPEALED)
        assert national.status_code == 200
        assert national.json()["receipt"]["guideline"] is None  # no --riktlinje: the national layer alone
        assert client.post("/v1/admin/reload").json()["status"] == "reloaded"


def test_without_a_token_the_admin_endpoint_is_closed(client):
    _error(client.post("/v1/admin/reload"), 403, "tjanst.ingen_token")


def test_serve_refuses_an_unreadable_token_file_and_a_guideline_with_errors(tmp_path):
    import subprocess
    import sys

    empty = tmp_path / "token"
    empty.write_text("\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bistandsregler", "serve", "--token-file", str(empty)],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode == 2 and "--token-file" in run.stderr and "Traceback" not in run.stderr
    broken = tmp_path / "fel.riktlinje"
    broken.write_text('riktlinje x "X"\n  gäller från igår\nslut\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bistandsregler", "serve", "--riktlinje", str(broken)],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.returncode == 1 and "fel.riktlinje:2:" in run.stderr and "Traceback" not in run.stderr


# ---- time limits --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hasty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hasty")
    running = Server(["--timeout", "0.5", "--max-body", "30000000"], folder / "stderr.log")
    yield running
    running.stop()


def _answer(sock: socket.socket) -> str:
    """One whole HTTP answer from a raw socket: its head, then as many bytes as Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += sock.recv(65536)
    return (head + b"\r\n\r\n" + body).decode()


def test_a_body_that_does_not_arrive_in_time_gets_503(hasty):
    with socket.create_connection(("127.0.0.1", hasty.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"id\": ")
        answer = _answer(sock)
    assert answer.startswith("HTTP/1.1 503")
    assert "retry-after: 1" in answer.lower() and '"tjanst.tidsgrans"' in answer


def test_a_batch_whose_body_stops_coming_gets_503(hasty):
    with socket.create_connection(("127.0.0.1", hasty.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/check/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                     b"Content-Length: 100\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith("HTTP/1.1 503") and '"tjanst.tidsgrans"' in answer


def test_a_check_that_takes_too_long_gets_503_and_health_answers_meanwhile(hasty):
    import threading


    # Each distinct activity text is read on its own (repeated texts are remembered): 8,000
    # different ones take seconds on any machine.
    heavy = dict(REPEALED, lagrum="11 kap. 1 § SoL", scope={"activities": [{"text": f"dusch {i + 1} gg/månad"}
                                                                           for i in range(8000)]})
    got: dict = {}

    def post() -> None:
        with hasty.client() as c:
            got["answer"] = c.post("/v1/check", json=heavy)

    thread = threading.Thread(target=post)
    thread.start()
    with hasty.client() as c:
        time.sleep(0.2)
        started = time.perf_counter()
        assert c.get("/v1/health").status_code == 200
        health_seconds = time.perf_counter() - started
    thread.join(60)
    assert got["answer"].status_code == 503 and got["answer"].json()["code"] == "tjanst.tidsgrans"
    assert "0.5 s" in got["answer"].json()["message"]
    assert health_seconds < 5  # answered beside the check, not after it


def test_cors_is_off_unless_configured(client, tmp_path):
    plain = client.options("/v1/check", headers={"origin": "https://example.org", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in plain.headers
    served = Server(["--cors-origin", "https://case.example.org"], tmp_path / "stderr.log")
    try:
        with served.client() as c:
            allowed = c.options("/v1/check", headers={"origin": "https://case.example.org",
                                                      "access-control-request-method": "POST"})
            assert allowed.headers["access-control-allow-origin"] == "https://case.example.org"
            other = c.get("/v1/health", headers={"origin": "https://evil.example.org"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        served.stop()


def test_openapi_document_is_up_to_date():
    """The committed document is what the app makes (``python tools/gen_docs.py`` writes it)."""
    from bistandsregler.service.app import create_app
    from bistandsregler.service.settings import Settings

    assert create_app(Settings()).openapi() == json.loads(OPENAPI.read_text(encoding="utf-8"))


def test_the_curl_examples_of_the_integrators_page_run(server, tmp_path):
    """Every ``$ curl`` line of docs/developers/http.md, against the real server: it succeeds and
    prints JSON (a line of it each, for the batch)."""
    import re
    import shlex
    import subprocess

    page = (REPO / "docs/developers/http.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\$ (curl .+?)$", page, re.MULTILINE)
    assert len(commands) >= 5
    for command in commands:
        if "Authorization" in command or "admin/reload" in command:
            continue  # shown for a service with a token; the token tests cover it
        words = [w.replace("http://127.0.0.1:8080", server.base) for w in shlex.split(command)]
        run = subprocess.run(words, capture_output=True, text=True, cwd=REPO / "docs/exempel", timeout=60)
        assert run.returncode == 0, (command, run.stderr)
        for line in run.stdout.splitlines():
            if line.strip():
                json.loads(line)
        assert run.stdout.strip(), command


@pytest.mark.parametrize("path", [Path("docs/exempel/beslut.json")])
def test_the_docs_example_decisions_check_over_http(client, path):
    for decision in json.loads((REPO / path).read_text(encoding="utf-8")):
        assert client.post("/v1/check", json=decision).status_code == 200

"""Reloading guidelines under load, on a real ``bistandsregler serve``: through SIGHUP and the
admin endpoint, with one process and with ``--workers 2``. Two versions of one guideline give
different findings on the same decision, so a response that mixed two libraries, or a receipt
that named another version than the one applied, shows."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from service_helpers import BROKEN, VERSION_A, VERSION_B, Server, sha256, write_atomically

pytestmark = pytest.mark.slow

DECISION = {"id": "r", "decided_on": "2025-09-01", "insats": "Hemtjänst", "lagrum": "11 kap. 1 § SoL",
            "outcome": "bifall", "scope": {"hours_per_month": 75}, "goals": [{"text": "Klara duschen själv."}]}
PATH = "testby.riktlinje"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "g").mkdir()
    write_atomically(tmp_path / "g" / PATH, VERSION_A)
    return tmp_path


def _consistent(result: dict, hashes: dict[str, str]) -> str:
    """Which version a result was checked under, after asserting its findings and its receipt agree."""
    digest = next(h for p, h in result["receipt"]["files"].items() if p.endswith(PATH))
    version = {v: k for k, v in hashes.items()}[digest]
    over = [f for f in result["findings"] if f["code"] == "omfattning.gransvarde"]
    if version == "A":
        assert over == [], result
    else:
        assert [f["message"] for f in over] == ["Över 50 timmar i månaden."], result
    return version


class Load:
    """Clients checking one decision and small batches, in threads, until stopped; every answer kept."""

    def __init__(self, server: Server, clients: int = 4, fresh_connections: bool = False) -> None:
        self.server = server
        self.answers: list[tuple[str, int, str]] = []
        self.failures: list[str] = []
        self.stopping = threading.Event()
        self.fresh = fresh_connections
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self, n: int) -> None:
        headers = {"Connection": "close"} if self.fresh else {}
        with self.server.client(headers=headers) as client:
            while not self.stopping.is_set():
                batch = n % 2 == 1
                try:
                    if batch:
                        body = "\n".join(json.dumps(dict(DECISION, id=f"{n}-{i}")) for i in range(20)) + "\n"
                        answer = client.post("/v1/check/batch", content=body.encode(),
                                             headers={"content-type": "application/x-ndjson"})
                    else:
                        answer = client.post("/v1/check", json=DECISION)
                except httpx.HTTPError as error:
                    self.failures.append(f"{type(error).__name__}: {error}")
                    continue
                self.answers.append(("batch" if batch else "one", answer.status_code, answer.text))

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def versions(self, hashes: dict[str, str]) -> list[str]:
        """The version of every answer; asserts that none failed and no batch mixed versions."""
        assert not self.failures, self.failures[:5]
        assert all(status == 200 for _, status, _ in self.answers), [a for a in self.answers if a[1] != 200][:3]
        seen = []
        for kind, _, text in self.answers:
            lines = [json.loads(line) for line in text.splitlines()]
            assert len(lines) == (20 if kind == "batch" else 1)
            versions = {_consistent(line, hashes) for line in lines}
            assert len(versions) == 1, "one batch, one library"
            seen.append(versions.pop())
        return seen


def _hashes(folder) -> dict[str, str]:
    path = folder / "g" / PATH
    found = {}
    for name, text in (("A", VERSION_A), ("B", VERSION_B)):
        probe = folder / f"probe-{name}.riktlinje"
        probe.write_text(text, encoding="utf-8")
        found[name] = sha256(probe)
    assert sha256(path) == found["A"]
    return found


def _wait_for(client: httpx.Client, digest: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = client.post("/v1/check", json=DECISION).json()["receipt"]["files"]
        if any(p.endswith(PATH) and h == digest for p, h in files.items()):
            return
        time.sleep(0.05)
    raise AssertionError(f"{digest} not loaded within {seconds} s")


def test_reload_under_concurrent_requests_loses_none_and_mixes_no_two_libraries(folder):
    hashes = _hashes(folder)
    (folder / "token").write_text("t0ken", encoding="utf-8")
    server = Server(["--riktlinje", str(folder / "g"), "--token-file", str(folder / "token")], folder / "log",
                    token="t0ken")
    try:
        load = Load(server)
        with server.client() as admin:
            for round_ in range(6):
                time.sleep(0.3)
                version = "B" if round_ % 2 == 0 else "A"
                write_atomically(folder / "g" / PATH, VERSION_B if version == "B" else VERSION_A)
                if round_ % 3 == 2:
                    reloaded = admin.post("/v1/admin/reload")
                    assert reloaded.status_code == 200 and reloaded.json()["status"] == "reloaded"
                    assert reloaded.json()["files"][str(folder / "g" / PATH)] == hashes[version]
                else:
                    server.hangup()
                _wait_for(admin, hashes[version])
            time.sleep(0.3)
            load.stop()
            assert admin.get("/v1/ready").json()["reloads"] == 6
        seen = load.versions(hashes)
        assert len(seen) > 30 and {"A", "B"} <= set(seen)
    finally:
        load.stop()
        server.stop()


def test_a_guideline_with_errors_is_refused_with_its_diagnostics_and_the_old_one_stays(folder):
    hashes = _hashes(folder)
    (folder / "token").write_text("t0ken", encoding="utf-8")
    server = Server(["--riktlinje", str(folder / "g"), "--token-file", str(folder / "token")], folder / "log",
                    token="t0ken")
    try:
        with server.client() as client:
            write_atomically(folder / "g" / PATH, BROKEN)
            refused = client.post("/v1/admin/reload")
            assert refused.status_code == 422
            body = refused.json()
            assert body["code"] == "tjanst.omlasning_nekad"
            assert [(d["code"], d["line"]) for d in body["diagnostics"]] == [("syntax.ovantat", 5)]
            assert body["diagnostics"][0]["path"].endswith(PATH)
            server.hangup()
            deadline = time.monotonic() + 30
            while not any(line.get("event") == "reload" for line in server.log_lines()):
                assert time.monotonic() < deadline, "the refused SIGHUP reload is logged"
                time.sleep(0.1)
            logged = next(line for line in server.log_lines() if line.get("event") == "reload")
            assert logged["status"] == "refused" and logged["diagnostics"][0]["code"] == "syntax.ovantat"
            result = client.post("/v1/check", json=DECISION).json()
            assert _consistent(result, hashes) == "A"
            assert client.get("/v1/ready").json()["reloads"] == 0
    finally:
        server.stop()


def _pids(client_factory, at_least: int, seconds: float = 60) -> set[int]:
    """The worker pids that answer, over fresh connections, until ``at_least`` have."""
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    while len(seen) < at_least and time.monotonic() < deadline:
        with client_factory(headers={"Connection": "close"}) as client:
            seen.add(client.get("/v1/ready").json()["pid"])
    return seen


def test_with_two_workers_sighup_reaches_every_worker_and_a_bad_file_keeps_the_old_ones(folder):
    hashes = _hashes(folder)
    (folder / "token").write_text("t0ken", encoding="utf-8")
    server = Server(["--riktlinje", str(folder / "g"), "--workers", "2", "--token-file", str(folder / "token")],
                    folder / "log", token="t0ken")
    try:
        before = _pids(server.client, 2)
        assert len(before) == 2 and server.process.pid not in before

        # A file with errors: the supervisor's new workers do not start; the old ones stay.
        write_atomically(folder / "g" / PATH, BROKEN)
        server.hangup()
        deadline = time.monotonic() + 60
        while not any(line.get("event") == "startup" and line.get("status") == "refused" for line in server.log_lines()):
            assert time.monotonic() < deadline, "the refused worker start is logged"
            time.sleep(0.2)
        time.sleep(1)
        assert _pids(server.client, 2) == before
        with server.client() as client:
            assert _consistent(client.post("/v1/check", json=DECISION).json(), hashes) == "A"

        # Version B by SIGHUP, under load: every worker is replaced and none of the answers is lost.
        write_atomically(folder / "g" / PATH, VERSION_B)
        load = Load(server, fresh_connections=True)
        server.hangup()
        deadline = time.monotonic() + 90
        after: set[int] = set()
        while time.monotonic() < deadline:
            after = _pids(server.client, 2, seconds=10)
            if not after & before and len(after) == 2:
                break
            time.sleep(0.5)
        assert len(after) == 2 and not after & before, (before, after)
        time.sleep(0.5)
        load.stop()
        seen = load.versions(hashes)
        assert "B" in seen
        for _ in range(10):  # every worker now answers with B
            with server.client(headers={"Connection": "close"}) as client:
                assert _consistent(client.post("/v1/check", json=DECISION).json(), hashes) == "B"

        # Version A through the admin endpoint: the worker that takes it checks the files, then
        # the supervisor replaces every worker.
        write_atomically(folder / "g" / PATH, VERSION_A)
        with server.client() as client:
            answer = client.post("/v1/admin/reload")
            assert answer.status_code == 200 and answer.json()["status"] == "reloading"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            versions = set()
            for _ in range(6):
                with server.client(headers={"Connection": "close"}) as client:
                    versions.add(_consistent(client.post("/v1/check", json=DECISION).json(), hashes))
            if versions == {"A"}:
                break
            time.sleep(0.5)
        assert versions == {"A"}
        assert not _pids(server.client, 2) & after
    finally:
        server.stop()

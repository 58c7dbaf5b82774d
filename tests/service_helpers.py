"""A real ``bistandsregler serve`` process on a free loopback port, for the service tests and the
curl examples of docs/developers/http.md; always stopped, also when a test fails."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]

# A municipal guideline in two versions whose findings differ on the same decision: 75 hours a
# month is over the limit of version B only. The reload tests swap one for the other.
GUIDELINE = """riktlinje testby_2025 "Testbys riktlinje"
  kommun "Testby"
  gäller från 2025-01-01 till tills vidare
  bygger på nationell
slut

regel hemtjanst_over_gransen "Hemtjänst över gränsen"
  kod omfattning.gransvarde
  när insats = hemtjänst och utfall i (bifall, delvis_bifall) och timmar_per_månad > {limit}
  då varning "Över {limit} timmar i månaden."
  engelska "Over {limit} hours a month."
  fält timmar_per_månad
slut
"""
VERSION_A, VERSION_B = GUIDELINE.format(limit=100), GUIDELINE.format(limit=50)
BROKEN = VERSION_A.replace("bygger på nationell", "bygger på nationell\n  gäller från igår")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def write_atomically(path: Path, text: str) -> None:
    """Replace a file in one rename: a reload never reads half of it."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class Server:
    """``bistandsregler serve ARGS`` on 127.0.0.1:<free port>; its standard error in a file."""

    def __init__(self, args: list[str], log: Path, cwd: Path = REPO, token: str | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.token = token
        self._stderr = open(log, "wb")  # noqa: SIM115 (closed in stop)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "bistandsregler", "serve", "--port", str(self.port), *args],
                                        cwd=cwd, stdout=subprocess.DEVNULL, stderr=self._stderr, env=env,
                                        start_new_session=True)  # its own group: its workers are stopped with it
        self._wait()

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve stopped with {self.process.returncode}: {self.log.read_text(encoding='utf-8')}")
            try:
                if httpx.get(f"{self.base}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"serve did not answer in {seconds} s: {self.log.read_text(encoding='utf-8')}")

    def client(self, headers: dict[str, str] | None = None, **kwargs) -> httpx.Client:
        """A client of this server, with its token if it has one."""
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.Client(base_url=self.base, headers={**auth, **(headers or {})}, timeout=30, **kwargs)

    def hangup(self) -> None:
        self.process.send_signal(signal.SIGHUP)

    def log_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left of the group this server started (a worker of a killed supervisor)
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait(10)
        self._stderr.close()

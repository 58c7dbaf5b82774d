"""What ``serve`` was started with: files, limits, token, CORS; passed to every worker.

uvicorn starts each worker (``--workers N``) as a fresh interpreter that builds the app from an
import string, so the settings travel as JSON in one environment variable, read by
``app.from_environment``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field

ENVIRONMENT = "BISTANDSREGLER_SERVE"

DEFAULT_MAX_BODY = 1_000_000  # bytes: a decision at its field limits is about 750 kB
DEFAULT_TIMEOUT = 10.0  # seconds for one request (a batch: for each wait on its body)


@dataclass(frozen=True)
class Settings:
    guidelines: tuple[str, ...] = ()  # --riktlinje: files or folders
    tables: tuple[str, ...] = ()  # --schablon
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    token_file: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    timeout: float = DEFAULT_TIMEOUT
    cors_origins: tuple[str, ...] = ()
    # The key decision ids are hashed with in the access log: one per service run, shared by its
    # workers and kept over reloads, so one id reads the same in every line of a run and cannot
    # be found again by hashing every personnummer.
    log_key: str = field(default_factory=lambda: secrets.token_hex(16))

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> Settings:
        data = json.loads(os.environ[ENVIRONMENT])
        for name in ("guidelines", "tables", "cors_origins"):
            data[name] = tuple(data[name])
        return cls(**data)

    def token(self) -> str | None:
        """The bearer token from ``token_file`` (surrounding white space dropped), or None.
        Raises OSError when the file cannot be read and ValueError when it holds no token."""
        if self.token_file is None:
            return None
        with open(self.token_file, encoding="utf-8") as handle:
            token = handle.read().strip()
        if not token:
            raise ValueError("empty")
        return token

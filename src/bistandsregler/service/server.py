"""Running the app under uvicorn: one process, or a supervisor with ``--workers N``.

Logs are JSON, one object a line, on standard error: uvicorn's own lines as
``{"event": "server", ...}`` and the access log as ``{"event": "request", ...}`` (``app.Guard``;
uvicorn's access log, which writes the client address and the query, is off).

Reload: with one process, SIGHUP reloads in that process (``app``). With ``--workers N``
uvicorn's supervisor receives SIGHUP and replaces the workers one at a time, each new worker
loading the files anew and taking over before the old one stops (in-flight requests finish
there). A new worker whose files have errors does not start, and uvicorn keeps the old worker.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from bistandsregler.service.library import Library
from bistandsregler.service.settings import ENVIRONMENT, Settings


class JsonLines(logging.Formatter):
    """A log record as one JSON object: a message that is JSON already is merged in."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        line: dict[str, Any] = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                                + f".{int(record.msecs):03d}Z", "level": record.levelname.lower()}
        try:
            data = json.loads(message) if message.startswith("{") else None
        except ValueError:
            data = None
        if isinstance(data, dict):
            line.update(data)
        else:
            line.update({"event": "server", "message": message})
        return json.dumps(line, ensure_ascii=False)


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bistandsregler.service.server.JsonLines"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "bistandsregler.service": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def run(settings: Settings, library: Library) -> int:
    """Serve until stopped (SIGINT, SIGTERM); the exit code. ``library`` is the files loaded
    already (the command line loads them first, to refuse a file with errors clearly); with
    ``--workers N`` each worker loads its own."""
    import uvicorn

    from bistandsregler.service.app import create_app

    os.environ[ENVIRONMENT] = settings.to_environment()  # read by each worker's factory
    common: dict[str, Any] = {"host": settings.host, "port": settings.port, "log_config": LOG_CONFIG,
                              "access_log": False, "server_header": False, "timeout_graceful_shutdown": 30,
                              "lifespan": "on"}
    if settings.workers > 1:
        # A new worker loads the files before it is ready: give it time on a busy machine, or the
        # supervisor kills it and keeps the old one (uvicorn's default is 5 s).
        uvicorn.run("bistandsregler.service.app:from_environment", factory=True, workers=settings.workers,
                    timeout_worker_healthcheck=120, **common)
    else:
        app = create_app(settings, library)
        uvicorn.run(app, **common)
    return 0

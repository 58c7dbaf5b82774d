"""The language server's latency: from a didChange to the publishDiagnostics of that version.

A generated guideline of 1,000 rules (``run.thousand_rules``) is opened in ``bistandsregler lsp``
(a real process, spoken to over stdio by pygls' client); each round changes every limit in it
(a new text, so no cache holds it) and times the diagnostics of that version. Beside it, in this
process and interleaved round by round, ``validate`` (``rules.loading.read``) on the same text
written to a file: what the server costs over reading the file as the command line does. The
server's debounce (``--debounce-ms``, the server's default 150 ms) is part of its latency.
The last line printed is a JSON object of the figures.

    python benchmarks/lsp.py [--rounds 7] [--debounce-ms 150]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import thousand_rules  # noqa: E402  (the benchmarks' shared generator)


async def measure(rounds: int, debounce_ms: float) -> dict:
    from bistandsregler.rules.loading import read

    published: dict[tuple[str, int], float] = {}
    client = LanguageClient("benchmark", "1")

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        published[(params.uri, params.version or 0)] = time.perf_counter()
        if params.diagnostics:
            raise SystemExit(f"the generated guideline must be clean: {params.diagnostics[0].message}")

    async def wait(uri: str, version: int) -> float:
        while (uri, version) not in published:
            await asyncio.sleep(0.001)
        return published[(uri, version)]

    with tempfile.TemporaryDirectory() as folder:
        served = Path(folder) / "lsp" / "stor.riktlinje"
        validated = Path(folder) / "cli" / "stor.riktlinje"
        served.parent.mkdir()
        validated.parent.mkdir()
        text = thousand_rules()
        served.write_text(text, encoding="utf-8")
        uri = served.as_uri()
        await client.start_io(sys.executable, "-m", "bistandsregler", "lsp")
        await client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(), initialization_options={"debounce_ms": debounce_ms}))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            t.TextDocumentItem(uri=uri, language_id="riktlinje", version=1, text=text)))
        await wait(uri, 1)
        read([validated.parent])  # the national layer once in this process too
        server_ms, validate_ms = [], []
        for number in range(rounds):
            version = number + 2
            changed = thousand_rules(offset=version)
            start = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [t.TextDocumentContentChangeWholeDocument(text=changed)]))
            server_ms.append((await wait(uri, version) - start) * 1000)
            validated.write_text(changed, encoding="utf-8")
            start = time.perf_counter()
            book = read([validated.parent])
            validate_ms.append((time.perf_counter() - start) * 1000)
            assert not book.diagnostics or all(d.severity.value != "fel" for d in book.diagnostics)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return {
        "rules": 1000, "rounds": rounds, "debounce_ms": debounce_ms,
        "lsp_change_to_diagnostics_ms_median": round(statistics.median(server_ms)),
        "lsp_change_to_diagnostics_ms_min": round(min(server_ms)),
        "lsp_change_to_diagnostics_ms_max": round(max(server_ms)),
        "validate_in_process_ms_median": round(statistics.median(validate_ms)),
        "validate_in_process_ms_min": round(min(validate_ms)),
        "target_ms": 300,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--debounce-ms", type=float, default=150)
    args = parser.parse_args(argv)
    figures = asyncio.run(measure(args.rounds, args.debounce_ms))
    print(f"1 000 regler: ändring till diagnostik {figures['lsp_change_to_diagnostics_ms_median']} ms (median, "
          f"varav debounce {args.debounce_ms:.0f} ms); validate i processen {figures['validate_in_process_ms_median']} ms")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

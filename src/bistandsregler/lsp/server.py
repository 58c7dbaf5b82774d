"""``bistandsregler lsp``: the language server, over stdio (pygls).

Diagnostics are published for every open document of a folder after each change, debounced
(``initializationOptions.debounce_ms``, 150 by default: a burst of keystrokes is read once);
messages are Swedish, English with ``initializationOptions.lang = "en"``. Positions are
converted between the engine's (1-based lines, columns in characters) and the client's
(0-based, in the position encoding agreed at start-up, UTF-16 by default).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from bistandsregler._version import __version__
from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import Diagnostic, Severity
from bistandsregler.language.formatting import format_text
from bistandsregler.lsp.completion import complete
from bistandsregler.lsp.documents import Documents, kind_of, lines_of
from bistandsregler.lsp.fixes import fix_for
from bistandsregler.lsp.knowledge import Knowledge, word_at
from bistandsregler.lsp.outline import Block, blocks

DEBOUNCE_MS = 150
_SEVERITIES = {Severity.ERROR: t.DiagnosticSeverity.Error, Severity.WARNING: t.DiagnosticSeverity.Warning,
               Severity.INFO: t.DiagnosticSeverity.Information}
_SYMBOLS = {"riktlinje": t.SymbolKind.File, "schablon": t.SymbolKind.File, "lag": t.SymbolKind.Module,
            "paragraf": t.SymbolKind.Key, "insats": t.SymbolKind.Class, "aktivitet": t.SymbolKind.Field,
            "värde": t.SymbolKind.Constant, "nivåer": t.SymbolKind.Enum, "nivå": t.SymbolKind.EnumMember,
            "regel": t.SymbolKind.Function, "förval": t.SymbolKind.Object, "delegation": t.SymbolKind.Interface,
            "ordlista": t.SymbolKind.Array}
_COMPLETION_KINDS = {"keyword": t.CompletionItemKind.Keyword, "insats": t.CompletionItemKind.Class,
                     "activity": t.CompletionItemKind.Field, "value": t.CompletionItemKind.Constant,
                     "field": t.CompletionItemKind.Variable, "frequency": t.CompletionItemKind.Text,
                     "name": t.CompletionItemKind.EnumMember}


class GuidelineServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("bistandsregler", __version__)
        self.documents = Documents()
        self.lang = "sv"
        self.debounce = DEBOUNCE_MS / 1000
        self.uris: dict[Path, str] = {}
        self.pending: dict[Path, asyncio.Task] = {}
        self.published: dict[Path, list[Diagnostic]] = {}

    # ---- positions ----
    @property
    def codec(self) -> PositionCodec:
        return self.workspace.position_codec

    def client_range(self, lines: list[str], line: int, start: int, end: int, end_line: int | None = None) -> t.Range:
        """A range from 0-based lines and character indexes to the client's units."""
        end_line = line if end_line is None else end_line
        return t.Range(start=self.codec.position_to_client_units(lines, t.Position(line, start)),
                       end=self.codec.position_to_client_units(lines, t.Position(end_line, end)))

    def lsp_diagnostic(self, diagnostic: Diagnostic, lines: list[str]) -> t.Diagnostic:
        line = max(0, diagnostic.line - 1)
        start = max(0, diagnostic.column - 1)
        return t.Diagnostic(range=self.client_range(lines, line, start, start + max(1, diagnostic.width)),
                            message=diagnostic.message(self.lang), severity=_SEVERITIES[diagnostic.severity],
                            code=diagnostic.code, source="bistandsregler")

    # ---- documents ----
    def path_of(self, uri: str) -> Path | None:
        path = to_fs_path(uri)
        if path is None or kind_of(Path(path)) is None:
            return None
        return Path(path).resolve()

    def sync(self, uri: str) -> Path | None:
        path = self.path_of(uri)
        if path is not None:
            self.uris[path] = uri
            self.documents.open(path, self.workspace.get_text_document(uri).source)
        return path

    def schedule(self, path: Path, delay: float) -> None:
        folder = path.parent
        pending = self.pending.get(folder)
        if pending is not None and not pending.done():
            pending.cancel()
        self.pending[folder] = asyncio.ensure_future(self.publish_later(path, delay))

    async def publish_later(self, path: Path, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        self.publish(path)

    def publish(self, path: Path) -> None:
        """Read the folder of ``path`` and publish the diagnostics of its open documents."""
        reading = self.documents.read(path)
        for real, diagnostics in reading.diagnostics.items():
            uri = self.uris.get(real)
            if uri is None or real not in self.documents.texts:
                continue
            document = self.workspace.get_text_document(uri)
            lines = lines_of(document.source)
            self.published[real] = diagnostics
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=uri, version=document.version,
                diagnostics=[self.lsp_diagnostic(d, lines) for d in sorted(diagnostics, key=_order)]))

    def knowledge(self, path: Path) -> Knowledge:
        reading = self.documents.reading(path)
        return Knowledge(reading.book, reading.shown(path), self.lang)

    def cursor(self, document: TextDocument, position: t.Position) -> tuple[list[str], int, int]:
        lines = lines_of(document.source)
        at = self.codec.position_from_client_units(lines, position)
        return lines, at.line, at.character

    def location(self, pos: m.Pos, path: Path) -> t.Location | None:
        reading = self.documents.reading(path)
        real = reading.book.files.get(pos.file)
        if real is None:
            return None
        lines = reading.book.sources.get(pos.file, [])
        line = pos.line - 1
        text = lines[line] if 0 <= line < len(lines) else ""
        return t.Location(uri=self.uris.get(real) or from_fs_path(str(real)) or str(real),
                          range=self.client_range(lines, line, pos.column - 1, len(text)))


def _order(diagnostic: Diagnostic) -> tuple:
    return (diagnostic.line, diagnostic.column, diagnostic.code)


def _symbol(block: Block, lines: list[str], server: GuidelineServer) -> t.DocumentSymbol:
    last = lines[block.end_line - 1] if block.end_line - 1 < len(lines) else ""
    return t.DocumentSymbol(
        name=block.name, detail=" ".join(x for x in (block.keyword, block.title) if x),
        kind=_SYMBOLS.get(block.keyword, t.SymbolKind.Object),
        range=server.client_range(lines, block.line - 1, 0, len(last), block.end_line - 1),
        selection_range=server.client_range(lines, block.line - 1, block.name_column,
                                             block.name_column + len(block.name)),
        children=[_symbol(child, lines, server) for child in block.children] or None)


def build() -> GuidelineServer:
    server = GuidelineServer()

    @server.feature(t.INITIALIZE)
    def initialize(ls: GuidelineServer, params: t.InitializeParams) -> None:
        options = params.initialization_options or {}
        if isinstance(options, dict):
            if options.get("lang") in ("sv", "en"):
                ls.lang = options["lang"]
            if isinstance(options.get("debounce_ms"), (int, float)) and options["debounce_ms"] >= 0:
                ls.debounce = options["debounce_ms"] / 1000

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GuidelineServer, params: t.DidOpenTextDocumentParams) -> None:
        path = ls.sync(params.text_document.uri)
        if path is not None:
            ls.schedule(path, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GuidelineServer, params: t.DidChangeTextDocumentParams) -> None:
        path = ls.sync(params.text_document.uri)
        if path is not None:
            ls.schedule(path, ls.debounce)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GuidelineServer, params: t.DidSaveTextDocumentParams) -> None:
        path = ls.sync(params.text_document.uri)
        if path is not None:
            ls.schedule(path, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GuidelineServer, params: t.DidCloseTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is not None:
            ls.documents.close(path)
            ls.published.pop(path, None)
            ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls: GuidelineServer, params: t.HoverParams) -> t.Hover | None:
        path = ls.path_of(params.text_document.uri)
        if path is None:
            return None
        lines, line, character = ls.cursor(ls.workspace.get_text_document(params.text_document.uri), params.position)
        word = word_at(lines[line], character) if line < len(lines) else None
        if word is None:
            return None
        text = ls.knowledge(path).hover(word)
        if text is None:
            return None
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text),
                       range=ls.client_range(lines, line, word.start, word.end))

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: GuidelineServer, params: t.DefinitionParams) -> list[t.Location] | None:
        path = ls.path_of(params.text_document.uri)
        if path is None:
            return None
        lines, line, character = ls.cursor(ls.workspace.get_text_document(params.text_document.uri), params.position)
        word = word_at(lines[line], character) if line < len(lines) else None
        if word is None:
            return None
        positions = ls.knowledge(path).definitions(word)
        # Not the place the cursor stands on: asked at a national definition, the tables remain.
        shown = ls.documents.reading(path).shown(path)
        elsewhere = [pos for pos in positions if not (pos.file == shown and pos.line == line + 1)]
        locations = [ls.location(pos, path) for pos in elsewhere or positions]
        return [x for x in locations if x is not None] or None

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", '"', "="]))
    def completion(ls: GuidelineServer, params: t.CompletionParams) -> t.CompletionList | None:
        path = ls.path_of(params.text_document.uri)
        kind = kind_of(path) if path else None
        if path is None or kind is None:
            return None
        document = ls.workspace.get_text_document(params.text_document.uri)
        _, line, character = ls.cursor(document, params.position)
        knowledge = ls.knowledge(path)
        items = complete(document.source, line, character, kind, knowledge.book, knowledge.guideline)
        return t.CompletionList(is_incomplete=False, items=[
            t.CompletionItem(label=item.label, kind=_COMPLETION_KINDS[item.kind], detail=item.detail)
            for item in items])

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: GuidelineServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol] | None:
        path = ls.path_of(params.text_document.uri)
        kind = kind_of(path) if path else None
        if kind is None:
            return None
        source = ls.workspace.get_text_document(params.text_document.uri).source
        lines = lines_of(source)
        return [_symbol(block, lines, ls) for block in blocks(source, kind)]

    @server.feature(t.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(ls: GuidelineServer, params: t.FoldingRangeParams) -> list[t.FoldingRange] | None:
        path = ls.path_of(params.text_document.uri)
        kind = kind_of(path) if path else None
        if kind is None:
            return None
        source = ls.workspace.get_text_document(params.text_document.uri).source
        return [t.FoldingRange(start_line=b.line - 1, end_line=b.end_line - 1)
                for b in blocks(source, kind) if b.end_line > b.line]

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: GuidelineServer, params: t.DocumentFormattingParams) -> list[t.TextEdit] | None:
        path = ls.path_of(params.text_document.uri)
        kind = kind_of(path) if path else None
        if path is None or kind is None:
            return None
        source = ls.workspace.get_text_document(params.text_document.uri).source
        formatted, _ = format_text(source, kind, str(path))
        if formatted is None or formatted == source:
            return [] if formatted is not None else None  # a file with a syntax error is not formatted
        lines = lines_of(source)
        return [t.TextEdit(range=ls.client_range(lines, 0, 0, len(lines[-1]), len(lines) - 1), new_text=formatted)]

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    def code_action(ls: GuidelineServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
        path = ls.path_of(params.text_document.uri)
        if path is None:
            return None
        lines = lines_of(ls.workspace.get_text_document(params.text_document.uri).source)
        actions = []
        for diagnostic in ls.published.get(path, []):
            shown = ls.lsp_diagnostic(diagnostic, lines)
            if shown.range.end.line < params.range.start.line or shown.range.start.line > params.range.end.line:
                continue
            fix = fix_for(diagnostic, lines, ls.lang)
            if fix is None:
                continue
            edit = t.TextEdit(range=ls.client_range(lines, fix.line - 1, fix.column - 1, fix.column - 1 + fix.length),
                              new_text=fix.new_text)
            actions.append(t.CodeAction(title=fix.title, kind=t.CodeActionKind.QuickFix, diagnostics=[shown],
                                        is_preferred=True,
                                        edit=t.WorkspaceEdit(changes={params.text_document.uri: [edit]})))
        return actions

    return server


def serve() -> int:
    """Speak LSP over stdin and stdout until the client says exit.

    The protocol gets its own handle on standard output (pygls closes it at the end), and
    ``print`` goes to standard error meanwhile: a stray line on stdout would break the protocol."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    sys.stdout = sys.stderr
    build().start_io(stdin=sys.stdin.buffer, stdout=channel)
    return 0

"""The language server, driven over stdio by a real LSP client (pytest-lsp) as an editor drives it.

The server is ``python -m bistandsregler lsp``; documents are shipped guidelines opened from their
place (nothing is written: edits are the editor's unsaved text) and small files in a temporary
folder. Each test waits for the diagnostics of the document version it sent.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, make_test_lsp_client

ROOT = Path(__file__).resolve().parent.parent
LOMMA = ROOT / "guidelines" / "lomma" / "lomma-2023.riktlinje"
BOTKYRKA = ROOT / "guidelines" / "botkyrka" / "botkyrka-2025.riktlinje"
KRISTIANSTAD = ROOT / "guidelines" / "kristianstad" / "kristianstad.schablon"
PUBLISH = t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS



def recording_client() -> LanguageClient:
    """pytest-lsp's client, keeping every publishDiagnostics with its version: a server publishes
    for each open document of the folder at once, and the client keeps only the last per file."""
    client = make_test_lsp_client()
    client.published = []  # type: ignore[attr-defined]
    handle = client.protocol._handle_notification

    def record(method: str, params) -> None:
        if method == PUBLISH:
            client.published.append(params)  # type: ignore[attr-defined]
        handle(method, params)

    client.protocol._handle_notification = record  # type: ignore[method-assign]
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "bistandsregler", "lsp"],
                                              client_factory=recording_client,
                                              server_env={**os.environ, "BISTANDSREGLER_DEBUG": "1"}))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=t.ClientCapabilities(), initialization_options={"debounce_ms": 20}))
    yield
    await lsp_client.shutdown_session()


def uri(path: Path) -> str:
    return path.as_uri()


async def diagnostics_of(client: LanguageClient, send, target: str, version: int) -> list[t.Diagnostic]:
    """Send (``send()``), then wait for ``target``'s diagnostics of ``version``."""
    published: list = client.published  # type: ignore[attr-defined]
    seen = len(published)
    send()
    for _ in range(1200):
        for params in published[seen:]:
            if params.uri == target and params.version == version:
                return list(params.diagnostics)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics for {target} version {version} within a minute")


async def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> list[t.Diagnostic]:
    text = path.read_text(encoding="utf-8") if text is None else text
    item = t.TextDocumentItem(uri=uri(path), language_id="riktlinje", version=version, text=text)
    return await diagnostics_of(
        client, lambda: client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=item)),
        uri(path), version)


async def change(client: LanguageClient, path: Path, text: str, version: int) -> list[t.Diagnostic]:
    params = t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)])
    return await diagnostics_of(client, lambda: client.text_document_did_change(params), uri(path), version)


def position_of(text: str, needle: str, offset: int = 0) -> t.Position:
    for number, line in enumerate(text.split("\n")):
        if needle in line:
            return t.Position(line=number, character=line.index(needle) + offset)
    raise AssertionError(needle)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_shipped_guideline_has_no_diagnostics_and_a_break_is_located(client: LanguageClient) -> None:
    text = LOMMA.read_text(encoding="utf-8")
    assert await open_file(client, LOMMA) == []
    # "slut" misspelt in a block: the parser's message, on the line and column typed (a parser
    # that recovers may say more after it; the first is this one).
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if line == "slut" and i > 5)
    lines[number] = "slutt"
    found = await change(client, LOMMA, "\n".join(lines), 2)
    first = min(found, key=lambda d: (d.range.start.line, d.range.start.character))
    assert (first.code, first.range.start.line, first.range.start.character, first.range.end.character) == (
        "syntax.ovantat", number, 0, 5)
    assert "menade du 'slut'?" in first.message and first.severity == t.DiagnosticSeverity.Error
    # Put back: clean again.
    assert await change(client, LOMMA, text, 3) == []


@pytest.mark.slow
@pytest.mark.asyncio
async def test_meaning_checks_read_the_folder_and_the_unsaved_text(client: LanguageClient, tmp_path: Path) -> None:
    head = 'riktlinje prov "Prov"\n  kommun "Prov"\n  gäller från 2025-07-01\n  bygger på bas\nslut\n\n'
    path = tmp_path / "prov.riktlinje"
    path.write_text(head, encoding="utf-8")
    # A value defined in the guideline it builds on, another file of the folder, never saved:
    # the rule that uses it is then clean.
    other = tmp_path / "bas.riktlinje"
    base = 'riktlinje bas "Bas"\n  kommun "Prov"\n  gäller från 2025-07-01\n  bygger på nationell\nslut\n\n'
    other.write_text(base, encoding="utf-8")
    rule = 'regel hog "Hög"\n  när timmar_per_manad > värde gräns\n  då varning "Hög"\nslut\n'
    found = await open_file(client, path, head + rule)
    codes = sorted((d.code, d.range.start.line, d.message) for d in found)
    assert [c[:2] for c in codes] == [("namn.okant", 7), ("namn.okant", 7)], codes
    assert any("menade du 'timmar_per_månad'?" in c[2] for c in codes)
    await open_file(client, other, base + "värde gräns\n  100 från 2025-01-01\nslut\n")
    found = await change(client, path, head + rule, 2)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [("namn.okant", 7, 6)]

    # The quick fix replaces the misspelt field with the suggestion.
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri(path)),
        range=t.Range(start=t.Position(7, 0), end=t.Position(7, 10)),
        context=t.CodeActionContext(diagnostics=found)))
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, t.CodeAction) and action.edit is not None and action.edit.changes is not None
    (edit,) = action.edit.changes[uri(path)]
    assert edit.new_text == "timmar_per_månad"
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (7, 6, 22)
    fixed = (head + rule).replace("timmar_per_manad", "timmar_per_månad")
    assert await change(client, path, fixed, 3) == []


@pytest.mark.slow
@pytest.mark.asyncio
async def test_hover_shows_paragraph_insats_activity_and_value(client: LanguageClient) -> None:
    text = BOTKYRKA.read_text(encoding="utf-8")
    await open_file(client, BOTKYRKA)
    document = t.TextDocumentIdentifier(uri=uri(BOTKYRKA))

    async def hover(needle: str, offset: int) -> str:
        result = await client.text_document_hover_async(t.HoverParams(document, position_of(text, needle, offset)))
        assert result is not None and isinstance(result.contents, t.MarkupContent), needle
        return result.contents.value

    law = await hover('lagrum "11 kap. 1 § SoL"', 10)
    assert "Socialtjänstlag (2025:400)" in law and "2025-07-01" in law and "Lagtexten själv följer inte med" in law
    old = await hover('lagrum "4 kap. 1 § SoL"', 10)
    # Both laws have a 4 kap. 1 §: the old one (to 2025-06-30, replaced) and the new one, no ground.
    assert "Socialtjänstlag (2001:453)" in old and "till 2025-06-30" in old and "ersatt av 11 kap. 1 §" in old
    assert "ingen grund för beslut om en insats" in old
    insats = await hover("insats hemtjänst", 9)
    assert "nationell definition, guidelines/nationell/insatser.riktlinje" in insats and "förenklad tillåten" in insats
    activity = await hover("norm städning", 7)
    assert "**Städning**" in activity and "kategori service" in activity
    frequency = await hover('normalt "1 gång var tredje vecka"', 12)
    assert "1,44 tillfällen per månad" in frequency


@pytest.mark.slow
@pytest.mark.asyncio
async def test_hover_on_a_value_and_a_standard_time(client: LanguageClient, tmp_path: Path) -> None:
    text = ('riktlinje prov "Prov"\n  kommun "Prov"\n  gäller från 2025-07-01\n  bygger på nationell\nslut\n\n'
            'värde gräns "Gräns"\n  enhet "år"\n  65 till 2022-12-31\n  66 från 2023-01-01\nslut\n\n'
            'regel r\n  när ålder >= värde gräns\n  då info "Äldre"\nslut\n')
    path = tmp_path / "prov.riktlinje"
    path.write_text(text, encoding="utf-8")
    assert await open_file(client, path) == []
    result = await client.text_document_hover_async(t.HoverParams(
        t.TextDocumentIdentifier(uri=uri(path)), position_of(text, 'värde gräns "Gräns"', 8)))
    assert result is not None and isinstance(result.contents, t.MarkupContent)
    value = result.contents.value
    assert "- 65 år: till 2022-12-31" in value and "- 66 år: från 2023-01-01 tills vidare ← gäller i dag" in value

    schablon = KRISTIANSTAD.read_text(encoding="utf-8")
    await open_file(client, KRISTIANSTAD)
    result = await client.text_document_hover_async(t.HoverParams(
        t.TextDocumentIdentifier(uri=uri(KRISTIANSTAD)), position_of(schablon, "motsvarar dusch", 11)))
    assert result is not None and isinstance(result.contents, t.MarkupContent)
    assert '- Kristianstad: tid "40 minuter"' in result.contents.value


@pytest.mark.slow
@pytest.mark.asyncio
async def test_completion_offers_what_the_grammar_allows(client: LanguageClient, tmp_path: Path) -> None:
    head = 'riktlinje prov "Prov"\n  kommun "Prov"\n  gäller från 2025-07-01\n  bygger på nationell\nslut\n\n'
    path = tmp_path / "prov.riktlinje"
    text = head + 'regel r\n  när insats = \n  då \nslut\n\ninsats hemtjänst\n  norm  normalt ""\nslut\n'
    path.write_text(text, encoding="utf-8")
    await open_file(client, path)
    document = t.TextDocumentIdentifier(uri=uri(path))

    async def labels(position: t.Position) -> set[str]:
        result = await client.text_document_completion_async(t.CompletionParams(document, position))
        assert isinstance(result, t.CompletionList)
        return {item.label for item in result.items}

    between = await labels(t.Position(6, 0))  # the blank line after the header: a block may start
    assert {"insats", "regel", "värde", "aktivitet"} <= between and "slut" not in between
    assert {"hemtjänst", "ledsagning"} <= await labels(position_of(text, "insats = ", 9))
    assert await labels(position_of(text, "  då ", 5)) == {"fel", "varning", "info"}
    inside = await labels(t.Position(7, 2))  # the start of a statement in a rule
    assert {"när", "då", "kod", "lagrum", "slut"} <= inside and "insats" not in inside
    assert {"dusch", "städning"} <= await labels(position_of(text, "norm  ", 5))
    assert "varannan vecka" in await labels(position_of(text, 'normalt ""', 9))
    fields = await labels(position_of(text, "när ", 4))
    assert {"ålder", "timmar_per_månad", "utfall", "inte"} <= fields


@pytest.mark.slow
@pytest.mark.asyncio
async def test_definition_symbols_and_formatting(client: LanguageClient, tmp_path: Path) -> None:
    text = BOTKYRKA.read_text(encoding="utf-8")
    await open_file(client, BOTKYRKA)
    document = t.TextDocumentIdentifier(uri=uri(BOTKYRKA))
    found = await client.text_document_definition_async(t.DefinitionParams(document, position_of(text, "insats hemtjänst", 9)))
    assert isinstance(found, list) and len(found) == 1 and isinstance(found[0], t.Location)
    assert found[0].uri.endswith("guidelines/nationell/insatser.riktlinje")
    national = (ROOT / "guidelines/nationell/insatser.riktlinje").read_text(encoding="utf-8").split("\n")
    assert national[found[0].range.start.line].startswith("insats hemtjänst ")

    schablon = KRISTIANSTAD.read_text(encoding="utf-8")
    await open_file(client, KRISTIANSTAD)
    found = await client.text_document_definition_async(t.DefinitionParams(
        t.TextDocumentIdentifier(uri=uri(KRISTIANSTAD)), position_of(schablon, "motsvarar dusch", 11)))
    assert isinstance(found, list)
    targets = {(Path(x.uri).name, x.range.start.line) for x in found if isinstance(x, t.Location)}
    activity_line = next(i for i, line in enumerate(schablon.split("\n")) if line.startswith("aktivitet ")
                         and "motsvarar dusch" in "\n".join(schablon.split("\n")[i:i + 4]))
    assert ("kristianstad.schablon", activity_line) in targets and any(n == "aktiviteter.riktlinje" for n, _ in targets)

    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(document))
    assert symbols is not None
    names = [(s.name, s.kind) for s in symbols if isinstance(s, t.DocumentSymbol)]
    assert ("botkyrka_2025", t.SymbolKind.File) in names and ("hemtjänst", t.SymbolKind.Class) in names
    hemtjanst = next(s for s in symbols if isinstance(s, t.DocumentSymbol) and s.name == "hemtjänst")
    lines = text.split("\n")
    assert lines[hemtjanst.range.start.line].startswith("insats hemtjänst") and lines[hemtjanst.range.end.line] == "slut"

    messy = tmp_path / "rorig.riktlinje"
    untidy = 'riktlinje prov   "Prov"\nkommun "Prov"\n    gäller från 2025-07-01\nslut\ninsats hemtjänst\nslut\n'
    messy.write_text(untidy, encoding="utf-8")
    await open_file(client, messy)
    edits = await client.text_document_formatting_async(t.DocumentFormattingParams(
        t.TextDocumentIdentifier(uri=uri(messy)), t.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text == ('riktlinje prov "Prov"\n  kommun "Prov"\n  gäller från 2025-07-01\nslut\n\n'
                                 "insats hemtjänst\nslut\n")


# ---- the server's parts, in this process ------------------------------------------------------

SHIPPED = sorted(p for p in (ROOT / "guidelines").rglob("*") if p.suffix in (".riktlinje", ".schablon"))
EXAMPLES = sorted((ROOT / "docs" / "exempel").glob("*-fel.*"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_outline_has_every_block_the_parser_builds(path: Path) -> None:
    from bistandsregler.language.parsing import KINDS, parse_text
    from bistandsregler.lsp.outline import blocks

    kind = KINDS[path.suffix]
    text = path.read_text(encoding="utf-8")
    document, _ = parse_text(text, str(path), kind)
    assert document is not None
    found = blocks(text, kind)
    lines = text.split("\n")
    named = [(b.line, b.name) for b in found if b.keyword != "förval"]
    if kind == "riktlinje":
        parts = [document.meta, *document.laws, *document.insatser, *document.activities, *document.values,
                 *document.bands, *document.rules, *document.delegations, *document.word_lists, *document.fees]
    else:
        parts = [document.meta, *document.activities]
    assert sorted(named) == sorted((x.pos.line, x.id) for x in parts if x is not None)
    for block in found:
        assert lines[block.end_line - 1] == "slut", (path, block)
        assert lines[block.line - 1][block.name_column:].startswith(block.name if block.keyword != "förval" else "förval")
    laws = document.laws if kind == "riktlinje" else []
    for law, block in zip(laws, [b for b in found if b.keyword == "lag"], strict=True):
        assert [c.name for c in block.children] == [p.written for p in law.paragraphs]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_quick_fix_removes_the_diagnostic_it_fixes(path: Path, tmp_path: Path) -> None:
    from bistandsregler.lsp.fixes import fix_for, suggestion
    from bistandsregler.rules.loading import read

    book = read([path])
    shown = next(s for s, real in book.files.items() if real == path.resolve())
    lines = book.sources[shown]
    for diagnostic in [d for d in book.diagnostics if d.path == shown]:
        fix = fix_for(diagnostic, lines)
        if suggestion(diagnostic) is None:
            assert fix is None
            continue
        assert fix is not None, diagnostic.render()
        changed = list(lines)
        line = changed[fix.line - 1]
        changed[fix.line - 1] = line[: fix.column - 1] + fix.new_text + line[fix.column - 1 + fix.length:]
        copy = tmp_path / path.name
        copy.write_text("\n".join(changed), encoding="utf-8")
        after = read([copy])
        same = [d for d in after.diagnostics if d.code == diagnostic.code and d.line == diagnostic.line
                and d.args == diagnostic.args]
        assert same == [], (diagnostic.render(), fix)

"""``bistandsregler visa``: guidelines as a static site, read in a real headless Chromium.

The sites are built by the command itself (``main``) from the shipped guidelines, opened from
file:// with every other request blocked and recorded, and read as a user reads them: the
rule's text beside its prose, a law reference followed to its paragraph, every internal link
and anchor followed, the change view of a copy of Botkyrka's guideline with one rule changed,
one removed and one added. What the pages must say is taken from the parsed guidelines, not
written into the tests.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from conftest import REPO

from bistandsregler.cli.main import main
from bistandsregler.rules.loading import load
from bistandsregler.site import build as site_build
from bistandsregler.site.changes import compare
from bistandsregler.site.pages import slug

BOTKYRKA = REPO / "guidelines" / "botkyrka" / "botkyrka-2025.riktlinje"


def _visa(*args: str) -> int:
    return main(["visa", *args])


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("visa")
    built = {"alla": root / "alla", "botkyrka": root / "botkyrka"}
    assert _visa(str(REPO / "guidelines"), "-o", str(built["alla"])) == 0
    assert _visa(str(REPO / "guidelines" / "botkyrka"), "-o", str(built["botkyrka"])) == 0
    return built


@pytest.fixture(scope="module")
def book():
    return load(REPO / "guidelines")


def _botkyrka(book):
    return next(g for g in book.guidelines if g.meta and g.meta.id == "botkyrka_2025")


@pytest.fixture()
def page(browser):
    """A page that may load file:// only; every other request is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    attempted: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            attempted.append(url)
            request_route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.attempted = attempted
    yield tab
    context.close()


def _url(path: Path, fragment: str = "") -> str:
    return path.resolve().as_uri() + (f"#{fragment}" if fragment else "")


# ---- content --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_rule_stands_beside_the_prose_it_encodes(sites, book, page):
    guideline = _botkyrka(book)
    rule = next(r for r in guideline.rules if r.text and r.message)
    page.goto(_url(sites["botkyrka"] / "riktlinje" / "botkyrka_2025.html", f"regel-{slug(rule.id)}"))
    card = page.locator(f"article#regel-{slug(rule.id)}")
    prose, encoded = card.locator(".prose"), card.locator(".rule-source")
    assert rule.text.split("\n\n")[0][:80] in prose.inner_text()
    assert rule.message in encoded.inner_text()
    assert f"regel {rule.id}" in encoded.locator(".highlight").inner_text()
    # highlighted by the lexer: the block's keyword is a declaration, its conditions' words keywords
    assert encoded.locator(".highlight .kd", has_text="regel").count() == 1
    assert encoded.locator(".highlight .k", has_text="när").count() == 1
    left, right = prose.bounding_box(), encoded.bounding_box()
    assert left and right and left["x"] + left["width"] <= right["x"]  # side by side
    assert left["y"] < right["y"] + right["height"] and right["y"] < left["y"] + left["height"]


@pytest.mark.slow
def test_a_law_reference_leads_to_its_paragraph_with_heading_and_dates(sites, book, page):
    guideline = _botkyrka(book)
    insats = next(i for i in guideline.insatser if any(c.ref.key() == "11 kap. 1 §" for c in i.citations))
    citation = next(c for c in insats.citations if c.ref.key() == "11 kap. 1 §")
    law = book.resolve_law(citation.ref, citation.validity.valid_from)
    paragraph = book.paragraph(law, citation.ref, citation.validity.valid_from)
    page.goto(_url(sites["alla"] / "riktlinje" / "botkyrka_2025.html", f"insats-{slug(insats.id)}"))
    page.locator(f"article#insats-{slug(insats.id)} a.lagrum", has_text=citation.written).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/lag/{law.id}.html#p-11-kap-1")
    row = page.locator("tr#p-11-kap-1")
    assert row.count() == 1
    text = row.inner_text()
    assert paragraph.written in text and paragraph.title in text
    assert f"från {law.validity.valid_from.isoformat()}" in text  # the paragraph's dates of force
    assert insats.name in row.locator("td").last.inner_text()  # and who cites it, back again


@pytest.mark.slow
def test_the_national_layer_stands_beside_the_municipal_additions(sites, book, page):
    guideline = _botkyrka(book)
    national = {i.id for g in book.national for i in g.insatser}
    refined = next(i for i in guideline.insatser if i.id in national)
    own = next(i for i in guideline.insatser if i.id not in national)
    page.goto(_url(sites["alla"] / "riktlinje" / "botkyrka_2025.html"))
    assert "nationell insats med kommunens tillägg" in page.locator(f"article#insats-{slug(refined.id)} .label").inner_text().lower()
    assert page.locator(f"article#insats-{slug(refined.id)} table.layers th", has_text="Nationellt").count() == 1
    assert "kommunal insats" in page.locator(f"article#insats-{slug(own.id)} .label").inner_text().lower()


@pytest.mark.slow
def test_tables_of_norms_values_and_standard_times(sites, book, page):
    guideline = _botkyrka(book)
    insats = next(i for i in guideline.insatser if i.norms)
    page.goto(_url(sites["alla"] / "riktlinje" / "botkyrka_2025.html"))
    norms = page.locator(f"article#insats-{slug(insats.id)} table.norms").last.locator("tbody tr")
    assert norms.count() == len(insats.norms)
    first = insats.norms[0]
    assert first.activity in norms.first.inner_text()
    assert (first.bounds.normal or first.bounds.maximum).written in norms.first.inner_text()
    national = next(g for g in book.guidelines if g.meta and g.meta.id == "nationell")
    value = next(v for v in national.values if v.entries)
    page.goto(_url(sites["alla"] / "riktlinje" / "nationell.html", f"varde-{slug(value.id)}"))
    row = page.locator("table.values tr", has=page.locator(f"#varde-{slug(value.id)}"))
    assert len(row.locator("ul li").all()) == len(value.entries)
    table = book.tables[0]
    page.goto(_url(sites["alla"] / "schablon" / f"{slug(table.meta.id)}.html"))
    assert page.locator("table.times tbody tr").count() == len(table.activities)
    index, timed = next((n, a) for n, a in enumerate(table.activities) if a.times)
    assert timed.times[0].amount.written in page.locator("table.times tbody tr").nth(index).inner_text()


# ---- links and network ------------------------------------------------------------------------------


def _crawl(page, start: Path) -> tuple[int, list[str]]:
    """Follow every link from ``start`` within the site: (links checked, what did not resolve)."""
    site = start.parent.resolve()
    todo, seen, ids, broken, checked = [start.resolve()], set(), {}, [], 0

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            page.goto(path.as_uri())
            ids[path] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        return ids[path]

    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        page.goto(current.as_uri())
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            target, fragment = urldefrag(href)
            if not target.startswith("file://"):
                broken.append(f"{current.name}: {href} leaves the site")
                continue
            path = Path(unquote(urlparse(target).path)).resolve()
            checked += 1
            if not path.is_file() or not path.is_relative_to(site):
                broken.append(f"{current.relative_to(site)}: {href}")
                continue
            if fragment and unquote(fragment) not in anchors(path):
                broken.append(f"{current.relative_to(site)}: #{fragment} not in {path.relative_to(site)}")
            if path.suffix == ".html":
                todo.append(path)
    return checked, broken


@pytest.mark.slow
@pytest.mark.parametrize("which", ["alla", "botkyrka"])
def test_every_internal_link_and_anchor_resolves_and_nothing_leaves_file(sites, page, which):
    checked, broken = _crawl(page, sites[which] / "index.html")
    assert not broken, broken[:10]
    assert checked > 100
    pages = {p for p in sites[which].rglob("*.html")}
    assert pages, "no pages"
    assert page.attempted == []  # no request beyond file://: no fonts, scripts or images fetched


@pytest.mark.slow
def test_pages_are_readable_on_a_screen(sites, page, tmp_path):
    """Screenshots for a person to look at (tmp_path), and what a reader needs: no sideways scrolling."""
    for name, fragment in [("riktlinje/botkyrka_2025.html", "regler"), ("lag/sol_2025.html", "p-11-kap-1"),
                           ("index.html", "")]:
        page.goto(_url(sites["alla"] / name, fragment))
        shot = tmp_path / (name.replace("/", "-") + ".png")
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "16px"


@pytest.mark.slow
def test_guideline_text_is_shown_never_run(tmp_path, page):
    guideline = tmp_path / "x.riktlinje"
    guideline.write_text(BOTKYRKA.read_text(encoding="utf-8").replace(
        'avsnitt "2.3"\n', 'avsnitt "2.3"\n  text "<script>document.title=\'hacked\'</script><img src=x>"\n', 1),
        encoding="utf-8")
    assert _visa(str(guideline), "-o", str(tmp_path / "site")) == 0
    page.goto(_url(tmp_path / "site" / "riktlinje" / "botkyrka_2025.html"))
    assert page.title() != "hacked" and page.locator("main script, main img").count() == 0
    assert "<script>document.title" in page.locator("main").inner_text()


# ---- the change view -------------------------------------------------------------------------------


def _changed_copy(folder: Path) -> tuple[Path, dict[str, str]]:
    """Botkyrka's guideline with one rule changed, one removed and one added."""
    text = BOTKYRKA.read_text(encoding="utf-8")
    rules = re.findall(r"^regel (\w+)", text, re.MULTILINE)
    changed, removed = rules[1], rules[-1]
    block = re.compile(rf"^regel {removed} .*?^slut\n", re.MULTILINE | re.DOTALL)
    assert block.search(text)
    text = block.sub("", text)
    condition = re.search(rf"^regel {changed} .*?^  (när [^\n]*)$", text, re.MULTILINE | re.DOTALL).group(1)
    text = text.replace(condition, condition.replace(">=", ">"), 1)
    text += ('\nregel motivering_vid_avslag "Ett avslag ska motiveras"\n  när utfall = avslag och motivering saknas\n'
             '  då varning "Avslaget saknar motivering."\n  fält motivering\n  avsnitt "2.3"\n'
             '  text "2.3: Motiveringsskyldigheten gäller alla beslut."\nslut\n')
    folder.mkdir()
    path = folder / "botkyrka-2026.riktlinje"
    path.write_text(text, encoding="utf-8")
    return path, {f"regel-{changed}": "changed", f"regel-{removed}": "removed", "regel-motivering_vid_avslag": "added"}


@pytest.mark.slow
def test_the_change_view_lists_exactly_what_changed(tmp_path, page):
    new, expected = _changed_copy(tmp_path / "ny")
    out = tmp_path / "site"
    assert _visa(str(new), "-o", str(out), "--mot", str(BOTKYRKA)) == 0
    page.goto(_url(out / "index.html"))
    page.locator("table.guidelines a", has_text="ändringar").click()
    page.wait_for_load_state()
    articles = page.locator("article.change")
    shown = {articles.nth(i).get_attribute("id"): articles.nth(i).get_attribute("class").split()[-1]
             for i in range(articles.count())}
    assert shown == expected
    changed = next(k for k, v in expected.items() if v == "changed")
    diff = page.locator(f"article#{changed} pre.diff").inner_text()
    assert ">=" in diff.splitlines()[0] and diff.splitlines()[0].startswith("-")
    assert diff.splitlines()[1].startswith("+") and ">=" not in diff.splitlines()[1]
    assert "villkor (när)" in page.locator(f"article#{changed}").inner_text()
    assert "1 tillagd, 1 borttagen, 1 ändrad" in page.locator("p.summary").inner_text()


def test_moving_blocks_is_no_change_and_every_kind_is_compared(tmp_path):
    text = BOTKYRKA.read_text(encoding="utf-8")
    moved = tmp_path / "moved.riktlinje"
    head, rest = text.split("\nförval\n", 1)
    moved.write_text(head + "\n\n\n# flyttat\n\nförval\n" + rest, encoding="utf-8")
    old, new = load(BOTKYRKA), load(moved)
    guideline = next(g for g in old.guidelines if g.meta and g.meta.id == "botkyrka_2025")
    again = next(g for g in new.guidelines if g.meta and g.meta.id == "botkyrka_2025")
    assert compare(guideline, again) == []
    # a changed value of the head and a removed insats are changes too
    shorter = again.model_copy(update={"insatser": again.insatser[1:],
                                       "meta": again.meta.model_copy(update={"committee": "Ny nämnd"})})
    found = {(c.kind, c.id, c.status) for c in compare(guideline, shorter)}
    assert found == {("riktlinje", "botkyrka_2025", "changed"), ("insats", guideline.insatser[0].id, "removed")}


# ---- the command --------------------------------------------------------------------------------


def test_a_guideline_with_errors_writes_nothing_and_says_why(tmp_path, capsys):
    broken = REPO / "docs" / "exempel" / "lagrum-fel.riktlinje"
    out = tmp_path / "site"
    assert _visa(str(broken), "-o", str(out)) == 1
    err = capsys.readouterr().err
    assert re.search(r"lagrum-fel\.riktlinje:\d+:\d+: fel\[", err), err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_folder_visa_did_not_write_is_left_alone(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert _visa(str(BOTKYRKA), "-o", str(out)) == 2
    assert "inte skriven av visa" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_second_run_replaces_the_site_whole(tmp_path):
    out = tmp_path / "site"
    assert _visa(str(REPO / "guidelines"), "-o", str(out)) == 0
    assert (out / "schablon").is_dir()
    assert _visa(str(BOTKYRKA), "-o", str(out), "--lang", "en") == 0
    assert not (out / "schablon").exists()  # nothing left over from the first run
    html = (out / "riktlinje" / "botkyrka_2025.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and ">Rules</h2>" in html and ">Regler</h2>" not in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folders left


def test_a_failure_while_writing_leaves_no_half_written_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    assert _visa(str(BOTKYRKA), "-o", str(out)) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real, calls = site_build.atomic_file, []

    def failing(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(site_build, "atomic_file", failing)
    assert _visa(str(REPO / "guidelines"), "-o", str(out)) == 1
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_mot_without_an_older_version_is_said(tmp_path, capsys):
    lomma = REPO / "guidelines" / "lomma"
    botkyrka = REPO / "guidelines" / "botkyrka"
    code = _visa(str(botkyrka), str(lomma), "-o", str(tmp_path / "s"), "--mot",
                 str(REPO / "guidelines" / "nationell"))
    assert code == 1 and "--mot" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


@pytest.mark.slow
def test_the_installed_command_renders_a_site(tmp_path):
    import subprocess
    import sys

    script = Path(sys.executable).with_name("bistandsregler")
    if not script.exists():
        pytest.skip("the console script is not installed next to the interpreter")
    result = subprocess.run([str(script), "visa", str(BOTKYRKA), "-o", str(tmp_path / "s")], capture_output=True,
                            text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "sidor i" in result.stderr and (tmp_path / "s" / "index.html").is_file()
    shutil.rmtree(tmp_path / "s")

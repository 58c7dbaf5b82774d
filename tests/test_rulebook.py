"""The rule book: which files are read, and that the national layer is read once."""

from __future__ import annotations

import shutil

from bistandsregler.language.resources import guidelines_dir
from bistandsregler.rules.loading import read


def test_a_copy_of_the_national_layer_replaces_the_shipped_one(tmp_path, monkeypatch):
    # A source checkout beside an installed package: guidelines/nationell is both in the wheel
    # and in the folder named on the command line. Its laws must be loaded once, not twice.
    shutil.copytree(guidelines_dir() / "nationell", tmp_path / "guidelines" / "nationell")
    monkeypatch.chdir(tmp_path)
    book = read(["guidelines/"])
    assert sorted(law.id for law in book.laws) == ["lss", "sfb", "sol_2001", "sol_2025"]
    assert sorted(book.files) == sorted(f"guidelines/nationell/{p.name}"
                                        for p in (guidelines_dir() / "nationell").glob("*.riktlinje"))
    assert all(str(path).startswith(str(tmp_path)) for path in book.files.values())


def test_the_shipped_national_layer_is_added_to_a_municipal_guideline():
    book = read([guidelines_dir() / "botkyrka"])
    assert sorted(law.id for law in book.laws) == ["lss", "sfb", "sol_2001", "sol_2025"]
    assert [g.meta.id for g in book.municipal] == ["botkyrka_2025"]


def test_a_missing_path_is_said_to_be_missing(tmp_path):
    book = read([tmp_path / "finns-inte.riktlinje"], national=False)
    [diagnostic] = book.diagnostics
    assert diagnostic.code == "fil.oläslig" and "finns inte" in diagnostic.message()


def test_each_file_read_is_known_by_the_hash_of_its_bytes_and_a_changed_file_is_read_anew(tmp_path) -> None:
    import hashlib
    import os

    from bistandsregler.rules.loading import read

    path = tmp_path / "k.riktlinje"
    first = 'riktlinje k\n  kommun "Kil"\nslut\n'
    path.write_text(first, encoding="utf-8")
    before = os.stat(path)
    book = read([path], national=False)
    assert book.hashes[str(path)] == "sha256:" + hashlib.sha256(first.encode()).hexdigest()
    # Same size and the same modification time, other content: a cache keyed by the file's
    # time would serve the old rules.
    second = first.replace("Kil", "Lom")
    path.write_text(second, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = read([path], national=False)
    assert again.hashes[str(path)] == "sha256:" + hashlib.sha256(second.encode()).hexdigest()
    assert not again.diagnostics
    assert [g.meta.municipality for g in again.guidelines if g.meta] == ["Lom"]

"""The conventions a user expects of the command line, tried as a user would: the real command
in a subprocess (or on a pseudo-terminal), not the functions behind it.

Width (COLUMNS), colour (NO_COLOR), the progress bar, help in one language, exit codes as
documented in docs/developers/cli.md, byte order marks and encodings, JSON numbers and the
JSON Schema of the output.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

# Every test here starts the real command, some of them many times: seconds each.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Paths relative to the repository, where the commands run, as a user would type them.
SAMPLE = Path("examples/delegationslista-september-2025.tsv")
OLD_SAMPLE = Path("examples/delegationslista-exempel.tsv")
BOTKYRKA = Path("guidelines/botkyrka")
KRISTIANSTAD = Path("guidelines/kristianstad")
SOLNA = Path("guidelines/solna")
VIGNETTE = Path("examples/vinjett-servicekund.vinjett.yaml")
BOM = b"\xef\xbb\xbf"
ESCAPE = "\x1b"


def command() -> list[str]:
    return [sys.executable, "-m", "bistandsregler"]


def env(**changes: str | None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "TERM")}
    for key, value in changes.items():
        if value is not None:
            out[key] = value
    return out


def run(*args: str | Path, **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run([*command(), *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env=env(**changes), timeout=120)


def on_terminal(*args: str | Path, stdout_to: Path | None = None, **changes: str | None) -> tuple[int, str]:
    """Run on a pseudo-terminal (stdout and stderr, or stderr only with ``stdout_to``):
    exit code and everything the terminal received."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the command
        if stdout_to is not None:
            handle = os.open(stdout_to, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(handle, 1)
        os.chdir(ROOT)
        os.execve(sys.executable, [*command(), *map(str, args)], env(TERM="xterm", **changes))
    received = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), received.decode("utf-8", errors="replace")


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


# ---- width ---------------------------------------------------------------------------------------

WIDE_RUNS = [
    ("evaluate", ["evaluate", "--riktlinje", BOTKYRKA, "--visa-info", SAMPLE]),
    ("compare", ["compare", KRISTIANSTAD, SOLNA, "--vinjett", VIGNETTE]),
    ("estimate", ["estimate", "--schablon", KRISTIANSTAD, "dusch 2 gg/v", "städning varannan vecka"]),
    ("validate", ["validate", "docs/exempel/syntax-fel.riktlinje"]),
    ("help", ["evaluate", "--help"]),
]


@pytest.mark.parametrize(("name", "args"), WIDE_RUNS, ids=[name for name, _ in WIDE_RUNS])
def test_text_fits_eighty_columns(name, args):
    done = run(*args, COLUMNS="80")
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.strip()
    assert widest(done.stdout) <= 80, max(done.stdout.splitlines(), key=len)
    assert "Traceback" not in done.stderr


def test_without_a_width_lines_are_not_wrapped():
    """The twin: a pipe without COLUMNS gets whole lines (one finding a line, for grep), and
    the comparison is wider than 80 columns, so the test above can fail."""
    assert widest(run("compare", KRISTIANSTAD, SOLNA).stdout) > 80
    out = run("evaluate", "--riktlinje", BOTKYRKA, "--fail-on", "aldrig", SAMPLE).stdout
    assert re.search(r"^  fel\[lagrum\.upphavd\] 4 kap\. 1 § SoL \(2001:453\) gällde inte 2025-09-02; använd 11 kap\. "
                     r"1 § SoL\.$", out, re.MULTILINE)


def test_wrapping_keeps_words_whole():
    wrapped = run("evaluate", "--riktlinje", BOTKYRKA, SAMPLE, COLUMNS="60").stdout
    whole = run("evaluate", "--riktlinje", BOTKYRKA, SAMPLE).stdout
    assert widest(wrapped) <= 60
    assert wrapped.split() == whole.split()  # the same words, in order, none broken


# ---- colour and the progress bar -------------------------------------------------------------------


def test_colour_on_a_terminal_and_none_with_no_color():
    code, coloured = on_terminal("evaluate", "--riktlinje", BOTKYRKA, SAMPLE)
    assert code == 1 and "\x1b[31mfel" in coloured
    code, plain = on_terminal("evaluate", "--riktlinje", BOTKYRKA, SAMPLE, NO_COLOR="1")
    assert code == 1 and "fel[lagrum.upphavd]" in plain
    assert ESCAPE not in plain


def test_no_colour_in_a_pipe():
    assert ESCAPE not in run("evaluate", "--riktlinje", BOTKYRKA, SAMPLE).stdout


@pytest.fixture(scope="module")
def many_decisions(tmp_path_factory) -> Path:
    """A few thousand decisions: a run long enough for the progress bar to appear."""
    folder = tmp_path_factory.mktemp("many")
    done = run("import", "delegationslista", SAMPLE)
    lines = done.stdout.splitlines()
    path = folder / "beslut.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for index in range(6000):
            record = json.loads(lines[index % len(lines)])
            record["id"] = f"b{index}"
            record.pop("source", None)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def test_progress_bar_on_a_terminal(many_decisions, tmp_path):
    code, terminal = on_terminal("evaluate", "--format", "json", "--fail-on", "aldrig", many_decisions,
                                 stdout_to=tmp_path / "out.json")
    assert code == 0
    assert "Kontrollerar" in terminal and "%" in terminal and "kvar" in terminal and "beslut" in terminal
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["decisions_in"] == 6000
    code, terminal = on_terminal("evaluate", "--format", "json", "--fail-on", "aldrig", "--lang", "en",
                                 many_decisions, stdout_to=tmp_path / "out.json")
    assert "Checking" in terminal and "left" in terminal and "Kontrollerar" not in terminal


def test_no_progress_bar_when_stderr_is_no_terminal(many_decisions):
    done = run("evaluate", "--format", "json", "--fail-on", "aldrig", many_decisions)
    assert done.returncode == 0 and done.stderr == ""


# ---- help in one language ---------------------------------------------------------------------------


def test_help_speaks_one_language():
    swedish = run("evaluate", "--help").stdout
    english = run("evaluate", "--help", "--lang", "en").stdout
    assert "användning:" in swedish and "flaggor:" in swedish and "visa den här hjälpen" in swedish
    assert not re.search(r"usage:|options:|show this help|positional arguments", swedish)
    assert "usage:" in english and "options:" in english and "show this help" in english
    assert not re.search(r"användning|flaggor|visa den här|kontrollera|beslut som", english)
    error = run("evaluate").stderr
    assert "fel: dessa argument saknas: INDATA" in error and "required" not in error
    assert "error: the following arguments are required: INPUT" in run("evaluate", "--lang", "en").stderr
    before = run("--lang", "en", "validate", "finns-inte.riktlinje").stderr  # --lang before the command
    assert "no such file or folder" in before and "filen" not in before


# ---- exit codes, as documented ---------------------------------------------------------------------

MISSING = "finns-inte.tsv"
# (arguments, exit code): every command given a path that does not exist, an unknown
# encoding, or an impossible option value is wrong usage (2), with one line naming it.
USAGE_ERRORS = [
    ["validate", MISSING],
    ["fmt", MISSING],
    ["export", MISSING],
    ["evaluate", MISSING],
    ["evaluate", "--riktlinje", "guidelines/finns-inte", SAMPLE],
    ["estimate", "--schablon", MISSING, "dusch 1 gg/v"],
    ["compare", MISSING],
    ["compare", KRISTIANSTAD, "--vinjett", MISSING],
    ["test", MISSING],
    ["import", "delegationslista", MISSING],
    ["evaluate", "--encoding", "klingon", SAMPLE],
    ["validate", "--encoding", "klingon", "guidelines/botkyrka"],
    ["import", "delegationslista", "--encoding", "klingon", SAMPLE],
    ["estimate", "--schablon", KRISTIANSTAD, "--hushall", "0", "dusch 1 gg/v"],
    ["estimate", "--schablon", KRISTIANSTAD, "--riktlinje", BOTKYRKA, "--nivaer", "finns_inte", "dusch 1 gg/v"],
    ["evaluate", "--per", "2025-13-01", SAMPLE],
    ["schema", "nothing"],
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=[" ".join(map(str, a[:3])) for a in USAGE_ERRORS])
def test_wrong_usage_exits_2(args):
    done = run(*args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internt fel" not in done.stderr
    assert done.stdout == ""
    named = next((str(a) for a in args if a in (MISSING, "guidelines/finns-inte", "klingon", "0", "finns_inte",
                                                 "2025-13-01", "nothing")), None)
    assert named is not None and named in done.stderr


@pytest.mark.parametrize(("args", "code"), [
    (["validate", "guidelines/botkyrka"], 0),
    (["validate", "docs/exempel/lagrum-fel.riktlinje"], 1),
    (["evaluate", "--riktlinje", BOTKYRKA, SAMPLE], 1),
    (["evaluate", "--riktlinje", BOTKYRKA, "--fail-on", "aldrig", "--encoding", "utf-8", SAMPLE], 0),
    (["import", "delegationslista", "--encoding", "UTF8", SAMPLE], 0),
    (["estimate", "--schablon", KRISTIANSTAD, "--hushall", "2", "dusch 1 gg/v"], 0),
    (["schema", "result"], 0),
])
def test_correct_usage_keeps_its_exit_code(args, code):
    done = run(*args)
    assert done.returncode == code, done.stderr


def test_a_broken_pipe_exits_141_without_a_traceback(many_decisions):
    """`bistandsregler evaluate ... | head -1`: the run could not write all it had to."""
    process = subprocess.Popen([*command(), "evaluate", "--format", "jsonl", "--fail-on", "aldrig", str(many_decisions)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env())
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"{")
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert "Traceback" not in error and "Exception ignored" not in error


def test_estimate_facts_do_not_swallow_the_activity():
    with_fact = run("estimate", "--schablon", KRISTIANSTAD, "--fakta", "tvättmaskin_i_bostaden", "tvätt 1 gg/v")
    assert with_fact.returncode == 0, with_fact.stderr
    assert "tvättmaskin_i_bostaden (angivet)" in with_fact.stdout and "20 minuter" in with_fact.stdout
    without = run("estimate", "--schablon", KRISTIANSTAD, "tvätt 1 gg/v")
    assert without.returncode == 0 and "30 minuter" in without.stdout
    two = run("estimate", "--schablon", KRISTIANSTAD, "--fakta", "tvättmaskin_i_bostaden", "--fakta", "har_omvårdnad",
              "tvätt 1 gg/v", "städning varannan vecka", "--format", "json")
    data = json.loads(two.stdout)
    assert [line["written"] for line in data["lines"]] == ["tvätt 1 gg/v", "städning varannan vecka"]
    assert {fact["name"] for fact in data["facts"]} == {"tvättmaskin_i_bostaden", "har_omvårdnad"}


# ---- encodings -------------------------------------------------------------------------------------


def _decisions_in(tmp_path: Path) -> dict[str, bytes]:
    """The sample month as every input format evaluate reads, and a guideline and a table."""
    from bistandsregler.input.delegationslista import import_delegationslista
    from bistandsregler.input.readers import to_json_line, write_csv

    decisions = list(import_delegationslista(ROOT / SAMPLE))
    jsonl = "".join(to_json_line(d) + "\n" for d in decisions)
    import io

    import yaml

    csv_text = io.StringIO(newline="")
    write_csv(decisions, csv_text)
    records = [json.loads(line) for line in jsonl.splitlines()]
    return {
        "beslut.jsonl": jsonl.encode(),
        "beslut.json": json.dumps(records, ensure_ascii=False).encode(),
        "beslut.yaml": yaml.safe_dump(records, allow_unicode=True).encode(),
        "beslut.csv": csv_text.getvalue().encode(),
        "lista.tsv": (ROOT / SAMPLE).read_bytes(),
    }


@pytest.mark.parametrize("name", ["beslut.jsonl", "beslut.json", "beslut.yaml", "beslut.csv", "lista.tsv"])
def test_a_byte_order_mark_is_accepted_in_decisions(tmp_path, name):
    data = _decisions_in(tmp_path)[name]
    plain, marked = tmp_path / "utan" / name, tmp_path / "med" / name
    for path, content in ((plain, data), (marked, BOM + data)):
        path.parent.mkdir()
        path.write_bytes(content)
    without = run("evaluate", "--riktlinje", BOTKYRKA, "--format", "json", plain)
    with_bom = run("evaluate", "--riktlinje", BOTKYRKA, "--format", "json", marked)
    assert with_bom.returncode == without.returncode == 1, with_bom.stderr
    summary = json.loads(with_bom.stdout)["summary"]
    assert summary == json.loads(without.stdout)["summary"]
    assert summary["decisions_in"] == 16 and not any(r["code"] == "indata.ogiltig" for r in summary["by_code"])


@pytest.mark.parametrize("path", ["guidelines/botkyrka/botkyrka-2025.riktlinje", "guidelines/kristianstad/kristianstad.schablon"])
def test_a_byte_order_mark_is_accepted_in_guidelines_and_tables(tmp_path, path):
    marked = tmp_path / Path(path).name
    marked.write_bytes(BOM + (ROOT / path).read_bytes())
    done = run("validate", marked)
    assert done.returncode == 0 and "syntax" not in done.stdout, done.stdout
    broken = tmp_path / "utan" / Path(path).name  # the twin: a stray character there is an error
    broken.parent.mkdir()
    broken.write_bytes("§".encode() + (ROOT / path).read_bytes())
    assert run("validate", broken).returncode == 1


def test_a_byte_order_mark_is_accepted_in_a_vignette_and_a_suite(tmp_path):
    vignette = tmp_path / "v.vinjett.yaml"
    vignette.write_bytes(BOM + (ROOT / VIGNETTE).read_bytes())
    assert run("compare", KRISTIANSTAD, "--vinjett", vignette, "--format", "json").returncode == 0
    suite = ROOT / "examples/jamforelser/kristianstad-solna.jamforelse.yaml"
    copy = tmp_path / "jamforelser" / suite.name
    copy.parent.mkdir()
    copy.write_bytes(BOM + suite.read_bytes().replace(b"../../", str(ROOT).encode() + b"/").replace(
        b"../vinjett", str(ROOT / "examples").encode() + b"/vinjett"))
    done = run("test", copy.parent)
    assert done.returncode == 0 and " 0 misslyckades" in done.stdout, done.stdout


def test_a_windows_export_is_one_clear_message(tmp_path):
    path = tmp_path / "lista.tsv"
    path.write_bytes((ROOT / SAMPLE).read_text(encoding="utf-8").encode("cp1252"))
    done = run("evaluate", "--riktlinje", BOTKYRKA, "--format", "jsonl", path)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1 and len(results) == 1
    [finding] = results[0]["findings"]
    assert finding["code"] == "indata.ogiltig" and "cp1252" in finding["message"]
    assert "Traceback" not in done.stderr and "codec" not in done.stdout
    fixed = run("evaluate", "--riktlinje", BOTKYRKA, "--format", "jsonl", "--encoding", "cp1252", path)
    original = run("evaluate", "--riktlinje", BOTKYRKA, "--format", "jsonl", SAMPLE)

    def findings(text: str) -> list:
        return [json.loads(line)["findings"] for line in text.splitlines()]

    assert len(findings(fixed.stdout)) == 16 and findings(fixed.stdout) == findings(original.stdout)


def test_a_guideline_in_another_encoding_is_one_diagnostic(tmp_path):
    path = tmp_path / "botkyrka.riktlinje"
    path.write_bytes((BOTKYRKA / "botkyrka-2025.riktlinje").read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    done = run("validate", path)
    assert done.returncode == 1
    assert done.stdout.count("fel[") == 1 and "fel[fil.teckenkodning]" in done.stdout and "--encoding cp1252" in done.stdout
    assert "codec" not in done.stdout
    assert run("validate", "--encoding", "cp1252", path).returncode == 0


# ---- JSON: numbers, and the schema of the output -------------------------------------------------

FRACTION_TEXT = re.compile(r"^-?\d+/\d+$")


def _fractions_as_text(data, key: str = "") -> list[str]:
    """Where a JSON document writes a fraction as text outside an ``*_exact`` field."""
    if key.endswith("_exact"):
        return []
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _fractions_as_text(v, str(k))]
    if isinstance(data, list):
        return [p for v in data for p in _fractions_as_text(v, key)]
    return [key] if isinstance(data, str) and FRACTION_TEXT.match(data) else []


def test_json_numbers_are_numbers_with_the_exact_value_beside():
    data = json.loads(run("estimate", "--schablon", KRISTIANSTAD, "dusch 2 gg/v", "--format", "json").stdout)
    line = data["lines"][0]
    assert line["minutes_per_month"] == 346.67 and line["minutes_per_month_exact"] == "1040/3"
    assert line["minutes_per_occasion"] == 40 and "minutes_per_occasion_exact" not in line
    assert _fractions_as_text(data) == []
    compared = json.loads(run("compare", KRISTIANSTAD, SOLNA, "--vinjett", VIGNETTE, "--format", "json").stdout)
    assert _fractions_as_text(compared) == []
    evaluated = run("evaluate", "--riktlinje", BOTKYRKA, "--schablon", KRISTIANSTAD, "--format", "json",
                    "docs/exempel/beslut.json").stdout
    assert _fractions_as_text(json.loads(evaluated)) == []
    # The twin: the detector finds a fraction written as text.
    assert _fractions_as_text({"a": [{"minutes": "1040/3"}]}) == ["minutes"]


def _schema() -> dict:
    done = run("schema", "result")
    assert done.returncode == 0
    return json.loads(done.stdout)


def test_real_output_validates_against_the_published_schema():
    schema = _schema()
    validator = jsonschema.Draft202012Validator(schema)
    outputs = [
        run("evaluate", "--riktlinje", BOTKYRKA, "--format", "jsonl", SAMPLE).stdout,
        run("evaluate", "--riktlinje", BOTKYRKA, "--format", "jsonl", OLD_SAMPLE, "--lang", "en").stdout,
        run("evaluate", "--riktlinje", BOTKYRKA, "--schablon", KRISTIANSTAD, "--format", "jsonl",
            "docs/exempel/beslut.json").stdout,
    ]
    results = [json.loads(line) for text in outputs for line in text.splitlines()]
    assert len(results) > 30 and any("values_exact" in f for r in results for f in r["findings"])
    for result in results:
        validator.validate(result)
    document = json.loads(run("evaluate", "--riktlinje", BOTKYRKA, "--format", "json", SAMPLE).stdout)
    for result in document["results"]:
        validator.validate(result)
    # The twin: what the schema does not describe fails.
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**results[0], "unexpected": 1})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**results[0], "status": "bad"})


def test_the_published_schema_is_the_committed_one():
    committed = json.loads((ROOT / "docs/_genererat/schema-result.json").read_text(encoding="utf-8"))
    assert committed == _schema()


# ---- the README's main job -------------------------------------------------------------------------


def test_the_readme_shows_what_its_first_command_prints():
    """The README's first command (after `pip install .`) runs, and the output it quotes is
    the output the command gives: decisions inside the guideline's period, real findings."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(pip install \. && .+?)\n```", readme).group(1)
    steps = [step.split() for step in first.split(" && ")[1:]]
    assert steps and all(step[0] == "bistandsregler" for step in steps)
    outputs = []
    for step in steps:
        done = run(*step[1:])
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    quoted = re.search(r"```text\n(.+?)\n```", readme, re.DOTALL).group(1).splitlines()
    shown = [line for line in quoted if line != "..."]
    assert len(shown) >= 5 and all(line in outputs[-1].splitlines() for line in shown), outputs[-1]
    assert "riktlinje.ej_i_kraft" not in outputs[-1]  # the sample is inside Botkyrka's period
    assert re.search(r"^16 beslut in, 16 resultat ut: [1-9]\d* fel, [1-9]\d* varning", outputs[-1], re.MULTILINE)

"""Write the documentation pages and fragments that are generated from the code.

    python tools/gen_docs.py           # write every generated file that changed
    python tools/gen_docs.py --check   # write nothing; exit 1 and list the stale files

The pages are made by the package ``tools/docgen/``, one module per page family; its
docstring lists what is generated and from what.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docgen  # noqa: E402  (tools/ is not a package; the line above puts it on the path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is stale"
    )
    args = parser.parse_args(argv)
    files = docgen.generate()
    if args.check:
        problems = docgen.stale(files)
        for problem in problems:
            print(problem)
        if problems:
            print("run: python tools/gen_docs.py", file=sys.stderr)
        return 1 if problems else 0
    for path in docgen.write(files):
        print(f"wrote {path.relative_to(docgen.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``bistandsregler serve``: check the arguments and the files, then start the HTTP service.

The guidelines are loaded here first, so that a file with errors is refused with its
diagnostics (exit 1) before anything listens; a token file that cannot be read is wrong usage
(exit 2).
"""

from __future__ import annotations

import argparse
import sys

from bistandsregler.language.messages import Text


def run_serve(args: argparse.Namespace) -> int:
    from bistandsregler.language.diagnostics import GuidelineError, render_all
    from bistandsregler.service.library import Unselectable, open_library
    from bistandsregler.service.server import run
    from bistandsregler.service.settings import Settings

    settings = Settings(guidelines=tuple(args.riktlinje), tables=tuple(args.schablon), host=args.host, port=args.port,
                        workers=args.workers, token_file=args.token_file, max_body=args.max_body,
                        timeout=args.timeout, cors_origins=tuple(args.cors_origin))
    try:
        settings.token()
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else Text("filen är tom", "the file is empty")
        print(f"bistandsregler: --token-file {args.token_file}: " + Text("kan inte läsas: {reason}",
              "cannot be read: {reason}").render(args.lang, {"reason": reason}), file=sys.stderr)
        return 2
    try:
        library = open_library(settings.guidelines, settings.tables)
    except GuidelineError as error:
        print(render_all(error.diagnostics, args.lang), file=sys.stderr)
        return 1
    except Unselectable as error:
        print(f"bistandsregler: {error.message.render(args.lang)}", file=sys.stderr)
        return 1
    return run(settings, library)

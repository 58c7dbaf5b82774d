"""Character encodings of input files: the byte order mark, and a good guess when a file is not
in the encoding it was read as.

Every reader of a file (guidelines, standard-time tables, decisions, delegation lists,
vignettes, suites) decodes through here, so the rules are the same everywhere:

- UTF-8 is the default, and a UTF-8 byte order mark at the start is dropped (Windows tools
  write one; it is not text);
- a file that does not decode is one problem, reported once, naming the encoding it most
  likely is (``charset-normalizer``), not an error per line.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from bistandsregler.language.messages import EMPTY, Text

BOM = "\ufeff"
SAMPLE = 1 << 20  # the bytes a guess looks at


def codec_name(encoding: str) -> str:
    """The canonical name of an encoding ("UTF8" -> "utf-8"); raises LookupError if unknown."""
    return codecs.lookup(encoding).name


def python_codec(encoding: str) -> str:
    """The codec to decode with: UTF-8 drops a byte order mark at the start."""
    return "utf-8-sig" if codec_name(encoding) == "utf-8" else encoding


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """Bytes to text; a byte order mark is dropped. Raises ``UnicodeDecodeError``."""
    text = data.decode(python_codec(encoding))
    return text[1:] if text.startswith(BOM) else text


def guess(data: bytes) -> str | None:
    """The encoding ``data`` is most likely in (canonical name), or None when nothing fits.

    Among the single-byte encodings that fit about as well, cp1252 is chosen: a short sample
    of Swedish text fits cp1250 as well as cp1252, and only cp1252 is written by Swedish
    Windows tools and case systems.
    """
    from charset_normalizer import from_bytes

    sample = data[:SAMPLE]
    best = from_bytes(sample).best()
    if best is None:
        return None
    name = codec_name(best.encoding)
    if not name.startswith("utf"):  # a single-byte encoding
        windows = from_bytes(sample, cp_isolation=["cp1252"]).best()
        if windows is not None and windows.chaos <= best.chaos + 0.05:
            return "cp1252"
    return name


def position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in bytes) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def mismatch(data: bytes, encoding: str, error: UnicodeDecodeError) -> tuple[int, int, str | None]:
    """Where ``data`` first fails to decode as ``encoding``, and what it likely is instead
    (None when the guess is the encoding itself: the file is damaged, not mislabelled)."""
    line, column = position(data, error.start)
    likely = guess(data)
    return line, column, likely if likely is not None and likely != codec_name(encoding) else None


def likely_hint(likely: str | None, option: bool) -> Text:
    """What to do about a file in another encoding: name the option where the command has one,
    else save the file as UTF-8."""
    if likely is None:
        return EMPTY
    todo = (Text(f"läs den med --encoding {likely}", f"read it with --encoding {likely}") if option
            else Text("spara den som utf-8", "save it as utf-8"))
    return Text(f"; den ser ut att vara {likely}: ", f"; it looks like {likely}: ") + todo


class NotDecodable(ValueError):
    """A file that is not text in the encoding it was read as: the message (a ``Text``) says
    where, and which encoding it likely has."""

    def __init__(self, path: str, encoding: str, line: int, column: int, likely: str | None,
                 option: bool = False) -> None:
        name = codec_name(encoding)
        self.path, self.encoding, self.line, self.column, self.likely = path, encoding, line, column, likely
        self.message = Text(f"filen är inte giltig {name} (första felet på rad {line})",
                            f"the file is not valid {name} (the first error is on line {line})") + likely_hint(likely, option)
        super().__init__(self.message.sv)


def read_text(path: str | os.PathLike, encoding: str = "utf-8", option: bool = False) -> str:
    """A whole file as text (byte order mark dropped); raises OSError or ``NotDecodable``
    (``option``: the message names ``--encoding``, for a command that has it)."""
    return text_of(Path(path).read_bytes(), path, encoding, option)


def text_of(data: bytes, path: str | os.PathLike, encoding: str = "utf-8", option: bool = False) -> str:
    """``read_text`` for bytes already read (``path`` names them in the error)."""
    try:
        return decode(data, encoding)
    except UnicodeDecodeError as error:
        line, column, likely = mismatch(data, encoding, error)
        raise NotDecodable(os.fspath(path), encoding, line, column, likely, option) from None

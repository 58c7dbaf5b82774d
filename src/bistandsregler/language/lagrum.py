"""Law references ("lagrum"): parse the many ways they are written into one LawRef.

    >>> parse_lagrum("4 kap, 1§ SoL").canonical()
    '4 kap. 1 § SoL'
    >>> parse_lagrum("Kapitel 4 §1 SoL") == parse_lagrum("SoL 4:1")
    True

The grammar is grammar/lagrum.lark (LALR). Errors are LagrumError with a 1-based column
and a message in Swedish and English; no lark exception ever leaves this module.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal, get_args

import pydantic
from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from bistandsregler.language.caching import lark_cache
from bistandsregler.language.expected import Group, Vocabulary, describe, one_of
from bistandsregler.language.messages import Text
from bistandsregler.language.resources import grammar_text

__all__ = ["LagrumError", "LawRef", "parse_lagrum", "try_parse_lagrum", "try_parse_lagrum_prefix"]

MAX_LENGTH = 200

# A well-formed SFS number ("2025:400"): which ones exist, and which law each belongs to, is
# data (the "lag" blocks of the national layer), checked by the rule book.
SFS_PATTERN = re.compile(r"(\d{4})\s*:\s*([1-9]\d{0,3})")
Law = Literal["SoL", "LSS", "SFB"]
LAWS: tuple[str, ...] = get_args(Law)

ORDINALS = ("första", "andra", "tredje", "fjärde", "femte",
            "sjätte", "sjunde", "åttonde", "nionde", "tionde")  # fmt: skip

Number = Annotated[int, pydantic.Field(ge=1)]


class LawRef(pydantic.BaseModel, frozen=True, defer_build=True):
    """One law reference, e.g. 4 kap. 2 a § SoL or 9 § 10 LSS."""

    law: Law | None = None  # as written; an SFS number alone leaves it to the rule book
    sfs: str | None = pydantic.Field(default=None, pattern=r"^\d{4}:[1-9]\d{0,3}$")
    chapter: Number | None = None
    paragraph: Number
    letter: str | None = pydantic.Field(default=None, pattern=r"^[a-z]$")
    paragraph_to: Number | None = None
    stycke: Number | None = None
    point: Number | None = None

    @pydantic.field_validator("letter", mode="before")
    @classmethod
    def _lower_letter(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    def key(self) -> str:
        """Chapter and paragraph only, e.g. "4 kap. 2 a §": for looking paragraphs up."""
        text = f"{self.paragraph}"
        if self.letter:
            text += f" {self.letter}"
        if self.paragraph_to is not None:
            text += f"–{self.paragraph_to} §§"
        else:
            text += " §"
        if self.chapter is not None:
            text = f"{self.chapter} kap. {text}"
        return text

    def canonical(self) -> str:
        """The printable form, e.g. "11 kap. 1 § SoL (2025:400)"; parse_lagrum reads it back."""
        parts = [self.key()]
        if self.stycke is not None:
            if self.stycke <= len(ORDINALS):
                parts.append(f"{ORDINALS[self.stycke - 1]} stycket")
            else:
                parts.append(f"{self.stycke} st.")
        if self.point is not None:
            parts.append(str(self.point))
        if self.law is not None:
            parts.append(self.law)
        if self.sfs is not None:
            parts.append(f"({self.sfs})")
        return " ".join(parts)

    def with_sfs(self, sfs: str) -> LawRef:
        """The same reference with an SFS number ("2025:400" or "(2025:400)"); whether the number
        is known, and belongs to the law, the rule book says (``RuleBook.sfs_problem``)."""
        sfs = "".join(sfs.split()).strip("()")
        return LawRef(**{**self.model_dump(), "sfs": sfs})

    def __str__(self) -> str:
        return self.canonical()


class LagrumError(ValueError):
    """A law reference that could not be read: where (1-based column) and what was expected."""

    def __init__(self, text: str, column: int, expected: list[Text], message: Text) -> None:
        super().__init__(message.sv)
        self.text = text
        self.column = column
        self.expected = expected
        self.message = message

    def __reduce__(self) -> tuple:  # picklable with its English, for multiprocessing batches
        return (LagrumError, (self.text, self.column, self.expected, self.message))


# ---- parsing ----------------------------------------------------------------------


def _merge(parts: list) -> dict:
    """The fields of the sub-rules (dicts) together; tokens like "§" carry none."""
    fields: dict = {}
    for part in parts:
        if isinstance(part, dict):
            fields.update(part)
    return fields


class _ToFields(Transformer):
    """Turns the parse tree into a dict of LawRef fields."""

    start = body = paragraph_after = paragraph_before = after_paragraph = staticmethod(_merge)

    def colon_form(self, parts):
        chapter, paragraph = (int(n) for n in parts[0].split(":"))
        fields = {"chapter": chapter, "paragraph": paragraph} | _merge(parts)
        for part in parts:
            if isinstance(part, Token) and part.type == "LETTER":
                fields["letter"] = str(part)
        return fields

    def chapter(self, parts):
        return {"chapter": next(int(p) for p in parts if p.type == "NUMBER")}

    def number(self, parts):
        fields: dict[str, int | str] = {"paragraph": int(parts[0])}
        for part in parts[1:]:
            if part.type == "LETTER":
                fields["letter"] = str(part)
            elif part.type == "NUMBER":
                fields["paragraph_to"] = int(part)
        return fields

    def stycke(self, parts):
        if parts[0].type == "ORDINAL":
            return {"stycke": ORDINALS.index(parts[0].lower()) + 1}
        return {"stycke": int(parts[0])}

    def point(self, parts):
        return parts[0] if isinstance(parts[0], dict) else {"point": int(parts[0])}

    def marked_point(self, parts):
        return {"point": next(int(p) for p in parts if p.type == "NUMBER")}

    def law_part(self, parts):
        fields: dict = {}
        for part in parts:
            if isinstance(part, Token):
                fields["law"] = part.type.replace("SOL", "SoL")
                written = SFS_PATTERN.search(part)  # "lagen (1993:387) om stöd ..."
                if written is not None:
                    fields["sfs"] = f"{written.group(1)}:{written.group(2)}"
            else:
                fields["sfs"] = part
        return fields

    def sfs(self, parts):
        written = next(p for p in parts if p.type == "SFS")
        return "".join(written.split())


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(grammar_text("lagrum.lark"), parser="lalr", transformer=_ToFields(), **lark_cache("lagrum"))


# What the parser expected, in words. Groups first, so that "NUMBER or PARA" reads as one
# thing; quiet tokens are only named when nothing else is.
_VOCABULARY = Vocabulary(
    groups=(
        Group(frozenset({"NUMBER", "PARA"}), Text("ett paragrafnummer (t.ex. '1 §')", "a paragraph number (e.g. '1 §')")),
        Group(frozenset({"SOL", "LSS", "SFB"}), Text("en lag (SoL, LSS eller SFB)", "a law (SoL, LSS or SFB)")),
    ),
    words={
        "NUMBER": Text("ett nummer (t.ex. '1')", "a number (e.g. '1')"),
        "PARA": Text("paragraftecknet '§'", "the paragraph sign '§'"),
        "LETTER": Text("en paragrafbokstav (t.ex. '2 a §')", "a paragraph letter (e.g. '2 a §')"),
        "DASH": Text("ett intervall (t.ex. '5–6 §§')", "a range (e.g. '5–6 §§')"),
        "KAP": Text.same("'kap.'"),
        "CHAP_PARA": Text("kapitel och paragraf (t.ex. '4:1')", "chapter and paragraph (e.g. '4:1')"),
        "ORDINAL": Text("ett stycke i ord (t.ex. 'första stycket')", "a subsection in words (e.g. 'första stycket')"),
        "ST": Text("'stycket' (t.ex. 'första stycket' eller '1 st.')", "'stycket' (e.g. 'första stycket' or '1 st.')"),
        "POINT": Text("'punkt' (t.ex. 'p. 10')", "'punkt' (e.g. 'p. 10')"),
        "SOL": Text("lagen SoL", "the law SoL"),
        "LSS": Text("lagen LSS", "the law LSS"),
        "SFB": Text("lagen SFB", "the law SFB"),
        "SFS": Text("ett SFS-nummer (t.ex. '(2001:453)')", "an SFS number (e.g. '(2001:453)')"),
        "RPAR": Text.same("')'"),
        "$END": Text("slutet av texten", "the end of the text"),
    },
    quiet={"COMMA": Text.same("','"), "LPAR": Text.same("'('"),
           "TRAIL": Text("ett avslutande tecken", "a closing character")},
)


def _error(text: str, err: UnexpectedInput) -> LagrumError:
    if isinstance(err, UnexpectedCharacters) and err.pos_in_stream is not None:
        column, found, names = err.pos_in_stream + 1, text[err.pos_in_stream], err.allowed
    elif isinstance(err, UnexpectedToken) and err.token.type != "$END":
        column, found = err.token.start_pos + 1, str(err.token)
        names = err.accepts or err.expected
    else:  # the text ended too early
        column, found = len(text.rstrip()) + 1, None
        names = getattr(err, "accepts", None) or getattr(err, "expected", None) or set()
    expected = describe(set(names), _VOCABULARY)
    where = (
        Text(f"oväntat '{found}' i kolumn {column}", f"unexpected '{found}' at column {column}") if found
        else Text(f"texten tar slut i kolumn {column}", f"the text ends at column {column}")
    )
    message = Text(f"Felaktigt lagrum '{text}': ", f"Invalid law reference '{text}': ") + where \
        + Text(", väntade ", ", expected ") + one_of(expected, commas=True)
    return LagrumError(text, column, expected, message)


@lru_cache(maxsize=4096)
def parse_lagrum(text: str) -> LawRef:
    """Read one law reference; raises LagrumError with column and what was expected."""
    if not text.strip():
        expected = [_VOCABULARY.groups[0].text]
        raise LagrumError(text, 1, expected, Text("Tomt lagrum: väntade ", "Empty law reference: expected ") + expected[0])
    if len(text) > MAX_LENGTH:
        raise LagrumError(
            text, MAX_LENGTH + 1, [],
            Text(f"Felaktigt lagrum: för lång lagrumshänvisning ({len(text)} tecken, högst {MAX_LENGTH})",
                 f"Invalid law reference: too long ({len(text)} characters, at most {MAX_LENGTH})"),
        )  # fmt: skip
    try:
        fields = _parser().parse(text)  # the transformer gives LawRef's fields
    except UnexpectedInput as err:
        raise _error(text, err) from None
    assert isinstance(fields, dict)
    try:
        return LawRef(**fields)
    except pydantic.ValidationError as err:  # the grammar should rule this out
        raise LagrumError(text, 1, [], Text(f"Felaktigt lagrum '{text}': {err}",
                                            f"Invalid law reference '{text}': {err}")) from None


def try_parse_lagrum(text: str) -> LawRef | None:
    """Like parse_lagrum, but None for text that is not a law reference."""
    if not isinstance(text, str):
        return None
    try:
        return parse_lagrum(text)
    except LagrumError:
        return None


# Where a law reference may end inside a longer text: before a space or before punctuation that
# no reference ends with ("9 § 9 LSS vuxna", "1§ SoL, fortsättningsbeslut", "1§ SoL (omprövning)").
_PREFIX_END = re.compile(r"(?<=\S)(?=\s|[,;(/]|$)")


def try_parse_lagrum_prefix(text: str) -> tuple[LawRef, str] | None:
    """The longest leading law reference of ``text`` and the rest after it, or None.

        >>> ref, rest = try_parse_lagrum_prefix("9 § 9 LSS vuxna")
        >>> ref.canonical(), rest
        ('9 § 9 LSS', 'vuxna')

    The rest is returned stripped of surrounding space, otherwise as written ("(omprövning)",
    ", fortsättningsbeslut"); a text that is a law reference as a whole has the rest "". Only
    ends before the first place where the whole text fails to parse are tried, so a word of
    the rest is never read as part of the reference.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    try:
        return parse_lagrum(text), ""
    except LagrumError as error:
        limit = error.column  # 1-based: nothing from this character on can be part of a reference
    for end in sorted((m.start() for m in _PREFIX_END.finditer(text[:MAX_LENGTH + 1])), reverse=True):
        if end >= len(text) or end >= limit:
            continue
        ref = try_parse_lagrum(text[:end])
        if ref is not None:
            return ref, text[end:].strip()
    return None


class Cited(str):
    """A decision's law reference as a rule reads it (the field ``lagrum``).

    ``lagrum = "11 kap. 5 § SoL"`` holds when the decision cites that paragraph or a part of it:
    chapter, paragraph and letter must be the decision's, and a law, SFS number, stycke or point
    the written reference names too, so "11 kap. 5 § SoL" also holds for "11 kap. 5 § första
    stycket SoL" (but "5 § SoL" does not). A text that is no law reference equals nothing (validate says so first).
    """

    __slots__ = ("ref",)
    ref: LawRef

    def __new__(cls, ref: LawRef) -> Cited:
        cited = super().__new__(cls, ref.canonical())
        cited.ref = ref
        return cited

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Cited):
            return self.ref == other.ref
        if not isinstance(other, str):
            return False
        written = _written_ref(other)
        if written is None:
            return False
        mine = self.ref.model_dump()
        # The paragraph itself must be the same; a law, SFS number, stycke or point left unsaid is any.
        return all(mine[name] == value if name in _WHOLE else value is None or mine[name] == value
                   for name, value in written.model_dump().items())

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:  # equal to texts naming only a part of it: hash what every one names
        return hash(self.ref.paragraph)


_WHOLE = frozenset({"chapter", "paragraph", "letter", "paragraph_to"})


@lru_cache(maxsize=1024)
def _written_ref(text: str) -> LawRef | None:
    try:
        return parse_lagrum(text)
    except LagrumError:
        return None

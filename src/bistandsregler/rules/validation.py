"""The meaning of a guideline: checks that run after parsing, across all loaded files.

Syntax is the parser's job; here we ask whether what was written makes sense: do the law
references exist and apply when the guideline takes effect, are names known, do dated values
and bands cover time and values without gaps or overlaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

from bistandsregler.language import model as m
from bistandsregler.language.diagnostics import Diagnostic, Severity, did_you_mean, suggest
from bistandsregler.language.facts import FIELDS, SYMBOLS
from bistandsregler.language.lagrum import LagrumError, parse_lagrum
from bistandsregler.language.messages import EMPTY, Text
from bistandsregler.language.names import spelling_words
from bistandsregler.rules.catalogue import Catalogue, prepare, resolve_insats
from bistandsregler.rules.rulebook import RuleBook

# Fields whose value is an insats id: compared with a quoted text, they never match a name.
_INSATS_FIELDS = ("insats", "ansökt", "motsvarighet")


def validate(book: RuleBook) -> list[Diagnostic]:
    checker = _Checker(book)
    for guideline in book.guidelines:
        checker.guideline(guideline)
    for table in book.tables:
        checker.table(table)
    return checker.found


class _Checker:
    def __init__(self, book: RuleBook):
        self.book = book
        self.found: list[Diagnostic] = []

    def add(self, code: str, pos: m.Pos, width: int = 1, severity: Severity | None = None, **args) -> None:
        from bistandsregler.language.diagnostics import CATALOGUE

        self.found.append(
            Diagnostic(code, severity or CATALOGUE[code].severity, pos.file, pos.line, pos.column,
                       args, self.book.source_line(pos), width)
        )

    def unknown(self, kind: Text, name: str, pos: m.Pos, candidates) -> None:
        candidates = list(candidates)
        self.add("namn.okant", pos, len(name), kind=kind, name=name, suggestion=did_you_mean(name, candidates))

    def unknown_activity(self, name: str, pos: m.Pos) -> None:
        """An activity no file defines: the likely one if any (by id, or by a name it is called),
        and how the author defines one of their own."""
        activities = self.book.activities
        best = suggest(name, activities)
        if best is None:  # "fotvard" for an activity called "Fotvård": by the names it is called
            called = {spelling.lower(): id_ for id_, activity in activities.items()
                      for spelling in (activity.name or "", *activity.aliases) if spelling}
            spelled = suggest(name.replace("_", " ").lower(), called)
            best = called[spelled] if spelled is not None else None
        suggestion = Text(f" (menade du '{best}'?)", f" (did you mean '{best}'?)") if best else EMPTY
        hint = Text(f"; en egen aktivitet definieras med ett block i riktlinjen: aktivitet {name} \"Namn\" … slut",
                    f"; define one of your own with a block in the guideline: aktivitet {name} \"Name\" … slut")
        self.add("namn.okant", pos, len(name), kind=Text("aktivitet", "activity"), name=name,
                 suggestion=suggestion + hint)

    # ---- guideline files ----
    def guideline(self, g: m.Guideline) -> None:
        start = g.meta.validity.valid_from if g.meta else None
        insatser = self.book.insatser(g)
        values = self.book.values(g)

        # Law files need no header; a file with insatser or rules does, to be dated.
        if g.meta is None and (g.insatser or g.rules or g.bands or g.delegations) and not g.laws:
            self.add("riktlinje.huvud_saknas", m.Pos(file=g.path, line=1, column=1), block="riktlinje")
        if g.meta and g.meta.builds_on and self.book.guideline(g.meta.builds_on) is None:
            known = [x.meta.id for x in self.book.guidelines if x.meta]
            self.unknown(Text("riktlinje", "guideline"), g.meta.builds_on, g.meta.pos, known)

        self.duplicates(g)
        for law in g.laws:
            for paragraph in law.paragraphs:
                for old in paragraph.replaces:
                    self.citation(m.Citation(written=old.canonical(), ref=old, pos=paragraph.pos), None)
        for insats in g.insatser:
            self.insats(insats, insatser, values, start)
        self.name_clashes(g)
        for value in g.values:
            self.dated_value(value)
            if value.citation:
                # A value's paragraph must hold for its latest entry, not for the guideline's start.
                starts = [e.validity.valid_from for e in value.entries if e.validity.valid_from]
                self.citation(value.citation, max(starts) if starts else start)
        for value in g.values:
            self.shares(value, values)
        for bands in g.bands:
            self.bands(bands)
        for fee in g.fees:
            self.fee(fee, insatser, values, self.book.bands(g))
        symbols = SYMBOLS | set(insatser) | set(self.book.activities)  # names a rule may compare with
        for rule in g.rules:
            self.rule(rule, symbols, values, start)
            if rule.when is not None:
                self.never_fires(rule.when, values, symbols, g, insatser)
        for word_list in g.word_lists:
            self.word_list(word_list)
        for delegation in g.delegations:
            for name in delegation.decides:
                if name not in insatser:
                    self.unknown(Text("insats", "service"), name, delegation.pos, insatser)

    def duplicates(self, g: m.Guideline) -> None:
        Named = m.Insats | m.Activity | m.DatedValue | m.Bands | m.Rule | m.Law | m.Delegation | m.WordList
        groups: list[tuple[Sequence[Named], Text | None]] = [
            (g.insatser, None), (g.activities, Text("aktivitet", "activity")), (g.values, Text("värde", "value")),
            (g.bands, Text("nivåer", "bands")), (g.rules, Text("regel", "rule")), (g.laws, Text("lag", "law")),
            (g.delegations, Text("delegation", "delegation")), (g.word_lists, Text("ordlista", "word list")),
        ]
        for items, kind in groups:
            seen: dict[str, m.Pos] = {}
            for item in items:
                if item.id in seen:
                    if kind is None:
                        self.add("insats.dubblett", item.pos, insats=item.id, line=seen[item.id].line)
                    else:
                        self.add("namn.dubblett", item.pos, kind=kind, name=item.id,
                                 line=seen[item.id].line)
                else:
                    seen[item.id] = item.pos

    def citation(self, citation: m.Citation, start: date | None, insats: bool = False) -> None:
        """Does the paragraph exist, and is it in force when it is to be applied? For an insats's
        own lagrum (``insats``): is it a ground for deciding on an insats at all?"""
        ref = citation.ref
        validity = citation.validity
        on = validity.valid_from or validity.valid_until or start
        problem = self.book.sfs_problem(ref)
        if problem is not None:  # an SFS number no "lag" block has, or another law's
            code, args = problem
            self.add(code, citation.pos, len(citation.written) + 2, None, **args)
            return
        ref = self.book.complete(ref)
        law = self.book.resolve_law(ref, on)
        if law is None:
            if ref.law is None and ref.sfs is None:
                return  # "9 § 10" without a law: nothing to look up; evaluation says so on decisions
            self.add("lagrum.okand_lag", citation.pos, len(citation.written) + 2, ref=citation.written)
            return
        paragraph = self.book.paragraph(law, ref, on)
        if paragraph is None:
            elsewhere = self.book.other_version(law, ref)
            if elsewhere is not None:  # "4 kap. 2 a § SoL" after 2025-07-01: the old law's paragraph
                law, paragraph = elsewhere
            elif law.complete:
                self.add("lagrum.okant", citation.pos, len(citation.written) + 2, ref=citation.written,
                         law=law.name or law.id)
                return
            else:
                return
        if on is None:
            return
        if not (law.validity.covers(on) and paragraph.validity.covers(on)):
            text = self.successors(law, ref)
            suggestion = Text(f"; ersatt av {text.sv}", f"; replaced by {text.en}") if text else EMPTY
            self.add("lagrum.ej_i_kraft", citation.pos, len(citation.written) + 2, ref=citation.written,
                     date=on.isoformat(), replacement=suggestion)
            return
        if insats and not paragraph.ground:
            self.no_ground(citation, law, paragraph, ref)

    def successors(self, law: m.Law, ref) -> Text | None:
        names = [f"{p.ref.key()} {new_law.abbreviation or ''} ({new_law.sfs})".replace("  ", " ")
                 for new_law, p in self.book.replacements(law, ref)]
        return Text(" eller ".join(names), " or ".join(names)) if names else None

    def no_ground(self, citation: m.Citation, law: m.Law, paragraph: m.Paragraph, ref) -> None:
        """An insats decided under a paragraph that is no ground for a decision ("ingen
        beslutsgrund" in the law layer). Without an SFS number, where an older law of the same
        name had a paragraph of that number that was replaced ("4 kap. 1 § SoL" from 2025-07-01),
        the old one was most likely meant: ask for the SFS number instead."""
        width = len(citation.written) + 2
        title = Text.same(f" ({paragraph.title})") if paragraph.title else EMPTY
        old = self.book.replaced_paragraph(law, ref) if ref.sfs is None else None
        if old is not None:
            old_law, _ = old
            successors = self.successors(old_law, ref)
            self.add("lagrum.sfs_saknas", citation.pos, width, ref=citation.written, law=f"{ref.key()} {law.abbreviation} ({law.sfs})",
                     title=title, old=f"{ref.key()} {old_law.abbreviation} ({old_law.sfs})",
                     replacement=successors if successors is not None else EMPTY)
            return
        self.add("insats.ej_beslutsgrund", citation.pos, width, ref=citation.written, title=title)

    def word_list(self, word_list: m.WordList) -> None:
        """A list the checks read, each entry in the list's form and with a source."""
        if word_list.id not in m.WORD_LISTS:
            self.unknown(Text("ordlista", "word list"), word_list.id, word_list.pos, m.WORD_LISTS)
            return
        pairs = m.WORD_LISTS[word_list.id][1]
        for entry in word_list.entries:
            width = len(entry.text) + 2
            args = {"text": entry.text, "list": word_list.id}
            if not entry.text.strip():
                self.add("ordlista.form", entry.pos, width, None, problem=Text("är tom", "is empty"), **args)
            elif pairs and not entry.meaning:
                self.add("ordlista.form", entry.pos, width, None, problem=Text("saknar 'betyder \"...\"'", "lacks 'betyder \"...\"'"), **args)
            elif not pairs and entry.meaning is not None:
                self.add("ordlista.form", entry.pos, width, None, problem=Text("har 'betyder', som bara förkortningar har",
                                      "has 'betyder', which only abbreviations have"), **args)
            if not (entry.source or word_list.source):
                self.add("ordlista.kalla_saknas", entry.pos, width, None, **args)

    def insats(self, insats: m.Insats, insatser: dict[str, m.Insats], values, start: date | None) -> None:
        merged = insatser.get(insats.id, insats)
        if not merged.citations:
            self.add("insats.lagrum_saknas", insats.pos, len("insats"), insats=insats.id)
        for citation in insats.citations:
            self.citation(citation, start, insats=True)
        if insats.lss_counterpart and insats.lss_counterpart not in insatser:
            self.unknown(Text("insats", "service"), insats.lss_counterpart, insats.pos, insatser)
        for name in insats.standard_activities:
            if name not in self.book.activities:
                self.unknown_activity(name, insats.pos)
        for norm in insats.norms:
            if norm.activity not in self.book.activities:
                self.unknown_activity(norm.activity, norm.pos)
            self.bounds(norm.bounds, norm.pos)
        if insats.scope is not None:
            self.bounds(insats.scope, insats.pos)
        stay, cycle = insats.stay_at_most, insats.cycle
        if stay is not None and cycle is not None and _days(cycle.away) > _days(stay):
            self.add("vistelse.over_grans", cycle.pos, len("växelvård"), name=insats.id, away=cycle.away.words(),
                     limit=stay.words())
        ages = insats.target.ages
        if ages is not None:
            for bound in (ages.minimum, ages.maximum):
                if bound is not None and bound.value is not None and bound.value not in values:
                    self.unknown(Text("värde", "value"), bound.value, ages.pos, values)

    def name_clashes(self, g: m.Guideline) -> None:
        """A guideline's own insats named like a national one: decisions with the name resolve by law."""
        if g in self.book.national:
            return
        own = self.book.own_insatser(g)
        national: dict[frozenset[str], list[tuple[str, str]]] = {}
        for key, insats in self.book.insatser(None).items():
            for spelling in (insats.name, *insats.aliases):
                if spelling and spelling_words(spelling):
                    national.setdefault(spelling_words(spelling), []).append((key, spelling))
        for insats in g.insatser:
            if insats.id not in own:
                continue
            laws = sorted({c.ref.law for c in self.book.insatser(g)[insats.id].citations if c.ref.law})
            for spelling in dict.fromkeys(s for s in (insats.name, *insats.aliases) if s):
                clashes = [f"'{other}' ('{written}')" for other, written in national.get(spelling_words(spelling), [])
                           if other != insats.id]  # fmt: skip
                if clashes:
                    self.add("insats.namn_krock", insats.pos, len("insats"), insats=insats.id, name=spelling,
                             others=Text(" och ".join(clashes), " and ".join(clashes)),
                             lag=Text(" eller ".join(laws), " or ".join(laws)) if laws else Text("sin lag", "its law"))

    def bounds(self, bounds: m.Bounds, pos: m.Pos) -> None:
        normal, maximum = bounds.normal, bounds.maximum
        if normal is None or maximum is None:
            return
        if normal.quantity.kind != maximum.quantity.kind or normal.quantity.kind == "varaktighet":
            return
        if normal.per_month() > maximum.per_month():
            self.add("omfattning.normal_over_max", pos, normal=normal.written, maximum=maximum.written)

    def dated_value(self, value: m.DatedValue) -> None:
        entries = sorted(value.entries, key=lambda e: e.validity.valid_from or date.min)
        for previous, current in pairwise(entries):
            prev_end = previous.validity.valid_until
            cur_start = current.validity.valid_from or date.min
            if prev_end is None or cur_start <= prev_end:
                self.add("varde.overlapp", current.pos, name=value.id, first=previous.validity.text(),
                         second=current.validity.text())
            elif cur_start - prev_end > timedelta(days=1):
                self.add("varde.lucka", current.pos, name=value.id, after=prev_end.isoformat(),
                         before=cur_start.isoformat())

    def shares(self, value: m.DatedValue, values: dict[str, m.DatedValue]) -> None:
        """A share ("andel 0,5392 / 12 av värde prisbasbelopp") must be of an amount in kronor that
        is not, in the end, a share of itself."""
        for entry in value.entries:
            if isinstance(entry.value, m.Share):
                self.share(entry.value, values, value.id)

    def share(self, share: m.Share, values: dict[str, m.DatedValue], own: str | None = None) -> None:
        base = values.get(share.of)
        if base is None:
            self.unknown(Text("värde", "value"), share.of, share.pos, values)
            return
        reason = None
        if not base.kronor:
            unit = f"'{base.unit}'" if base.unit else "ingen enhet"
            reason = Text(f"'{share.of}' räknas inte i kronor ({unit}); ge det t.ex. enhet \"kr\"",
                          f"'{share.of}' is not counted in kronor ({unit if base.unit else 'no unit'}); "
                          f"give it e.g. enhet \"kr\"")
        elif any(isinstance(e.value, str) for e in base.entries):
            reason = Text(f"'{share.of}' har en text, inte ett belopp", f"'{share.of}' holds a text, not an amount")
        else:
            seen, frontier = {own} if own else set(), [base]
            while frontier and reason is None:  # follow shares of shares; a circle never ends
                current = frontier.pop()
                if current.id in seen:
                    reason = Text(f"'{share.of}' är till slut en andel av sig själv",
                                  f"'{share.of}' is in the end a share of itself")
                    break
                seen.add(current.id)
                frontier.extend(values[e.value.of] for e in current.entries
                                if isinstance(e.value, m.Share) and e.value.of in values)
            if reason is None and len(seen) > m.MAX_SHARE_DEPTH:
                reason = Text(f"fler än {m.MAX_SHARE_DEPTH} andelar i rad", f"more than {m.MAX_SHARE_DEPTH} shares in a row")
        if reason is not None:
            self.add("varde.andel_ogiltig", share.pos, len("andel"), written=share.written, reason=reason)

    def fee(self, fee: m.Fee, insatser: dict[str, m.Insats], values: dict[str, m.DatedValue],
            bands: dict[str, m.Bands]) -> None:
        if fee.hourly is None and not fee.ceilings:
            self.add("avgift.taxa_saknas", fee.pos, len("avgift"), name=fee.id)
        for name in fee.insatser:
            if name not in insatser:
                self.unknown(Text("insats", "service"), name, fee.pos, insatser)
        if fee.hourly is not None:
            self.fee_amount(fee.hourly, "timtaxa", "timme", values)
        chosen = bands.get(fee.bands) if fee.bands else None
        if fee.bands and chosen is None:
            self.unknown(Text("nivåer", "bands"), fee.bands, fee.pos, bands)
        for ceiling in fee.ceilings:
            self.fee_amount(ceiling.amount, "högst", "månad", values)
            if ceiling.band is None:
                continue
            if fee.bands is None:
                self.add("avgift.nivaer_saknas", ceiling.pos, len("högst"), band=ceiling.band, name=fee.id)
            elif chosen is not None and ceiling.band not in {b.name for b in chosen.bands}:
                self.unknown(Text("nivå", "band"), ceiling.band, ceiling.pos, [b.name for b in chosen.bands])

    def fee_amount(self, amount: m.MoneyAmount, statement: str, per: str, values: dict[str, m.DatedValue]) -> None:
        """A timtaxa counts kronor per hour, a ceiling kronor per month; a share takes its statement's unit."""
        if amount.share is not None:
            self.share(amount.share, values)
            return
        if amount.money is not None:
            found: str | None = amount.money.unit()
            right = amount.money.per == per
        else:
            value = values.get(amount.value or "")
            if value is None:
                self.unknown(Text("värde", "value"), amount.value or "", amount.pos, values)
                return
            found = value.unit_text()
            right = value.kronor and value.per == per
        if not right:
            shown = Text.same(f"'{found}'") if found else Text("ingen enhet", "no unit")
            self.add("belopp.enhet", amount.pos, len(amount.written) + (2 if amount.money else 0),
                     written=amount.written, statement=statement, found=shown,
                     expected=Text.same(f"'kr per {per}'"))

    def bands(self, bands: m.Bands) -> None:
        ordered = sorted(bands.bands, key=lambda b: b.low)
        for previous, current in pairwise(ordered):
            if previous.high is None or current.low <= previous.high:
                self.add("nivaer.overlapp", current.pos, first=previous.name, second=current.name, name=bands.id)
            elif current.low - previous.high > bands.step:
                self.add("nivaer.lucka", current.pos, first=previous.name, second=current.name, name=bands.id)

    def rule(self, rule: m.Rule, symbols: AbstractSet[str], values, start: date | None) -> None:
        if rule.when is None or rule.severity is None:
            self.add("regel.villkor_saknas", rule.pos, len("regel"), name=rule.id)
        if rule.citation:
            self.citation(rule.citation, start)
        if rule.when is not None:
            self.types(rule.when, values, symbols)
            for expr in _expressions(rule.when):
                if isinstance(expr, m.Field_) and expr.name not in FIELDS and expr.name not in symbols:
                    self.unknown(Text("fält", "field"), expr.name, expr.pos, [*FIELDS, *symbols])
                elif isinstance(expr, m.ValueRef) and expr.name not in values:
                    self.unknown(Text("värde", "value"), expr.name, expr.pos, values)

    def types(self, condition: m.Condition, values: dict[str, m.DatedValue], symbols: AbstractSet[str]) -> None:
        """Comparisons of different kinds of value would be false for every decision: say so."""
        for node in _conditions(condition):
            if not isinstance(node, m.Compare):
                continue
            for arith in _mixed_money(node, values, symbols):  # "värde timtaxa + timmar_per_månad"
                self.add("regel.typfel", arith.pos, left=_written(arith.left),
                         left_kind=_kind(arith.left, values, symbols), right=_written(arith.right),
                         right_kind=_kind(arith.right, values, symbols), op=arith.op)
            left, right = _kind(node.left, values, symbols), _kind(node.right, values, symbols)
            if left is None or right is None or any(_date_arithmetic([node.left, node.right], values, symbols)):
                continue  # date arithmetic has its own diagnostic (never_fires)
            # A list ("personkrets") is compared element by element with a literal, not with a field.
            lists = [side for side, kind in ((node.left, left), (node.right, right)) if kind.startswith("lista:")]
            other = node.right if lists and lists[0] is node.left else node.left
            if lists and (len(lists) == 2 or not isinstance(other, m.Number | m.Text | m.DateLit)
                          and not (isinstance(other, m.Field_) and other.name not in FIELDS)):
                self.add("regel.typfel", node.pos, left=_show(node.left), left_kind=left,
                         right=_show(node.right), right_kind=right, op=node.op)
                continue
            left, right = left.removeprefix("lista:"), right.removeprefix("lista:")
            if {left, right} == {"kronor", "tal"} and isinstance(node.right if right == "tal" else node.left, m.Number):
                continue  # a bare number takes the unit of the other side: "värde maxtaxa > 2000"
            ordering = node.op in ("<", "<=", ">", ">=")
            if left != right or (ordering and left not in ("tal", "datum", "kronor")):
                self.add("regel.typfel", node.pos, left=_show(node.left), left_kind=left,
                         right=_show(node.right), right_kind=right, op=node.op)

    def never_fires(self, condition: m.Condition, values: dict[str, m.DatedValue], symbols: AbstractSet[str],
                    g: m.Guideline, insatser: dict[str, m.Insats]) -> None:
        """Comparisons of the right kinds that still decide nothing: an insats field compared with
        a quoted name (it holds ids), and arithmetic on dates (the language has no unit for the
        time between dates, so the value is unknown on every decision)."""
        catalogue: list[Catalogue] = []  # prepared on first need: most rules compare no texts

        def insats_text(field: m.Field_, text: m.Text, op: str) -> None:
            if text.value in insatser:  # "hemtjänst" in quotes is the id itself: it matches
                return
            if not catalogue:
                catalogue.append(prepare(insatser, self.book.abbreviations(g), self.book.own_insatser(g)))
            found = resolve_insats(text.value, catalogue[0])
            effect = Text("alltid sann", "always true") if op == "!=" else Text("aldrig sann", "never true")
            if found.id is not None:
                self.add("regel.insats_text", text.pos, len(text.value) + 2, field=field.name, text=text.value,
                         id=found.id, effect=effect)
            else:
                names = ", ".join(found.candidates)
                candidates = Text(f" (kan vara {names})", f" (could be {names})") if names else EMPTY
                self.add("regel.insats_okand", text.pos, len(text.value) + 2, field=field.name, text=text.value,
                         effect=effect, candidates=candidates)

        def compared(field: m.Expr, other: m.Expr, op: str) -> None:
            if not isinstance(field, m.Field_) or op not in ("=", "!="):
                return
            if field.name == "lagrum" and isinstance(other, m.Text):
                try:
                    parse_lagrum(other.value)
                except LagrumError as error:  # it would equal no decision's reference
                    self.add("varde.ogiltigt", other.pos, len(other.value) + 2,
                             what=Text("ogiltigt lagrum", "invalid law reference"), reason=error.message)
            elif field.name in _INSATS_FIELDS and isinstance(other, m.Text):
                insats_text(field, other, op)
            elif field.name in FIELDS and FIELDS[field.name].values:
                self.closed_value(field, other, op, symbols)

        for node in _conditions(condition):
            sides: list[m.Expr] = []
            if isinstance(node, m.Compare):
                sides = [node.left, node.right]
                compared(node.left, node.right, node.op)
                compared(node.right, node.left, node.op)
            elif isinstance(node, m.InList):
                sides = [node.item, *node.options]
                for option in node.options:
                    compared(node.item, option, "=")
            elif isinstance(node, m.Present):
                sides = [node.item]
            for arith in _date_arithmetic(sides, values, symbols):
                self.date_arithmetic(arith, node)

    def closed_value(self, field: m.Field_, other: m.Expr, op: str, symbols: AbstractSet[str]) -> None:
        """A field with a closed set of values (utfall, lag) compared with a word or text outside it."""
        if isinstance(other, m.Text):
            word, written, width = other.value, f'"{other.value}"', len(other.value) + 2
        elif (isinstance(other, m.Field_) and other.name in symbols and other.name not in FIELDS
              and other.name not in ("ja", "nej")):  # ja/nej are regel.typfel; an unknown name is namn.okant
            word, written, width = other.name, other.name, len(other.name)
        else:
            return
        allowed = FIELDS[field.name].values
        if word in allowed:
            return
        effect = Text("alltid sann", "always true") if op == "!=" else Text("aldrig sann", "never true")
        self.add("regel.varde_okant", other.pos, width, field=field.name, values=", ".join(allowed),
                 written=written, effect=effect, suggestion=did_you_mean(word, allowed))

    def date_arithmetic(self, arith: m.Arith, node: m.Condition) -> None:
        hint = EMPTY
        left, right = arith.left, arith.right
        if (arith.op == "-" and isinstance(left, m.Field_) and isinstance(right, m.Field_)
                and (left.name, right.name) == ("giltig_till", "giltig_från")):
            # How long a decision may run is a requirement of the insats, in units.
            limit = "N"
            if isinstance(node, m.Compare) and isinstance(node.right, m.Number) and node.left is arith:
                limit = _show(node.right)
            hint = Text(f"; hur länge ett beslut får gälla skrivs som krav i insatsen eller i förval, "
                        f"t.ex. 'tidsbegränsning högst {limit} dagar'",
                        f"; how long a decision may run is a requirement of the service or of 'förval', "
                        f"e.g. 'tidsbegränsning högst {limit} dagar'")
        written = _written(arith)
        self.add("regel.datum_utan_enhet", arith.pos, len(written), expr=written, hint=hint)

    # ---- standard-time tables ----
    def table(self, table: m.StandardTimeTable) -> None:
        if table.meta is None:
            self.add("riktlinje.huvud_saknas", m.Pos(file=table.path, line=1, column=1), block="schablon")
        seen: dict[str, m.Pos] = {}
        vocabulary = self.book.activities
        categories = sorted({a.category for a in vocabulary.values() if a.category})
        for rate in table.meta.rates if table.meta else []:
            if categories and rate.category not in categories:
                self.unknown(Text("kategori", "category"), rate.category, rate.pos, categories)
            if rate.money.per != "timme":
                self.add("belopp.enhet", rate.pos, len(rate.written) + 2, written=rate.written,
                         statement="ersättning", found=Text.same(f"'{rate.money.unit()}'"),
                         expected=Text.same("'kr per timme'"))
        for activity in table.activities:
            if activity.id in seen:
                self.add("namn.dubblett", activity.pos, kind=Text("aktivitet", "activity"), name=activity.id,
                         line=seen[activity.id].line)
            seen.setdefault(activity.id, activity.pos)
            if not (activity.times or activity.granted_in_hours or activity.no_time or activity.included_in):
                self.add("schablon.tid_saknas", activity.pos, name=activity.id)
            if any(t.when for t in activity.times) and not any(t.otherwise for t in activity.times):
                self.add("schablon.annars_saknas", activity.pos, name=activity.id)
            if activity.maps_to is None and activity.id not in vocabulary:  # an id of the vocabulary maps itself
                names = list(vocabulary)
                self.add("schablon.omappad", activity.pos, name=activity.id,
                         suggestion=did_you_mean(activity.id, names))
            elif activity.maps_to is not None and vocabulary and activity.maps_to not in vocabulary:
                self.unknown(Text("aktivitet", "activity"), activity.maps_to, activity.pos, vocabulary)
            for name in activity.included_in:
                if name not in vocabulary and name not in seen and name not in {a.id for a in table.activities}:
                    self.unknown(Text("aktivitet", "activity"), name, activity.pos, vocabulary)
            if activity.normal is not None and activity.maximum is not None:
                self.bounds(m.Bounds(normal=activity.normal, maximum=activity.maximum), activity.pos)


_DAYS = {"dag": Fraction(1), "vecka": Fraction(7), "månad": Fraction(365, 12), "år": Fraction(365)}


def _days(span: m.Span) -> Fraction:
    """A span in days under the calendar convention (a month is 365/12 days)."""
    return span.amount * _DAYS[span.unit]


def _expressions(condition: m.Condition) -> Iterator[m.Expr]:
    """Every expression in a condition, without recursion limits mattering (depth is bounded by the parser)."""
    stack: list = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, (m.AllOf, m.AnyOf)):
            stack.extend(node.items)
        elif isinstance(node, m.Not):
            stack.append(node.item)
        elif isinstance(node, m.Compare):
            stack.extend([node.left, node.right])
        elif isinstance(node, m.InList):
            stack.extend([node.item, *node.options])
        elif isinstance(node, m.Present):
            stack.append(node.item)
        elif isinstance(node, m.Arith):
            stack.extend([node.left, node.right])
        else:
            yield node


def _conditions(condition: m.Condition) -> Iterator[m.Condition]:
    stack: list = [condition]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (m.AllOf, m.AnyOf)):
            stack.extend(node.items)
        elif isinstance(node, m.Not):
            stack.append(node.item)


def _kind(expr: m.Expr, values: dict[str, m.DatedValue], symbols: AbstractSet[str]) -> str | None:
    """The kind of value an expression has: "tal", "text", "datum", "ja/nej" (None: cannot tell,
    e.g. an unknown name, which has its own diagnostic)."""
    if isinstance(expr, m.Field_):
        if expr.name in FIELDS:
            return FIELDS[expr.name].kind
        if expr.name not in symbols:
            return None
        return "ja/nej" if expr.name in ("ja", "nej") else "text"
    if isinstance(expr, m.Arith):
        return _arith_kind(expr, values, symbols)
    if isinstance(expr, m.Number):
        return "tal"
    if isinstance(expr, m.DateLit):
        return "datum"
    if isinstance(expr, m.Text):
        return "text"
    value = values.get(expr.name)
    if value is None or not value.entries:
        return None
    if value.kronor:
        return "kronor"
    return "text" if isinstance(value.entries[0].value, str) else "tal"


def _mixed_money(node: m.Compare, values: dict[str, m.DatedValue], symbols: AbstractSet[str]) -> Iterator[m.Arith]:
    """Sums and differences of kronor and another kind of number (hours) within a comparison."""
    stack: list[m.Expr] = [node.left, node.right]
    while stack:
        expr = stack.pop()
        if isinstance(expr, m.Arith):
            kinds = (_kind(expr.left, values, symbols), _kind(expr.right, values, symbols))
            if "kronor" in kinds and None not in kinds and _arith_kind(expr, values, symbols) is None:
                yield expr
            stack.extend([expr.left, expr.right])


def _arith_kind(expr: m.Arith, values: dict[str, m.DatedValue], symbols: AbstractSet[str]) -> str | None:
    """Arithmetic is on numbers; with an amount in kronor the result is kronor: hours × kr per hour,
    an amount ± an amount or a bare number. Kronor ± hours has no kind (the check says so)."""
    left, right = _kind(expr.left, values, symbols), _kind(expr.right, values, symbols)
    if "kronor" not in (left, right):
        return "tal"
    if expr.op in ("*", "/"):
        return "kronor"
    other = expr.right if left == "kronor" else expr.left
    if left == right or isinstance(other, m.Number):
        return "kronor"
    return None


def _date_arithmetic(exprs: Iterable[m.Expr], values: dict[str, m.DatedValue],
                     symbols: AbstractSet[str]) -> Iterator[m.Arith]:
    """The arithmetic among ``exprs`` with a date operand (its value is unknown on every decision)."""
    stack = list(exprs)
    while stack:
        expr = stack.pop()
        if isinstance(expr, m.Arith):
            if "datum" in (_kind(expr.left, values, symbols), _kind(expr.right, values, symbols)):
                yield expr
            stack.extend([expr.left, expr.right])


def _written(expr: m.Expr) -> str:
    """An expression as it could have been written (for messages and the caret's width)."""
    if isinstance(expr, m.Arith):
        return f"{_written(expr.left)} {expr.op} {_written(expr.right)}"
    if isinstance(expr, m.Text):
        return f'"{expr.value}"'
    if isinstance(expr, m.ValueRef):
        return f"värde {expr.name}"
    if isinstance(expr, m.DateLit):
        return expr.value.isoformat()
    return _show(expr)


def _show(expr: m.Expr) -> str:
    for attribute in ("name", "value"):
        if hasattr(expr, attribute):
            return str(getattr(expr, attribute))
    return "uttrycket"

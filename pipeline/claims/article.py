"""One article as the claim modules see it: tokens with their parse, clauses, attribution phrases, mentions.

Built once per article; every slot module reads it and none changes it (what a claim takes from the claims
before it is passed along: `pipeline.claims.earlier`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from pipeline.claims import attribution, clauses
from pipeline.claims.words import CLAUSE_BREAKS, is_change, lexicon
from pipeline.lexicon import Tok, paragraph_breaks, paragraph_index
from pipeline.records import Amount, Mention, Timex


class ArticleView:
    def __init__(self, text: str, tokens: Sequence[Tok], mentions: Sequence[Mention], amounts: Sequence[Amount],
                 timexes: Sequence[Timex], published_at: date | None, article_id: str):
        self.text, self.tokens, self.mentions = text, tokens, sorted(mentions, key=lambda m: m.start)
        self.amounts, self.timexes = amounts, timexes
        self._timex_starts = {t.start: t for t in timexes}
        self.breaks = paragraph_breaks(text)
        self.published_at, self.article_id = published_at, article_id
        self.lex = lexicon()
        self.children: dict[int, list[int]] = defaultdict(list)
        for i, tok in enumerate(tokens):
            if tok.head >= 0:
                self.children[tok.head].append(i)
        self.clause_of = clauses.clause_indices(tokens, amounts, self.lex)
        self.attributions = attribution.attribution_phrases(tokens, self.lex)
        self.attribution = attribution.attribution_tokens(tokens, self.attributions)
        self.starts = [t.start for t in tokens]
        self.share_levels = self._share_levels()
        self.clause_tokens: dict[int, list[int]] = defaultdict(list)
        self.sent_tokens: dict[int, list[int]] = defaultdict(list)
        for i, tok in enumerate(tokens):
            self.clause_tokens[self.clause_of[i]].append(i)
            self.sent_tokens[tok.sent].append(i)

    def _share_levels(self) -> set[str]:
        """Percents written as a share level ("с долей 14%", "доля в 18%"): levels, not changes."""
        levels = set()
        for a in self.amounts:
            if a.kind != "percent":
                continue
            k = bisect.bisect_right(self.starts, a.start) - 1
            before = [self.tokens[j] for j in range(max(0, k - 2), k)]
            if any(t.lemma == "доля" for t in before):
                levels.add(a.amount_id)
        return levels

    def is_change(self, amount: Amount) -> bool:
        """A change rather than a level (`words.is_change`), unless a share level."""
        return amount.amount_id not in self.share_levels and is_change(amount)

    # --- clauses -------------------------------------------------------------------

    def has_verb(self, segment: Sequence[int]) -> bool:
        return clauses.has_verb(self.tokens, segment)

    # --- tokens and spans -------------------------------------------------------------

    def token_at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i if i >= 0 and self.tokens[i].start <= offset < self.tokens[i].stop else None

    def span_tokens(self, start: int, stop: int) -> list[int]:
        first = bisect.bisect_left(self.starts, start)
        out = []
        for i in range(first, len(self.tokens)):
            if self.tokens[i].start >= stop:
                break
            if self.tokens[i].stop <= stop:
                out.append(i)
        return out

    def subtree(self, i: int, limit: set[int]) -> list[int]:
        out, stack = set(), [i]
        while stack:
            k = stack.pop()
            if k in limit and k not in out:
                out.add(k)
                stack.extend(self.children.get(k, []))
        return sorted(out)

    def phrase(self, indices: Sequence[int]) -> str:
        indices = [i for i in indices if self.tokens[i].text not in CLAUSE_BREAKS | {".", "?", "!"}]
        if not indices:
            return ""
        return self.text[self.tokens[min(indices)].start:self.tokens[max(indices)].stop]

    def nominative_noun(self, i: int) -> bool:
        """A noun in the nominative, or an indeclinable Latin name ("ByteDance", "OpenAI") outside a phrase."""
        tok = self.tokens[i]
        if tok.pos == "NOUN" or (tok.pos == "PROPN" and tok.case):
            return tok.case == "Nom"
        return tok.pos in {"PROPN", "X"} and not tok.case and tok.dep not in {"nmod", "flat:foreign", "flat", "appos"} \
            and tok.text[:1].isupper()

    def timex_covering(self, offset: int) -> Timex | None:
        """The dated expression (not a duration) that covers `offset`, if any."""
        return next((t for t in self.timexes if t.start <= offset < t.stop and t.kind != "duration"), None)

    def timex_at(self, offset: int) -> Timex | None:
        """The time expression starting at `offset`, if any."""
        return self._timex_starts.get(offset)

    def paragraph_of(self, offset: int) -> int:
        return paragraph_index(self.breaks, offset)

    def has_own_subject(self, clause: int) -> bool:
        """The clause names its own subject: a token with an nsubj arc, or a nominative noun before its verb."""
        members = self.clause_tokens.get(clause, [])
        verbs = [i for i in members if self.tokens[i].pos in {"VERB", "AUX"}]
        if any(self.tokens[i].dep in {"nsubj", "nsubj:pass"} for i in members):
            return True
        return bool(verbs) and any(i < verbs[0] and self.nominative_noun(i) for i in members)

    # --- mentions ------------------------------------------------------------------------

    def mention_in(self, indices: Sequence[int], types: set[str], person_first: bool = False) -> Mention | None:
        """The mention inside the tokens: an organisation, product or person before a place (a person first
        for a speaker: "генеральный директор «РТК-ЦОД» Андрей Заренин" is Заренин)."""
        if not indices:
            return None
        start, stop = self.tokens[min(indices)].start, self.tokens[max(indices)].stop
        allowed = set(indices)
        inside = [m for m in self.mentions if start <= m.start and m.stop <= stop and m.type in types
                  and self.token_at(m.start) in allowed]
        inside.sort(key=lambda m: (m.type != "PER" if person_first else False, m.type == "LOC", m.start))
        return inside[0] if inside else None

    def latest_mention(self, before: int, types: set[str]) -> Mention | None:
        earlier = [m for m in self.mentions if m.stop <= before and m.type in types]
        return earlier[-1] if earlier else None

    def salient_mention(self, before: int, types: set[str]) -> Mention | None:
        """The entity named most often before `before` (the latest of equals): what "компания" stands for when
        nothing nearer does — the article's company, not the journal it quotes once."""
        earlier = [m for m in self.mentions if m.stop <= before and m.type in types]
        counts: dict[str, int] = defaultdict(int)
        for m in earlier:
            counts[m.canonical] += 1
        return max(reversed(earlier), key=lambda m: counts[m.canonical], default=None)

"""One article as the claim modules see it: tokens with their parse, clauses, attribution phrases, mentions.

Built once per article; every slot module reads it and none changes it (what a claim takes from the claims
before it is passed along: `pipeline.claims.earlier`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from pipeline.claims.words import CLAUSE_BREAKS, DOCUMENT_PRONOUNS, PRONOUNS, RELATIVES, is_change, lexicon
from pipeline.lexicon import Tok, paragraph_breaks, paragraph_index
from pipeline.norm import parse_word
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
        self.clause_of = self._clauses()
        self.attributions = self._attribution_phrases()
        self.attribution = self._attribution_tokens()
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

    def _clauses(self) -> list[int]:
        """Clause index per token. Segments split at , ; : — and brackets (a break belongs to the segment it
        closes); verbless insertions are not clauses of their own: "SoftBank, ещё один участник Stargate, в
        феврале вложила …" and "Общие инвестиции, по оценке «Коммерсанта», составляют …" are one clause."""
        segments: list[list[int]] = []
        sent = -1
        for i, tok in enumerate(self.tokens):
            if tok.sent != sent or not segments or self.tokens[segments[-1][-1]].text in CLAUSE_BREAKS:
                segments.append([])
            sent = tok.sent
            segments[-1].append(i)
        amount_starts = {a.start for a in self.amounts}
        result = [0] * len(self.tokens)
        clause, k = 0, 0
        while k < len(segments):
            clause += 1
            head = segments[k]
            members = [head]
            before = segments[k - 1] if k else None
            if not self.has_verb(head) and not self._verbless_amount(head, before, amount_starts):
                j = k + 1
                # absorb verbless insertions up to and including the first segment with a verb
                while j < len(segments) and self.tokens[segments[j][0]].sent == self.tokens[head[0]].sent:
                    seg = segments[j]
                    words = [i for i in seg if self.tokens[i].text not in CLAUSE_BREAKS]
                    if not words:
                        members.append(seg)
                        j += 1
                        continue
                    first = self.tokens[words[0]]
                    if {first.lower, first.lemma} & set(self.lex["clause_opener"]) or (
                            not self.has_verb(seg) and any(self.tokens[i].start in amount_starts for i in words)):
                        break  # a new clause, or a verbless one with an amount of its own ("прибыль — 2 млрд")
                    members.append(seg)
                    j += 1
                    if self.has_verb(seg):
                        break
                if len(members) > 1 and self.has_verb(members[-1]):
                    k = j
                else:
                    members, k = [head], k + 1
            else:
                k += 1
            for seg in members:
                for i in seg:
                    result[i] = clause
        return result

    def _verbless_amount(self, segment: Sequence[int], before: Sequence[int] | None, starts: set[int]) -> bool:
        """A verbless segment with an amount inside a sentence continues the clause before it ("сократилось на
        45%, до 836 тыс., подсчитали в X", "США — плюс 79,1 %: этому способствовало …"): it is a clause of its own,
        never the start of the next one."""
        if before is None or self.tokens[before[0]].sent != self.tokens[segment[0]].sent:
            return False
        return any(self.tokens[i].start in starts for i in segment)

    def has_verb(self, segment: Sequence[int]) -> bool:
        return any(self.tokens[i].pos in {"VERB", "AUX"} and self.tokens[i].dep not in {"amod", "acl"}
                   for i in segment)

    # --- attribution phrases ("по оценкам X") ------------------------------------------

    def _attribution_phrases(self) -> dict[int, tuple[str | None, str, list[int]]]:
        """Every attribution phrase, found once: index of its first token -> (pronoun or None, attribution lemma,
        the tokens of the source up to the end of its segment). "по оценкам X", "по его словам", "со слов X",
        "согласно X", "следует из данных X", "опираясь на информацию X"."""
        phrases = {}
        for i, tok in enumerate(self.tokens):
            if tok.lower == "согласно":
                if self.tokens[i + 1].lemma not in RELATIVES if i + 1 < len(self.tokens) else False:
                    phrases[i] = (None, "согласно", self._rest(i + 1, tok.sent))
                continue  # "согласно которой": the thing before it, not a source
            if tok.lemma == "следовать" and self.low(i + 1) == "из" and self.attribution_word(i + 2):
                phrases[i] = (None, self.attribution_word(i + 2), self._rest(i + 3, tok.sent, i + 2))
                continue
            if tok.lemma == "следовать" and self.low(i + 1) == "из" and self.low(i + 2) in DOCUMENT_PRONOUNS:
                phrases[i] = (self.low(i + 2), "данные", [i + 2])  # "следует из него": the document before
                continue
            if tok.lower == "из" and self.low(i + 1) in DOCUMENT_PRONOUNS and i + 2 < len(self.tokens) and (
                    self.tokens[i + 2].lemma == "следовать"):
                phrases[i] = (self.low(i + 1), "данные", [i + 1])  # "Из него следует, что …"
                continue
            if tok.lower == "известно" and self.low(i + 1) == "из" and self.attribution_word(i + 2):
                # "стало известно из отчёта компании X"
                phrases[i] = (None, self.attribution_word(i + 2), self._rest(i + 3, tok.sent, i + 2))
                continue
            if tok.lemma in {"опираться", "ссылаться"} and self.low(i + 1) == "на" and self.attribution_word(i + 2):
                # "если опираться на информацию TrendForce", "ссылаясь на данные ЦБ"
                phrases[i] = (None, self.attribution_word(i + 2), self._rest(i + 3, tok.sent, i + 2))
                continue
            if tok.lower not in {"по", "со"}:
                continue
            if tok.head >= 0 and self.tokens[tok.head].head >= 0 and self.tokens[tok.head].dep == "nmod" and (
                    self.tokens[self.tokens[tok.head].head].pos == "NOUN" and self.tokens[tok.head].head < i):
                continue  # "специалистов по данным": a noun's own phrase, no attribution
            k = i + 1
            pronoun = self.tokens[k].lower if k < len(self.tokens) and self.tokens[k].lower in PRONOUNS else None
            word = self.attribution_word(k + 1 if pronoun else k)
            if not word or (tok.lower == "со" and word != "слово"):
                continue
            word_at = k + 1 if pronoun else k
            phrases[i] = (pronoun, word, self._rest(word_at + 1, tok.sent, word_at))
        return phrases

    def _rest(self, j: int, sent: int, word: int | None = None) -> list[int]:
        """The source after an attribution word: tokens from j to the end of their segment, cut before a verb
        and, when the phrase sits inside a clause (a verb ends it), at the first token outside the attribution word's subtree
        ("Трафик по данным оператора T2 в среднем по России вырос" → "оператора T2")."""
        rest = []
        while (j < len(self.tokens) and self.tokens[j].sent == sent and self.tokens[j].text not in CLAUSE_BREAKS
               and self.tokens[j].pos not in {"VERB", "AUX"}):
            rest.append(j)
            j += 1
        within_clause = j < len(self.tokens) and self.tokens[j].pos in {"VERB", "AUX"}
        if word is None or not within_clause:
            return rest
        inside = []
        for k in rest:
            if not self._descends(k, word):
                break
            inside.append(k)
        return inside or rest

    def _descends(self, k: int, ancestor: int) -> bool:
        for _ in range(12):
            if k == ancestor:
                return True
            head = self.tokens[k].head
            if head < 0 or head == k:
                return False
            k = head
        return False

    def low(self, i: int) -> str:
        return self.tokens[i].lower if 0 <= i < len(self.tokens) else ""

    def _attribution_tokens(self) -> set[int]:
        """Tokens of the attribution phrases up to and including the break that closes them: never a subject."""
        out: set[int] = set()
        for i, (_, _, rest) in self.attributions.items():
            last = max(rest, default=i + 1)
            out.update(range(i, last + 1))
            if last + 1 < len(self.tokens) and self.tokens[last + 1].text in CLAUSE_BREAKS:
                out.add(last + 1)
        return out

    def attribution_word(self, i: int) -> str | None:
        """The attribution lemma of token i ("оценкам", "словам", "данным"), else None. The lemmatizer leaves
        "данным" as it is when the tagger calls it a noun, so pymorphy3's normal forms are tried too."""
        if i >= len(self.tokens):
            return None
        tok = self.tokens[i]
        for lemma in (tok.lemma, tok.lower):
            if lemma in self.lex["attribution"]:
                return lemma
        return next((p.normal_form for p in parse_word(tok.lower) if p.normal_form in self.lex["attribution"]), None)

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

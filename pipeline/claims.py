"""Claims: who says what amount about whom, and when — from the parse, the mentions, amounts and dates.

Per sentence with amounts:
1. Group amounts into claims by clause (clauses split at , ; : — and brackets). In one clause, a change and
   its level stay one claim ("выросла на 41% до 452 млрд", "упала с 13% до 5%"); two levels are two claims.
   A clause "что/чем/против … в N раз больше/меньше …" after a claim is that claim's comparison.
2. Primary amount: the level (money > count > quantity > duration > percent > multiplier); between equals, the
   target after "до".
3. Predicate: the verb the primary amount hangs on (Natasha's dependency heads), else the clause's verb.
4. Subject: the predicate's nsubj (through a conjunction: "выросла … и составила"); its phrase; the entity in
   it, or for "компания"/"банк"/"она" the latest organisation mentioned before.
5. Source: "по оценкам/словам/данным X", else the subject of a speech verb ("заявил Хуанг", "Аналитики
   ожидают"); "по его словам" resolves to the latest person.
6. Time: the sentence's date in the claim's clause (else the nearest); else the publication date.
7. Modality: rumor (слухи, источники) > plan (планирует; a company's own future action) > forecast (future
   tense, может, ожидают) > estimate (по оценкам, считают) > fact. Negation: "не" before the predicate.
8. Relation from `models/lexicon/claims.tsv`: the subject's words first, then the predicate's.
Pure: tokens and records in, records out.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from pipeline.lexicon import LEXICON_DIR, Tok
from pipeline.norm import parse_word
from pipeline.records import Amount, Claim, ClaimAmount, Mention, Timex

CLAUSE_BREAKS = {",", ";", ":", "—", "–", "(", ")"}
KIND_PRIORITY = {"money": 0, "count": 1, "quantity": 2, "duration": 3, "percent": 4, "multiplier": 5}
CHANGE_KINDS = {"percent", "multiplier"}
PRONOUNS = {"его": {"PER"}, "её": {"PER", "ORG"}, "ее": {"PER", "ORG"}, "их": {"ORG", "PER"}}  # "по его словам"
SUBJECT_DEPS = {"nsubj", "nsubj:pass"}
# arcs along which a predicate inherits its subject; "root" is a second root the parse repair hung on the first
CHAIN_DEPS = {"conj", "xcomp", "advcl", "ccomp", "root"}
FUTURE_PLAN_VERBS = {"вложить", "потратить", "построить", "запустить", "направить", "выделить", "инвестировать",
                     "купить", "продать", "выпустить", "развернуть", "уволить", "ввести", "привлечь", "увеличить",
                     "сократить", "разместить", "вывести", "открыть", "удвоить", "расширить", "нарастить"}


@cache
def lexicon() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for line in (LEXICON_DIR / "claims.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("category\t"):
            continue
        category, lemma, *value = line.split("\t")
        table[category][lemma.strip()] = value[0].strip() if value else ""
    return table


@dataclass
class Group:
    clause: int
    amounts: list[Amount]
    comparison: list[Amount]
    comparison_text: str | None = None


class ClaimBuilder:
    def __init__(self, text: str, tokens: Sequence[Tok], mentions: Sequence[Mention], amounts: Sequence[Amount],
                 timexes: Sequence[Timex], published_at: date | None, article_id: str):
        self.text, self.tokens, self.mentions = text, tokens, sorted(mentions, key=lambda m: m.start)
        self.amounts, self.timexes = amounts, timexes
        self.published_at, self.article_id = published_at, article_id
        self.lex = lexicon()
        self.children: dict[int, list[int]] = defaultdict(list)
        for i, tok in enumerate(tokens):
            if tok.head >= 0:
                self.children[tok.head].append(i)
        self.clause_of = self._clauses()
        self.attributions = self._attribution_phrases()
        self.attribution = self._attribution_tokens()
        self.subject_history: list[Mention] = []
        self.starts = [t.start for t in tokens]
        self.clause_tokens: dict[int, list[int]] = defaultdict(list)
        self.sent_tokens: dict[int, list[int]] = defaultdict(list)
        for i, tok in enumerate(tokens):
            self.clause_tokens[self.clause_of[i]].append(i)
            self.sent_tokens[tok.sent].append(i)

    # --- structure ---------------------------------------------------------

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
            if not self._has_verb(head):
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
                            not self._has_verb(seg) and any(self.tokens[i].start in amount_starts for i in words)):
                        break  # a new clause, or a verbless one with an amount of its own ("прибыль — 2 млрд")
                    members.append(seg)
                    j += 1
                    if self._has_verb(seg):
                        break
                if len(members) > 1 and self._has_verb(members[-1]):
                    k = j
                else:
                    members, k = [head], k + 1
            else:
                k += 1
            for seg in members:
                for i in seg:
                    result[i] = clause
        return result

    def _has_verb(self, segment: list[int]) -> bool:
        return any(self.tokens[i].pos in {"VERB", "AUX"} and self.tokens[i].dep not in {"amod", "acl"}
                   for i in segment)

    def _attribution_phrases(self) -> dict[int, tuple[str | None, str, list[int]]]:
        """Every "по оценкам X" / "по его словам" phrase, found once: index of "по" -> (pronoun or None,
        attribution lemma, the tokens after it up to the end of its segment)."""
        phrases = {}
        for i, tok in enumerate(self.tokens):
            if tok.lower != "по":
                continue
            k = i + 1
            pronoun = self.tokens[k].lower if k < len(self.tokens) and self.tokens[k].lower in PRONOUNS else None
            word = self.attribution_word(k + 1 if pronoun else k)
            if not word:
                continue
            j = (k + 1 if pronoun else k) + 1  # after the attribution word
            rest = []
            while j < len(self.tokens) and self.tokens[j].sent == tok.sent and self.tokens[j].text not in CLAUSE_BREAKS:
                rest.append(j)
                j += 1
            phrases[i] = (pronoun, word, rest)
        return phrases

    def _attribution_tokens(self) -> set[int]:
        """Tokens of the attribution phrases up to and including the break that closes them: never a subject."""
        out: set[int] = set()
        for i in self.attributions:
            j = i
            while j < len(self.tokens) and self.tokens[j].sent == self.tokens[i].sent:
                out.add(j)
                if self.tokens[j].text in CLAUSE_BREAKS:
                    break
                j += 1
        return out

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
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            if k in limit and k not in out:
                out.append(k)
                stack.extend(self.children.get(k, []))
        return sorted(out)

    def phrase(self, indices: Sequence[int]) -> str:
        indices = [i for i in indices if self.tokens[i].text not in CLAUSE_BREAKS | {".", "?", "!"}]
        if not indices:
            return ""
        return self.text[self.tokens[min(indices)].start:self.tokens[max(indices)].stop]

    # --- slots -------------------------------------------------------------

    def predicate_of(self, amount: Amount) -> int | None:
        inside = self.span_tokens(amount.start, amount.stop)
        if not inside:
            return None
        top = next((i for i in inside if self.tokens[i].head not in inside), inside[0])
        clause = self.clause_of[top]
        clause_verbs = [i for i in self.clause_tokens[clause] if self.tokens[i].pos == "VERB"]
        k, steps = top, 0
        while k >= 0 and steps < 8:
            if self.tokens[k].pos in {"VERB", "AUX"} and k not in inside:
                # an arc leaving the amount's clause is usually a parser slip when the clause has its own verb
                if self.clause_of[k] == clause or not clause_verbs:
                    return k
                break
            k, steps = self.tokens[k].head, steps + 1
        verbs = clause_verbs
        if not verbs:
            verbs = [i for i in self.sent_tokens[self.tokens[top].sent] if self.tokens[i].pos == "VERB"]
        # an amount mostly follows its verb ("оценивают расходы … в 330 млрд и считают, что …")
        return min(verbs, key=lambda i: (i > top, abs(i - top))) if verbs else None

    def subject_of(self, predicate: int | None, sentence: set[int], excluded: set[int]) -> list[int]:
        k, seen = predicate, set()
        while k is not None and k >= 0 and k not in seen:
            seen.add(k)
            subjects = [c for c in self.children.get(k, []) if self.tokens[c].dep in SUBJECT_DEPS and c in sentence
                        and c not in excluded]
            # a noun in the predicate's clause before a pronoun/determiner the parser also marked as subject
            # ("SoftBank, ещё один участник Stargate, вложила": the first of two is the subject, the other its apposition)
            subjects.sort(key=lambda c: (self.clause_of[c] != self.clause_of[k],
                                         self.tokens[c].pos not in {"NOUN", "PROPN"}, c))
            local = [i for i in self.clause_tokens[self.clause_of[k]] if i < k and i not in excluded
                     and self._nominative_noun(i)]
            if subjects and self.clause_of[subjects[0]] != self.clause_of[k] and local:
                # the parser hung the subject on a verb of another clause ("X …, а Y …"): the predicate's own
                # clause's first nominative noun before it is the better subject
                subjects = [local[0]]
            if not subjects and local:
                subjects = [local[0]]  # no nsubj arc ("государство … компенсирует"): the clause's nominative noun
            if subjects:
                head = subjects[0]
                same_clause = {i for i in sentence if self.clause_of[i] == self.clause_of[head] or i == head}
                tree = [i for i in self.subtree(head, same_clause) if i not in excluded]
                return [i for i in tree if abs(i - head) <= 8]
            if self.tokens[k].dep in CHAIN_DEPS and self.tokens[k].head >= 0:
                head = self.tokens[k].head
                if head > k:
                    # a later head is a parser slip: a coordinated predicate shares the subject of the previous one
                    earlier = [i for i in sorted(sentence) if i < k and self.tokens[i].pos == "VERB"
                               and self.tokens[i].dep not in {"amod", "acl"}]
                    head = earlier[-1] if earlier else head
                k = head  # an elided subject: "выросла … и составила", "… а в следующем году должен вырасти"
                continue
            break
        return []

    def framed_subject(self, predicate: int | None, sentence: set[int], excluded: set[int]) -> list[int]:
        """Verbs whose measured thing is not their subject (`subject_role` in the lexicon): "Аналитики оценивают
        рынок в 205 млрд" (obj), "обойдётся Constellation в $1,6 млрд" (dative), "на X пришлось 70%" (на)."""
        if predicate is None:
            return []
        role = self.lex["subject_role"].get(self.tokens[predicate].lemma)
        if not role:
            return []
        for c in sorted(self.children.get(predicate, [])):
            if c in excluded or self.tokens[c].pos not in {"NOUN", "PROPN", "X"}:
                continue
            tok = self.tokens[c]
            markers = {self.tokens[m].lower for m in self.children.get(c, []) if self.tokens[m].dep == "case"}
            if ((role == "obj" and tok.dep == "obj") or (role == "dat" and tok.case == "Dat" and not markers)
                    or (role not in {"obj", "dat"} and role in markers)):
                return [i for i in self.subtree(c, sentence) if i not in excluded]
        return []

    def gapped_subject(self, clause: int) -> list[int]:
        """Gapping: "…, а показатель EBITDA — на 29%", "тогда как американские — более $100 млрд": a verbless
        clause after a verbless "X —" takes X as its subject."""
        words = [i for i in self.clause_tokens.get(clause, []) if self.tokens[i].text not in CLAUSE_BREAKS]
        before = self.clause_tokens.get(clause - 1, [])
        if (not words or not before or self._has_verb(words) or self._has_verb(before)
                or self.tokens[before[-1]].text not in {"—", "–"}
                or self.tokens[before[0]].sent != self.tokens[words[0]].sent):
            return []
        subject = [i for i in before if self.tokens[i].text not in CLAUSE_BREAKS]
        while subject and {self.tokens[subject[0]].lower} & set(self.lex["clause_opener"]):
            subject = subject[1:]
        return subject

    def _nominative_noun(self, i: int) -> bool:
        """A noun in the nominative, or an indeclinable Latin name ("ByteDance", "OpenAI") outside a phrase."""
        tok = self.tokens[i]
        if tok.pos == "NOUN" or (tok.pos == "PROPN" and tok.case):
            return tok.case == "Nom"
        return tok.pos in {"PROPN", "X"} and not tok.case and tok.dep not in {"nmod", "flat:foreign", "flat", "appos"} \
            and tok.text[:1].isupper()

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

    def entity_for(self, indices: Sequence[int], types: set[str] = frozenset({"ORG", "PER", "PRODUCT", "LOC"})):
        mention = self.mention_in(indices, set(types))
        if mention is None and indices:
            head = min(indices, key=lambda i: (self.tokens[i].head in indices, i))
            if self.tokens[head].lemma in self.lex["actor_noun"]:
                if self.tokens[head].lemma == "он":
                    mention = self.latest_mention(self.tokens[min(indices)].start, {"PER"})
                else:  # an organisation named earlier in the sentence, else the last one that was a subject
                    start = self.tokens[min(indices)].start
                    sentence_start = min(t.start for t in self.tokens if t.sent == self.tokens[head].sent)
                    same = [m for m in self.mentions if sentence_start <= m.start < start and m.type == "ORG"]
                    mention = same[-1] if same else None
                    mention = mention or next((m for m in reversed(self.subject_history) if m.type == "ORG"), None)
                    mention = mention or self.latest_mention(start, {"ORG"})
        return mention

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

    def source_of(self, sentence: list[int], predicate: int | None, subject: list[int],
                  clause: int | None = None) -> tuple[str | None, Mention | None, str]:
        """(source text, its entity mention, modality hint) for a claim in `clause` of the sentence. An
        attribution that opens the sentence covers all of it; one inside covers only its own clause
        ("…, а весь проект, по словам Альтмана, потребует …")."""
        in_sentence = set(sentence)
        first_clause = self.clause_of[sentence[0]]
        for i in sentence:
            if i not in self.attributions:
                continue
            if clause is not None and self.clause_of[i] not in {clause, first_clause}:
                continue
            if clause is not None and self.clause_of[i] == first_clause != clause and i != sentence[0]:
                continue  # inside the first clause, not opening the sentence: that clause's own source
            pronoun, word, rest = self.attributions[i]
            start = self.tokens[i].start
            if pronoun:  # "По его словам": the person (or organisation) the article last named
                return self.tokens[i + 1].text, self.latest_mention(start, PRONOUNS[pronoun]), self.lex["attribution"][word]
            if not rest:
                continue
            mention = self.mention_in(rest, {"ORG", "PER"}, person_first=True)
            if mention is None and self.tokens[rest[0]].lower in PRONOUNS:
                mention = self.latest_mention(start, PRONOUNS[self.tokens[rest[0]].lower])
            return self.phrase(rest), mention, self.lex["attribution"][word]
        for i in sentence:
            tok = self.tokens[i]
            # a speech verb other than the predicate; or the predicate itself when its object is the measured
            # thing ("Аналитики ЦСР оценивают рынок в 205 млрд": the analysts are the source)
            if tok.lemma in self.lex["speech"] and (i != predicate or tok.lemma in self.lex["subject_role"]):
                speaker = self.subject_of(i, in_sentence, set())
                if not speaker:  # "Как рассказал на презентации руководитель … Колесов, …": the speaker follows
                    after = [k for k in self.clause_tokens[self.clause_of[i]] if k > i and self._nominative_noun(k)]
                    if after:
                        clause_set = set(self.clause_tokens[self.clause_of[i]])
                        speaker = [k for k in self.subtree(after[0], clause_set) if abs(k - after[0]) <= 8]
                if speaker and not set(speaker) & set(subject):
                    return (self.phrase(speaker), self.mention_in(speaker, {"ORG", "PER"}, person_first=True),
                            self.lex["speech"][tok.lemma])
        return None, None, "fact"

    def time_of(self, clause: int, anchor_token: int) -> tuple[date | None, date | None, str]:
        sentence = self.tokens[anchor_token].sent
        candidates = []
        for t in self.timexes:
            if t.kind == "duration":
                continue
            k = self.token_at(t.start)
            if k is None or self.tokens[k].sent != sentence:
                continue
            candidates.append((self.clause_of[k] != clause, abs(k - anchor_token), t))
        if candidates:
            t = min(candidates, key=lambda c: (c[0], c[1]))[2]
            return t.start_date, t.end_date, "sentence"
        if self.published_at:
            return self.published_at, self.published_at, "article"
        return None, None, "none"

    def relation_of(self, subject: list[int], predicate: int | None, primary: Amount, modality: str,
                    clause: int) -> str:
        """What is measured: the subject's words, then the nouns the amount hangs on, then the predicate, then
        the rest of the clause; growth/decline only when nothing names a measure."""
        relations = self.lex["relation"]
        chain, k = [], self.token_at(primary.start)
        while k is not None and k >= 0 and len(chain) < 6 and k != predicate:
            chain.append(k)
            k = self.tokens[k].head
        clause_tokens = self.clause_tokens[clause]
        direction = None
        for group in (subject, chain, [predicate] if predicate is not None else [], clause_tokens):
            for i in group:
                lemma = self.tokens[i].lemma.lower()
                relation = relations.get(lemma)
                if relation in {"growth", "decline"}:
                    direction = direction or relation
                elif relation:
                    if relation == "revenue" and lemma == "рынок" and modality == "forecast":
                        return "forecast"
                    return relation
        return direction or "other"

    def modality_of(self, sentence: list[int], predicate: int | None, subject_mention, hint: str) -> str:
        lemmas = {self.tokens[i].lemma for i in sentence}
        if lemmas & set(self.lex["rumor"]):
            return "rumor"
        pred = self.tokens[predicate] if predicate is not None else None
        future = pred is not None and (pred.tense == "Fut" or (pred.tense == "Pres" and pred.aspect == "Perf"))
        if lemmas & set(self.lex["plan"]) or (future and pred.lemma in FUTURE_PLAN_VERBS and subject_mention is not None):
            return "plan"
        if future or lemmas & set(self.lex["modal"]) or hint == "forecast":
            return "forecast"
        if hint == "estimate":
            return "estimate"
        return "fact"

    # --- grouping ----------------------------------------------------------

    def groups(self, sentence_amounts: list[Amount]) -> list[Group]:
        groups: list[Group] = []
        for amount in sentence_amounts:
            first = self.token_at(amount.start)
            clause = self.clause_of[first] if first is not None else -1
            opener = self._clause_opener(first) if first is not None else ""
            clause_words = {w for i in self.clause_tokens[clause] for w in (self.tokens[i].lemma, self.tokens[i].lower)}
            if (groups and amount.kind in CHANGE_KINDS and opener in {"что", "чем", "против"}
                    and (clause_words & set(self.lex["comparative"]) or opener == "против")):
                groups[-1].comparison.append(amount)
                groups[-1].comparison_text = self._clause_text(clause)
                continue
            if groups and groups[-1].clause == clause and self._joins(groups[-1].amounts, amount):
                groups[-1].amounts.append(amount)
                continue
            groups.append(Group(clause, [amount], []))
        return groups

    def _clause_opener(self, i: int) -> str:
        return self.tokens[self.clause_tokens[self.clause_of[i]][0]].lower

    def _clause_text(self, clause: int) -> str:
        return self.phrase(self.clause_tokens[clause])

    @staticmethod
    def _joins(group: list[Amount], amount: Amount) -> bool:
        """A change and a level, or "с X до Y", belong to one claim; two levels do not."""
        kinds = [a.kind for a in group] + [amount.kind]
        levels = [k for k in kinds if k not in CHANGE_KINDS]
        if len(levels) <= 1 and len(kinds) - len(levels) >= 1:
            return True
        return len(kinds) == 2 and kinds[0] == kinds[1] == "percent"

    # --- assembly ----------------------------------------------------------

    def build(self) -> tuple[list[Claim], list[ClaimAmount]]:
        claims, links = [], []
        by_sentence: dict[int, list[Amount]] = defaultdict(list)
        for amount in sorted(self.amounts, key=lambda a: a.start):
            k = self.token_at(amount.start)
            if k is not None:
                by_sentence[self.tokens[k].sent].append(amount)
        for sent, sentence_amounts in sorted(by_sentence.items()):
            sentence = self.sent_tokens[sent]
            ev_start, ev_stop = self.tokens[sentence[0]].start, self.tokens[sentence[-1]].stop
            for group in self.groups(sentence_amounts):
                claim, claim_links = self.make_claim(group, sentence, ev_start, ev_stop)
                claims.append(claim)
                links += claim_links
        return claims, links

    def primary(self, amounts: list[Amount]) -> Amount:
        def key(a: Amount):
            first = self.token_at(a.start)
            before = self.tokens[first - 1].lower if first else ""
            return KIND_PRIORITY.get(a.kind, 9), 0 if before == "до" else 1, a.start
        return min(amounts, key=key)

    def make_claim(self, group: Group, sentence: list[int], ev_start: int, ev_stop: int):
        primary = self.primary(group.amounts)
        amount_tokens = {i for a in group.amounts + group.comparison for i in self.span_tokens(a.start, a.stop)}
        predicate = self.predicate_of(primary)
        subject = self.subject_of(predicate, set(sentence), amount_tokens | self.attribution)
        framed = self.framed_subject(predicate, set(sentence), amount_tokens)
        gapped = self.gapped_subject(group.clause)
        subject = gapped or framed or subject
        if not subject:  # no nsubj: an entity of the clause, else the nearest one earlier in the sentence
            clause_tokens = [i for i in sentence if self.clause_of[i] == group.clause and i not in self.attribution]
            mention = self.mention_in(clause_tokens, {"ORG", "PER", "PRODUCT", "LOC"})
            if mention is None:
                earlier = [m for m in self.mentions if self.tokens[sentence[0]].start <= m.start < primary.start
                           and m.type in {"ORG", "PER", "PRODUCT"}
                           and self.token_at(m.start) not in self.attribution]
                mention = earlier[-1] if earlier else None
            if mention is not None:
                subject = self.span_tokens(mention.start, mention.stop)
        subject_mention = self.entity_for(subject)
        if subject_mention is not None:
            self.subject_history.append(subject_mention)
        source_text, source_mention, hint = self.source_of(sentence, predicate, subject, group.clause)
        modality = self.modality_of(sentence, predicate, subject_mention, hint)
        anchor = self.token_at(primary.start)
        time_start, time_end, time_source = self.time_of(group.clause, anchor)
        negated = predicate is not None and predicate > 0 and self.tokens[predicate - 1].lower == "не"
        negated = negated or (predicate is not None and self.tokens[predicate].lemma == "отменить")
        comparison_value = group.comparison[0].value_max if group.comparison else None
        relation = self.relation_of(subject, predicate, primary, modality, group.clause)
        claim_id = f"{self.article_id}:c{primary.start}-{primary.stop}"
        confidence = round(0.4 + 0.2 * bool(predicate is not None) + 0.2 * bool(subject_mention)
                           + 0.1 * (time_source == "sentence") + 0.1 * bool(source_text), 2)
        sent_index = self.tokens[sentence[0]].sent
        claim = Claim(
            claim_id=claim_id, article_id=self.article_id, sent_index=sent_index,
            evidence=self.text[ev_start:ev_stop], evidence_start=ev_start, evidence_stop=ev_stop,
            subject=self.phrase(subject) or None, subject_entity_id=subject_mention.entity_id if subject_mention else None,
            subject_entity=subject_mention.canonical if subject_mention else None,
            predicate=self.tokens[predicate].lemma if predicate is not None else None,
            relation=relation, object=self.object_of(predicate, group),
            value=primary.value, value_min=primary.value_min, value_max=primary.value_max, unit=primary.unit,
            currency=primary.currency, qualifier=primary.qualifier, amount_id=primary.amount_id,
            time_start=time_start, time_end=time_end, time_source=time_source,
            source=source_text, source_entity_id=source_mention.entity_id if source_mention else None,
            source_entity=source_mention.canonical if source_mention else None,
            modality=modality, negated=negated, comparison=group.comparison_text,
            comparison_multiplier=comparison_value if group.comparison and group.comparison[0].kind == "multiplier" else None,
            confidence=confidence,
        )
        ordered = [primary] + [a for a in group.amounts if a is not primary]
        links = [ClaimAmount(claim_id, a.amount_id, self.article_id, rank, "primary" if rank == 0 else "secondary")
                 for rank, a in enumerate(ordered)]
        links += [ClaimAmount(claim_id, a.amount_id, self.article_id, len(ordered) + k, "comparison")
                  for k, a in enumerate(group.comparison)]
        return claim, links

    def object_of(self, predicate: int | None, group: Group) -> str | None:
        """'на развитие вычислительной инфраструктуры': the "на"-phrase of the clause that is not an amount."""
        clause = group.clause
        amount_starts = {a.start for a in group.amounts + group.comparison}
        for i in self.clause_tokens[clause]:
            tok = self.tokens[i]
            if tok.lower != "на" or i + 1 >= len(self.tokens):
                continue
            nxt = self.tokens[i + 1]
            if nxt.start in amount_starts or nxt.pos not in {"NOUN", "PROPN", "ADJ"}:
                continue
            end = i + 1
            while (end + 1 < len(self.tokens) and self.clause_of[end + 1] == clause
                   and self.tokens[end + 1].start not in amount_starts and self.tokens[end + 1].pos in {"NOUN", "ADJ", "PROPN", "DET"}):
                end += 1
            return self.text[tok.start:self.tokens[end].stop]
        return None


def extract_claims(text: str, tokens: Sequence[Tok], mentions: Sequence[Mention], amounts: Sequence[Amount],
                   timexes: Sequence[Timex], published_at: date | None, article_id: str
                   ) -> tuple[list[Claim], list[ClaimAmount]]:
    """Claims and their amount links for one article."""
    if not amounts:
        return [], []
    return ClaimBuilder(text, tokens, mentions, amounts, timexes, published_at, article_id).build()

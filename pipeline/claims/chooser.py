"""A learned chooser for a claim's slot: the rules and the parse propose candidates, a small ranking model picks one.

Subject (here): 

every noun, name or pronoun of the claim's sentence (outside its amounts and attribution phrases) is a candidate,
with its phrase (its subtree in its clause) and named features: how it hangs in the parse (its arc, its case and
preposition, the path to the predicate and to the amount), where it stands (before or after the amount and the
predicate, its clause, brackets, a list), what it is (an entity and its type, a time, a pronoun, a generic actor
noun, a measure word, the counted thing) and whether the rules of `pipeline.claims.subject` chose it and how.
Relation: every relation class (`pipeline.claims.relation_choice`). A slot's model (`models/claims/<slot>.json`:
weights per named feature, trained with `python -m pipeline train-chooser`, its data card and cross-validated
accuracy beside them) scores each candidate; the best one wins. Without the file the rules decide alone. Pure:
tokens in, indices out; no scikit-learn at run time.
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from pipeline.claims.article import ArticleView
from pipeline.claims.words import CLAUSE_BREAKS, ENTITY_TYPES, word_set
from pipeline.config import MODELS_DIR
from pipeline.records import Amount

CANDIDATE_POS = {"NOUN", "PROPN", "X", "PRON"}
DEPS = {"nsubj", "nsubj:pass", "obj", "iobj", "obl", "nmod", "conj", "appos", "root", "flat", "flat:foreign",
        "parataxis", "acl", "amod", "nummod", "det"}
CASE_MARKERS = {"у", "на", "в", "во", "для", "среди", "по", "с", "со", "от", "о", "об", "за", "из", "к", "до", "при"}
PRONOUN_LEMMAS = {"она", "они", "оно", "он", "это", "что", "который", "кто", "этот", "такой", "тот"}
MAX_PHRASE = 8  # words either side of a candidate's head that its phrase may reach


@dataclass
class Candidate:
    head: int
    tokens: list[int]
    features: dict[str, float] = field(default_factory=dict)
    text: str = ""  # filled for training only: the phrase and the canonical entity it would be scored as
    entity: str | None = None


def _path_up(view: ArticleView, i: int, limit: int = 12) -> list[int]:
    """i and its heads up to the root (at most `limit` steps)."""
    path, seen = [i], {i}
    while len(path) <= limit:
        head = view.tokens[path[-1]].head
        if head < 0 or head in seen:
            break
        path.append(head)
        seen.add(head)
    return path


def subject_candidates(view: ArticleView, sentence: list[int], clause: int, predicate: int | None,
                       primary: Amount, amount_tokens: set[int], rule_tokens: list[int], rule_how: str
                       ) -> list[Candidate]:
    """The candidates of one claim with their features; the rules' choice is always among them."""
    tokens = view.tokens
    excluded = amount_tokens | view.attribution
    span = view.span_tokens(primary.start, primary.stop)
    top = next((i for i in span if tokens[i].head not in span), span[0] if span else None)
    rule_head = min(rule_tokens, key=lambda i: (tokens[i].head in rule_tokens, i)) if rule_tokens else None
    counted = {i for i in span if primary.kind == "count" and tokens[i].pos in {"NOUN", "PROPN"}
               and tokens[i].lemma not in word_set("scale_lemma")}
    heads = [i for i in sentence if tokens[i].pos in CANDIDATE_POS and (i not in excluded or i in counted)
             and tokens[i].text not in CLAUSE_BREAKS]
    if rule_head is not None and rule_head not in heads:
        heads.append(rule_head)
    context = _Context(view, sentence, predicate, top if top is not None else (span[0] if span else None))
    candidates = []
    for i in sorted(set(heads)):
        if i == rule_head:
            phrase = list(rule_tokens)
        else:
            phrase = [k for k in view.subtree(i, context.clause_members(i)) if (k not in excluded or k in counted)
                      and abs(k - i) <= MAX_PHRASE and tokens[k].text not in CLAUSE_BREAKS]
        if not phrase:
            continue
        candidates.append(Candidate(i, phrase, _features(view, context, i, phrase, clause, predicate, counted,
                                                         rule_head, rule_how)))
    return candidates


class _Context:
    """What every candidate of one claim is measured against, computed once: the paths up from the predicate and
    the amount, each clause's members and first candidate, the sentence's mentions and dated tokens."""

    def __init__(self, view: ArticleView, sentence: list[int], predicate: int | None, anchor: int | None):
        self.view, self.sentence = view, sentence
        self._paths: dict[int, dict[int, int]] = {}
        self.predicate, self.anchor = predicate, anchor
        self.anchor_path = set(_path_up(view, anchor)) if anchor is not None else set()
        self._clauses: dict[int, set[int]] = {}
        self.first: dict[int, int] = {}
        for k in sentence:
            c = view.clause_of[k]
            self._clauses.setdefault(c, set()).add(k)
            if view.tokens[k].pos in CANDIDATE_POS and c not in self.first:
                self.first[c] = k
        lo, hi = view.tokens[sentence[0]].start, view.tokens[sentence[-1]].stop
        self.mentions = [m for m in view.mentions if lo <= m.start and m.stop <= hi and m.type in ENTITY_TYPES]
        self.dated = {k for k in sentence if view.timex_covering(view.tokens[k].start) is not None}

    def clause_members(self, i: int) -> set[int]:
        return self._clauses.get(self.view.clause_of[i], {i})

    def distance(self, a: int, b: int | None) -> int:
        """Arcs between a and b through their lowest common head (99 when not connected)."""
        if b is None:
            return 99
        if b not in self._paths:
            self._paths[b] = {k: n for n, k in enumerate(_path_up(self.view, b))}
        where = self._paths[b]
        for n, k in enumerate(_path_up(self.view, a)):
            if k in where:
                return where[k] + n
        return 99

    def mention(self, phrase: list[int]):
        """The phrase's mention, as `ArticleView.mention_in` picks it (organisation, product or person first)."""
        tokens = self.view.tokens
        start, stop = tokens[min(phrase)].start, tokens[max(phrase)].stop
        allowed = set(phrase)
        inside = [m for m in self.mentions if start <= m.start and m.stop <= stop
                  and self.view.token_at(m.start) in allowed]
        inside.sort(key=lambda m: (m.type == "LOC", m.start))
        return inside[0] if inside else None


def _features(view: ArticleView, context: _Context, i: int, phrase: list[int], clause: int, predicate: int | None,
              counted: set[int], rule_head: int | None, rule_how: str) -> dict[str, float]:
    tokens, lex = view.tokens, view.lex
    tok = tokens[i]
    f: dict[str, float] = {"bias": 1.0}
    dep = tok.dep if tok.dep in DEPS else "other"
    f[f"dep={dep}"] = 1.0
    f[f"case={tok.case or 'none'}"] = 1.0
    f[f"pos={tok.pos}"] = 1.0
    markers = [tokens[m].lower for m in view.children.get(i, []) if tokens[m].dep == "case"]
    marker = markers[0] if markers else "none"
    f[f"prep={marker if marker in CASE_MARKERS or marker == 'none' else 'other'}"] = 1.0
    if predicate is not None:
        f["child_of_predicate"] = float(tok.head == predicate)
        f[f"child_of_predicate&dep={dep}"] = float(tok.head == predicate)
        f["to_predicate"] = min(context.distance(i, predicate), 8) / 8
        f["before_predicate"] = float(i < predicate)
        f["predicate_clause"] = float(view.clause_of[i] == view.clause_of[predicate])
    else:
        f["no_predicate"] = 1.0
    anchor = context.anchor if context.anchor is not None else i
    f["to_amount"] = min(context.distance(i, anchor), 8) / 8
    f["before_amount"] = float(i < anchor)
    f["words_to_amount"] = min(abs(i - anchor), 20) / 20
    f["amount_clause"] = float(view.clause_of[i] == clause)
    f["amount_below"] = float(i in context.anchor_path)  # the amount hangs on this word ("выручка … в 5 млрд")
    f["counted"] = float(i in counted)
    f["first_in_clause"] = float(context.first.get(view.clause_of[i]) == i)
    mention = context.mention(phrase)
    f[f"entity={mention.type if mention else 'none'}"] = 1.0
    f["entity_is_head"] = float(mention is not None and view.token_at(mention.start) == i)
    f["time"] = float(i in context.dated)
    lemma = tok.lemma.lower()
    f["pronoun"] = float(lemma in PRONOUN_LEMMAS or lemma.startswith("котор"))
    f["actor_noun"] = float(lemma in lex["actor_noun"])
    f["measure_word"] = float(lemma in lex["relation"])
    f["speech_subject"] = float(tok.head >= 0 and tokens[tok.head].lemma in lex["speech"] and dep.startswith("nsubj"))
    before = view.text[max(0, tok.start - 2):tok.start]
    f["bracketed"] = float("(" in before)
    f["phrase_words"] = min(len(phrase), 12) / 12
    f["rule"] = float(i == rule_head)
    if i == rule_head:
        f[f"rule={rule_how}"] = 1.0
    return f


_RULES_ONLY = [False]


@contextmanager
def rules_only():
    """Decide by the rules alone inside the block (training data must not depend on an earlier model)."""
    _RULES_ONLY[0] = True
    try:
        yield
    finally:
        _RULES_ONLY[0] = False


def model_path(slot: str):
    """Where a slot's chooser model lives: `models/claims/<slot>.json` (subject, relation)."""
    return MODELS_DIR / "claims" / f"{slot}.json"


def chooser_model(slot: str = "subject") -> dict | None:
    return None if _RULES_ONLY[0] else _slot_model(slot)


@cache
def _slot_model(slot: str) -> dict | None:
    return _load_model(str(model_path(slot)))


@cache
def _load_model(path: str) -> dict | None:
    try:
        return json.loads(open(path, encoding="utf-8").read())
    except FileNotFoundError:
        return None


def candidate_score(features: dict[str, float], model: dict) -> float:
    weights = model["weights"]
    z = model["bias"] + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def choose(candidates: list[Candidate], model: dict | None) -> Candidate | None:
    """The candidate the model scores highest (None without a model or candidates: the rules decide)."""
    if model is None or not candidates:
        return None
    return max(candidates, key=lambda c: (candidate_score(c.features, model), c.features.get("rule", 0.0), -c.head))

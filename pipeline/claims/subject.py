"""The subject slot: who or what the amount is about.

The predicate's nsubj (the first of two; through "и" conjunctions and through a coordinated predicate the
parser hung backwards), never inside a "по оценкам X" phrase; without an nsubj arc, the clause's nominative noun
before the predicate; a gapped clause ("а показатель EBITDA — на 29%") takes the noun before its dash; verbs
listed under `subject_role` take their object or "на"-phrase ("оценивают рынок в …", "на облачные сервисы
пришлось 40%"). The entity: the mention inside the subject, or — for "компания", "банк", "она" — the
organisation named earlier in the sentence or last seen as a subject.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.claims.article import ArticleView
from pipeline.claims.words import CHAIN_DEPS, CLAUSE_BREAKS, ENTITY_TYPES, SUBJECT_DEPS
from pipeline.records import Amount, Mention


def syntactic_subject(view: ArticleView, predicate: int | None, sentence: set[int], excluded: set[int]) -> list[int]:
    """The tokens of the predicate's subject phrase (following coordinated predicates back to their subject)."""
    tokens = view.tokens
    k, seen = predicate, set()
    while k is not None and k >= 0 and k not in seen:
        seen.add(k)
        subjects = [c for c in view.children.get(k, []) if tokens[c].dep in SUBJECT_DEPS and c in sentence
                    and c not in excluded]
        # a noun in the predicate's clause before a pronoun/determiner the parser also marked as subject
        # ("SoftBank, ещё один участник Stargate, вложила": the first of two is the subject, the other its apposition)
        subjects.sort(key=lambda c: (view.clause_of[c] != view.clause_of[k],
                                     tokens[c].pos not in {"NOUN", "PROPN"}, c))
        local = [i for i in view.clause_tokens[view.clause_of[k]] if i < k and i not in excluded
                 and view.nominative_noun(i)]
        if subjects and view.clause_of[subjects[0]] != view.clause_of[k] and local:
            # the parser hung the subject on a verb of another clause ("X …, а Y …"): the predicate's own
            # clause's first nominative noun before it is the better subject
            subjects = [local[0]]
        if not subjects and local:
            subjects = [local[0]]  # no nsubj arc ("государство … компенсирует"): the clause's nominative noun
        if subjects:
            head = subjects[0]
            same_clause = {i for i in sentence if view.clause_of[i] == view.clause_of[head] or i == head}
            tree = [i for i in view.subtree(head, same_clause) if i not in excluded]
            return [i for i in tree if abs(i - head) <= 8]
        if tokens[k].dep in CHAIN_DEPS and tokens[k].head >= 0:
            head = tokens[k].head
            if head > k:
                # a later head is a parser slip: a coordinated predicate shares the subject of the previous one
                earlier = [i for i in sorted(sentence) if i < k and tokens[i].pos == "VERB"
                           and tokens[i].dep not in {"amod", "acl"}]
                head = earlier[-1] if earlier else head
            k = head  # an elided subject: "выросла … и составила", "… а в следующем году должен вырасти"
            continue
        break
    return []


def framed_subject(view: ArticleView, predicate: int | None, sentence: set[int], excluded: set[int]) -> list[int]:
    """Verbs whose measured thing is not their subject (`subject_role` in the lexicon): "Аналитики оценивают
    рынок в 205 млрд" (obj), "обойдётся Constellation в $1,6 млрд" (dative), "на X пришлось 70%" (на)."""
    if predicate is None:
        return []
    role = view.lex["subject_role"].get(view.tokens[predicate].lemma)
    if not role:
        return []
    for c in sorted(view.children.get(predicate, [])):
        if c in excluded or view.tokens[c].pos not in {"NOUN", "PROPN", "X"}:
            continue
        tok = view.tokens[c]
        markers = {view.tokens[m].lower for m in view.children.get(c, []) if view.tokens[m].dep == "case"}
        if ((role == "obj" and tok.dep == "obj") or (role == "dat" and tok.case == "Dat" and not markers)
                or (role not in {"obj", "dat"} and role in markers)):
            return [i for i in view.subtree(c, sentence) if i not in excluded]
    return []


def gapped_subject(view: ArticleView, clause: int) -> list[int]:
    """Gapping: "…, а показатель EBITDA — на 29%", "тогда как американские — более $100 млрд": a verbless
    clause after a verbless "X —" takes X as its subject."""
    tokens = view.tokens
    words = [i for i in view.clause_tokens.get(clause, []) if tokens[i].text not in CLAUSE_BREAKS]
    before = view.clause_tokens.get(clause - 1, [])
    if (not words or not before or view.has_verb(words) or view.has_verb(before)
            or tokens[before[-1]].text not in {"—", "–"} or tokens[before[0]].sent != tokens[words[0]].sent):
        return []
    subject = [i for i in before if tokens[i].text not in CLAUSE_BREAKS]
    while subject and {tokens[subject[0]].lower} & set(view.lex["clause_opener"]):
        subject = subject[1:]
    return subject


def reported_subject(view: ArticleView, predicate: int | None, primary: Amount, sentence: set[int],
                     excluded: set[int]) -> list[int]:
    """"«Сбермобайл» отметил рост трафика на 24%": when the predicate is a speech verb whose object holds the
    amount, the object is what the amount is about (the speaker is the source)."""
    if predicate is None or view.tokens[predicate].lemma not in view.lex["speech"]:
        return []
    if view.tokens[predicate].lemma in view.lex["subject_role"]:
        return []
    k, steps = view.token_at(primary.start), 0
    while k is not None and k >= 0 and steps < 8:
        if view.tokens[k].head == predicate:
            if view.tokens[k].dep != "obj" or k in excluded:
                return []
            return [i for i in view.subtree(k, sentence) if i not in excluded and abs(i - k) <= 8]
        k, steps = view.tokens[k].head, steps + 1
    return []


def subject_tokens(view: ArticleView, clause: int, predicate: int | None, sentence: list[int], primary: Amount,
                   amount_tokens: set[int]) -> list[int]:
    """The subject phrase of a claim: reported (the object of a speech verb), gapped, framed, syntactic; else an
    entity of the clause, else the nearest one earlier in the sentence."""
    reported = reported_subject(view, predicate, primary, set(sentence), amount_tokens | view.attribution)
    if reported:
        return reported
    subject = syntactic_subject(view, predicate, set(sentence), amount_tokens | view.attribution)
    framed = framed_subject(view, predicate, set(sentence), amount_tokens)
    gapped = gapped_subject(view, clause)
    subject = gapped or framed or subject
    if subject:
        return subject
    clause_tokens = [i for i in sentence if view.clause_of[i] == clause and i not in view.attribution]
    mention = view.mention_in(clause_tokens, {"ORG", "PER", "PRODUCT", "LOC"})
    if mention is None:
        earlier = [m for m in view.mentions if view.tokens[sentence[0]].start <= m.start < primary.start
                   and m.type in {"ORG", "PER", "PRODUCT"} and view.token_at(m.start) not in view.attribution]
        mention = earlier[-1] if earlier else None
    return view.span_tokens(mention.start, mention.stop) if mention is not None else []


def entity_for(view: ArticleView, indices: Sequence[int], types=ENTITY_TYPES) -> Mention | None:
    """The entity a subject phrase names: a mention inside it; for a generic actor noun ("компания", "она") the
    organisation named earlier in the sentence, else the last organisation that was a subject."""
    mention = view.mention_in(indices, set(types))
    if mention is None and indices:
        tokens = view.tokens
        head = min(indices, key=lambda i: (tokens[i].head in indices, i))
        if tokens[head].lemma in view.lex["actor_noun"]:
            if tokens[head].lemma == "он":
                mention = view.latest_mention(tokens[min(indices)].start, {"PER"})
            else:  # an organisation named earlier in the sentence, else the last one that was a subject
                start = tokens[min(indices)].start
                sentence_start = min(t.start for t in tokens if t.sent == tokens[head].sent)
                same = [m for m in view.mentions if sentence_start <= m.start < start and m.type == "ORG"]
                mention = same[-1] if same else None
                mention = mention or next((m for m in reversed(view.subject_history) if m.type == "ORG"), None)
                mention = mention or view.latest_mention(start, {"ORG"})
    return mention

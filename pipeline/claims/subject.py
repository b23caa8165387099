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
from pipeline.claims.coref import antecedent_of, is_pronoun
from pipeline.claims.earlier import EarlierClaims
from pipeline.claims.words import CHAIN_DEPS, CLAUSE_BREAKS, ENTITY_TYPES, SUBJECT_DEPS, word_set
from pipeline.norm import parse_word
from pipeline.records import Amount, Mention


def is_gerund(view: ArticleView, i: int) -> bool:
    """"отгрузив", "показав": a gerund shares the subject of the verb it hangs on, whatever the parser says."""
    return view.tokens[i].pos == "VERB" and any(p.tag.POS == "GRND" for p in parse_word(view.tokens[i].lower)[:1])


def described_noun(view: ArticleView, participle: int) -> int | None:
    """The noun a participle describes: its head when that agrees with it in number and case, else the nearest
    agreeing noun before it in the sentence (the parser hangs "…, отстающие от Rubin" on a far noun)."""
    tokens = view.tokens
    form = next((p for p in parse_word(tokens[participle].lower) if p.tag.POS == "PRTF"), None)
    if form is None:
        return None

    def agrees(i: int) -> bool:
        return any(p.tag.POS == "NOUN" and p.tag.number == form.tag.number and p.tag.case == form.tag.case
                   for p in parse_word(tokens[i].lower))

    head = tokens[participle].head
    if head >= 0 and tokens[head].pos in {"NOUN", "PROPN"} and agrees(head) and participle - head <= 8:
        return head
    sentence = tokens[participle].sent
    for i in range(participle - 1, max(-1, participle - 12), -1):
        if tokens[i].sent != sentence:
            break
        if tokens[i].pos == "NOUN" and agrees(i):
            return i
    return None


def is_participle(view: ArticleView, i: int) -> bool:
    """"отстающие", "заключающуюся": a participle modifies the noun it describes."""
    return any(p.tag.POS == "PRTF" for p in parse_word(view.tokens[i].lower)[:1])


def _prepositional(view: ArticleView, c: int) -> bool:
    """Token c is a name right after a noun with a preposition, a place the parser made a subject ("на
    маркетплейсах «Озон», «Яндекс маркет» и Wildberries купили …")."""
    tokens = view.tokens
    k = c - 1
    while k >= 0 and c - k <= 8 and (tokens[k].text in {"«", "»", '"', ",", "и"} or tokens[k].pos == "PROPN"):
        k -= 1
    return (k >= 0 and k < c - 1 and tokens[c].pos == "PROPN" and tokens[k].pos == "NOUN"
            and any(tokens[m].dep == "case" for m in view.children.get(k, [])))


def syntactic_subject(view: ArticleView, predicate: int | None, sentence: set[int], excluded: set[int]) -> list[int]:
    """The tokens of the predicate's subject phrase (following coordinated predicates back to their subject)."""
    tokens = view.tokens
    if predicate is not None and is_gerund(view, predicate):
        finite = [i for i in sorted(sentence) if i < predicate and tokens[i].pos == "VERB" and not is_gerund(view, i)
                  and not tokens[i].dep.startswith("acl") and tokens[i].dep not in {"amod"}]
        if finite:
            predicate = finite[-1]
    k, seen = predicate, set()
    while k is not None and k >= 0 and k not in seen:
        seen.add(k)
        subjects = [c for c in view.children.get(k, []) if tokens[c].dep in SUBJECT_DEPS and c in sentence
                    and c not in excluded and not _prepositional(view, c) and tokens[c].lemma not in {"это", "что"}]
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
        if tokens[k].dep == "acl" and tokens[k].head >= 0 and is_participle(view, k):
            noun = described_noun(view, k)
            if noun is None:
                break
            if (tokens[noun].lemma in word_set("goal_subject_noun") and tokens[noun].head >= 0
                    and tokens[tokens[noun].head].pos in {"VERB", "AUX"}):
                # "она ставит цель, заключающуюся в поставке 550 000 электромобилей": a goal is its holder's
                k = tokens[noun].head
                continue
            # "эти ускорители с архитектурой Hopper, отстающие от Rubin на два поколения": the participle's noun
            same_clause = {i for i in sentence if view.clause_of[i] == view.clause_of[noun]}
            tree = [i for i in view.subtree(noun, same_clause) if i not in excluded and i < k]
            if tree:
                return [i for i in tree if abs(i - noun) <= 8]
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
    written = set(view.lex["subject_role"].get(view.tokens[predicate].lemma, "").split("|")) - {""}
    if not written:
        return []
    optional = {r.rstrip("?") for r in written if r.endswith("?")}
    # a role written with "?" holds only when the verb has no subject of its own ("компании было выделено $7,9
    # млрд"), never against one ("правительство выделит на поддержку 20 млрд")
    own_subject = any(view.tokens[c].dep in SUBJECT_DEPS and c not in excluded
                      and not any(a.start <= view.tokens[c].start < a.stop for a in view.amounts)
                      for c in view.children.get(predicate, []))
    roles = {r.rstrip("?") for r in written} - (optional if own_subject else set())
    for c in sorted(view.children.get(predicate, [])):
        if c in excluded or view.tokens[c].pos not in {"NOUN", "PROPN", "X", "PRON"}:
            continue
        tok = view.tokens[c]
        markers = {view.tokens[m].lower for m in view.children.get(c, []) if view.tokens[m].dep == "case"}
        if (("obj" in roles and tok.dep == "obj") or ("dat" in roles and (tok.case == "Dat" or tok.dep == "iobj")
                                                          and not markers) or (roles & markers)):
            if tok.pos == "PRON":  # "на которые пришлось 34%", "на них приходится 83%"
                return antecedent_of(view, c) or [] if is_pronoun(view, c) else []
            if tok.lemma == "доля":  # "на долю «Алисы AI» приходится до 45%": the party whose share it is
                parties = [k for k in view.children.get(c, []) if view.tokens[k].dep == "nmod" and k > c]
                if parties:
                    return [i for i in view.subtree(parties[0], sentence) if i not in excluded and i > c]
            return [i for i in view.subtree(c, sentence) if i not in excluded]
    return []


def gapped_subject(view: ArticleView, clause: int) -> list[int]:
    """Gapping: "…, а показатель EBITDA — на 29%", "тогда как американские — более $100 млрд", "а задаток для
    участия - 25%": a verbless clause after (or holding) a verbless "X —" takes X as its subject."""
    tokens = view.tokens
    words = [i for i in view.clause_tokens.get(clause, []) if tokens[i].text not in CLAUSE_BREAKS]
    before = view.clause_tokens.get(clause - 1, [])
    inside = [i for i in view.clause_tokens.get(clause, []) if tokens[i].text in {"—", "–", "-"}]
    if words and inside and not view.has_verb(words) and tokens[inside[0]].pos == "PUNCT":
        subject = [i for i in view.clause_tokens[clause] if i < inside[0] and tokens[i].text not in CLAUSE_BREAKS]
        while subject and {tokens[subject[0]].lower} & set(view.lex["clause_opener"]):
            subject = subject[1:]
        if subject and not any(a.start <= tokens[k].start < a.stop for a in view.amounts for k in subject):
            return subject
    if (not words or not before or view.has_verb(words) or view.has_verb(before)
            or tokens[before[-1]].text not in {"—", "–"} or tokens[before[0]].sent != tokens[words[0]].sent):
        return []
    subject = [i for i in before if tokens[i].text not in CLAUSE_BREAKS]
    while subject and {tokens[subject[0]].lower} & set(view.lex["clause_opener"]):
        subject = subject[1:]
    return subject


def _nominal(view: ArticleView, phrase: list[int]) -> bool:
    """A gapped "X —" that can be a subject: not a time, not a prepositional phrase ("на 2027 г.", "на втором
    месте"), and a nominative or indeclinable head."""
    tokens = view.tokens
    if tokens[phrase[0]].pos == "ADP" or any(view.timex_covering(tokens[i].start) for i in phrase):
        return False
    heads = [i for i in phrase if tokens[i].head not in phrase]
    if not heads or tokens[heads[0]].case in {"Nom", ""} or tokens[heads[0]].pos in {"PROPN", "X"}:
        return True
    # the tagger's case is one guess: "залог" (nominative or accusative) can still be a subject
    return any(p.tag.case == "nomn" for p in parse_word(tokens[heads[0]].lower))


def inherited_subject(view: ArticleView, clause: int, sentence: list[int], earlier: EarlierClaims) -> list[int]:
    """A gapped clause that names a time or a place instead of a subject ("На 2026 г. запланировано
    финансирование в размере 155,3 млрд руб., на 2027 г. — 168,9 млрд руб.") is about what the claim before it in
    the sentence is about."""
    if not earlier.subjects:
        return []
    tokens = earlier.subjects[-1][2]
    if not tokens or view.tokens[tokens[0]].sent != view.tokens[sentence[0]].sent:
        return []
    return list(tokens)


def _compared_in_brackets(view: ArticleView, primary: Amount) -> bool:
    """"(по сравнению с 37% в первом квартале)", "(против 20%)": an amount in brackets that is a comparison base."""
    first = view.token_at(primary.start)
    if first is None:
        return False
    words = []
    k = first - 1
    while k >= 0 and first - k <= 5 and view.tokens[k].text != "(":
        words.append(view.tokens[k].lower)
        k -= 1
    return k >= 0 and view.tokens[k].text == "(" and bool(set(words) & {"сравнению", "против", "относительно"})


def _framed_header(view: ArticleView, header: list[int], sentence: list[int]) -> list[int]:
    """A gapped "на X —" whose preposition is the framed role of the verb before it ("приходится на …")."""
    tokens = view.tokens
    if tokens[header[0]].pos != "ADP":
        return []
    verbs = [i for i in sentence if i < header[0] and tokens[i].pos == "VERB"]
    if not verbs:
        return []
    roles = set(view.lex["subject_role"].get(tokens[verbs[-1]].lemma, "").split("|"))
    return header[1:] if tokens[header[0]].lower in roles else []


def _opens_verbless_clause(view: ArticleView, primary: Amount, clause: int) -> bool:
    """"Почти 9% всего потока — это …": a share that opens a clause without a verb is its subject."""
    span = view.span_tokens(primary.start, primary.stop)
    words = [i for i in view.clause_tokens.get(clause, []) if view.tokens[i].text not in CLAUSE_BREAKS]
    return primary.kind == "percent" and bool(span) and bool(words) and span[0] <= words[0] and not view.has_verb(words)


def priced_thing(view: ArticleView, primary: Amount, sentence: list[int]) -> list[int]:
    """"продали 6,2 млн устройств на сумму 140 млрд рублей", "633 605 смартфонов за 15,8 млрд руб.": a sum of
    money after a count is about the counted thing."""
    tokens = view.tokens
    first = view.token_at(primary.start)
    if primary.kind != "money" or first is None:
        return []
    before = [tokens[k].lower for k in range(max(0, first - 2), first)]
    if not ({"за", "стоимостью"} & set(before[-1:]) or before == ["на", "сумму"] or before[-1:] == ["сумму"]):
        return []
    counts = [a for a in view.amounts if a.kind == "count" and a.stop <= primary.start
              and view.token_at(a.start) in sentence]
    if not counts:
        return []
    return [i for i in view.span_tokens(counts[-1].start, counts[-1].stop)
            if tokens[i].pos in {"NOUN", "PROPN"} and tokens[i].lemma not in word_set("scale_lemma")]


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


def bracketed_owner(view: ArticleView, primary: Amount, sentence: list[int]) -> list[int]:
    """"Lenovo (25% поставок), за ней идут HP (около 20%), Dell (13%)", "ТЭК (рост заражений в 20 раз)": an amount
    in brackets right after a name belongs to that name — the words before the bracket back to a verb, a comma or
    a closing bracket, without a leading preposition or conjunction."""
    tokens = view.tokens
    first = view.token_at(primary.start)
    if first is None:
        return []
    k = first - 1
    while k >= 0 and tokens[k].sent == tokens[first].sent and tokens[k].text not in {"(", ")"} and k >= first - 4:
        k -= 1
    if k < 1 or tokens[k].text != "(":
        return []
    owner, j = [], k - 1
    while j >= 0 and tokens[j].sent == tokens[first].sent and tokens[j].text not in {",", ")", "(", ":", ";", "—"}:
        if tokens[j].pos in {"VERB", "AUX"}:
            break
        owner.insert(0, j)
        j -= 1
    while owner and tokens[owner[0]].pos in {"ADP", "CCONJ"}:
        owner = owner[1:]
    if any(tokens[i].pos == "ADV" or tokens[i].lemma in word_set("comparative_word") for i in owner):
        return []  # "немного ниже уровня 2025 года (10–12%)": a comparison, not an owner
    heads = [i for i in owner if tokens[i].head not in owner]
    if heads and tokens[heads[0]].dep in {"obj", "iobj"} and view.mention_in(owner, set(ENTITY_TYPES)) is None:
        return []  # "демонстрирует относительную стабильность (13%)": the verb's subject owns the figure
    if any(a.start <= tokens[i].start < a.stop for a in view.amounts for i in owner):
        return []  # "пришлось 17% атак (по сравнению с 37% …)": an amount owns no other amount
    return owner if any(tokens[i].pos in {"NOUN", "PROPN", "X"} for i in owner) else []


def possessor(view: ArticleView, primary: Amount, clause: int) -> list[int]:
    """"9,8 у «джунов»", "у «МегаФона» — на 36,17%", "среди «джунов» — 18,6": an "у/среди X" right after the
    amount, or right before it across a gapping dash, names whose figure it is."""
    tokens = view.tokens
    span = view.span_tokens(primary.start, primary.stop)
    if not span:
        return []
    starts = {a.start for a in view.amounts}
    after = span[-1] + 1
    if after < len(tokens) and tokens[after].lower in {"у", "среди"}:
        return _possessor_phrase(view, after, starts)
    k = span[0] - 1
    if k >= 0 and tokens[k].lower in {"на", "до", "в"}:
        k -= 1  # "у «МегаФона» — на 36,17%"
    direct = _possessor_before(view, k, starts)
    if direct:  # "упала у трёх компаний: у «МегаФона» на 8,2%, у МТС на 28%"
        return direct
    if k < 1 or tokens[k].text not in {"—", "–"}:
        return []
    j = k - 1
    while j >= 0 and tokens[j].sent == tokens[k].sent and tokens[j].text not in {",", ";", ":", "—", "–"} \
            and tokens[j].lower not in {"у", "среди"}:
        j -= 1
    if j >= 0 and tokens[j].lower in {"у", "среди"}:
        phrase = _possessor_phrase(view, j, starts)
        return phrase if phrase and max(phrase) < k else []
    return []


def clause_possessor(view: ArticleView, primary: Amount, clause: int) -> list[int]:
    """"тогда как у TSMC она выросла до 71%": an "у X" opening the amount's clause, whose own subject is only a
    pronoun or a measure word, names whose figure it is."""
    tokens = view.tokens
    first = view.token_at(primary.start)
    members = [i for i in view.clause_tokens.get(clause, []) if first is not None and i < first]
    at = next((i for i in members if tokens[i].lower in {"у", "среди"}), None)
    if at is None or any(a.start < primary.start and tokens[at].start < a.start for a in view.amounts):
        return []
    phrase = _possessor_phrase(view, at, {a.start for a in view.amounts})
    rest = [i for i in members if i > max(phrase, default=at) and tokens[i].pos in {"NOUN", "PROPN", "PRON"}]
    if not phrase or not rest or any(tokens[i].pos != "PRON" and tokens[i].lemma not in view.lex["relation"]
                                     for i in rest):
        return []
    return phrase


def _possessor_before(view: ArticleView, k: int, starts: set[int]) -> list[int]:
    """An "у X" that ends right before token k+1 (the amount), inside one segment: X."""
    tokens = view.tokens
    j = k
    while j >= 0 and k - j < 6 and tokens[j].text not in CLAUSE_BREAKS and tokens[j].lower not in {"у", "среди"}:
        if tokens[j].pos in {"VERB", "AUX"} or tokens[j].start in starts:
            return []
        j -= 1
    if j < 0 or j == k or tokens[j].lower not in {"у", "среди"}:
        return []
    phrase = _possessor_phrase(view, j, starts)
    return phrase if phrase and max(phrase) <= k else []


def _possessor_phrase(view: ArticleView, i: int, amount_starts: set[int]) -> list[int]:
    tokens = view.tokens
    phrase = []
    for j in range(i + 1, min(i + 8, len(tokens))):
        tok = tokens[j]
        if (tok.text in {",", "—", "–", ";", ".", "(", ")"} or tok.start in amount_starts or tok.sent != tokens[i].sent
                or tok.pos in {"VERB", "AUX", "CCONJ", "ADP", "PRON"}):
            break  # "у «Беты» на 14%", "у TSMC она": the amount's own preposition or a pronoun ends the name
        phrase.append(j)
    return phrase if any(tokens[j].pos in {"NOUN", "PROPN", "X"} for j in phrase) else []


def changed_measure(view: ArticleView, primary: Amount, excluded: set[int]) -> list[int]:
    """"этому способствовало увеличение продаж ИИ-серверов на 105,5 %", "о росте стоимости на 50 % говорить не
    приходится": an amount hanging on a change noun with a measure in the genitive is about that change — unless
    the change is a verb's object ("компания показала рост выручки на 5%": the company's)."""
    tokens = view.tokens
    span = view.span_tokens(primary.start, primary.stop)
    top = next((i for i in span if tokens[i].head not in span), None)
    if top is None or tokens[top].dep != "nmod":
        return []
    noun = tokens[top].head
    if (noun < 0 or tokens[noun].pos != "NOUN" or tokens[noun].dep == "obj"
            or view.lex["relation"].get(tokens[noun].lemma) not in {"growth", "decline"}):
        return []
    measures = [c for c in view.children.get(noun, []) if tokens[c].dep == "nmod" and c > noun and c not in span
                and tokens[c].pos in {"NOUN", "PROPN"}]
    if not measures:
        return []
    clause = {i for i in view.sent_tokens[tokens[noun].sent] if view.clause_of[i] == view.clause_of[noun]}
    return [i for i in view.subtree(noun, clause) if i not in excluded and i not in span and abs(i - noun) <= 8
            and tokens[i].text not in CLAUSE_BREAKS and i < span[0]]


def _amount_is_subject(view: ArticleView, primary: Amount, predicate: int | None) -> bool:
    """A share that is itself the grammatical subject of a predicate without a frame of its own."""
    if primary.kind != "percent" or predicate is None or view.tokens[predicate].lemma in view.lex["subject_role"]:
        return False
    return any(view.tokens[i].dep in SUBJECT_DEPS and view.tokens[i].head == predicate
               for i in view.span_tokens(primary.start, primary.stop))


def counted_thing(view: ArticleView, primary: Amount) -> list[int]:
    """"Было продано около 37 миллионов устройств", "Три четверти российских компаний …": with no other subject,
    what a count counts, or the group a share is of, is what the claim is about."""
    tokens = view.tokens
    span = view.span_tokens(primary.start, primary.stop)
    if not span:
        return []
    if primary.kind == "count" and primary.unit != "раз":
        nouns = [i for i in span if tokens[i].pos in {"NOUN", "PROPN"} and not tokens[i].text[:1].isdigit()
                 and tokens[i].lemma not in word_set("scale_lemma")]
        if nouns:
            tail = []
            for j in range(span[-1] + 1, min(span[-1] + 4, len(tokens))):
                if tokens[j].sent != tokens[span[0]].sent or tokens[j].case != "Gen" or tokens[j].pos not in {
                        "NOUN", "PROPN", "ADJ"} or tokens[j].head not in nouns + tail:
                    break
                tail.append(j)
            return nouns[-1:] + tail
    if primary.kind == "percent":
        after = span[-1] + 1
        group = []
        while after < len(tokens) and tokens[after].case == "Gen" and tokens[after].pos in {"ADJ", "NOUN", "PROPN", "DET",
                                                                                           "VERB"}:
            group.append(after)
            after += 1
        if group and tokens[group[-1]].pos in {"NOUN", "PROPN"}:
            return group
    return []


def antecedent(view: ArticleView, subject: list[int], earlier: EarlierClaims
               ) -> tuple[str | None, Mention | None, list[int]] | None:
    """"этот показатель" stands for the measure of the claim before; "который" for the noun it follows."""
    tokens = view.tokens
    heads = [i for i in subject if tokens[i].head not in subject]
    if not heads:
        return None
    head = heads[0]
    bare = [i for i in subject if tokens[i].pos in {"NOUN", "PROPN", "X", "ADJ"}] == [head]
    if tokens[head].lemma in word_set("anaphoric_measure") and (bare or any(tokens[i].lemma in {"этот", "данный", "тот"}
                                                                 for i in subject)):
        # "этот показатель", a bare "показатель": the measure of the claim before
        return earlier.last_subject()
    if tokens[head].lemma.startswith("котор") or tokens[head].lower.startswith("котор"):
        verb = tokens[head].head
        target = tokens[verb].head if verb >= 0 and tokens[verb].dep.startswith("acl") else -1
        if target >= 0:
            same_clause = {i for i in view.sent_tokens[tokens[target].sent] if view.clause_of[i] == view.clause_of[target]}
            tree = [i for i in view.subtree(target, same_clause) if i < head - 1 and abs(i - target) <= 5]
            return view.phrase(tree), view.mention_in(tree, set(ENTITY_TYPES)), tree
    return None


def _not_a_time(view: ArticleView, predicate: int | None, sentence: list[int], excluded: set[int],
                subject: list[int]) -> list[int]:
    """"Третий квартал принёс компании SMIC рост прибыли …": a time is never what a claim is about; its verb's
    bare dative (the recipient) is, else nothing."""
    heads = [i for i in subject if view.tokens[i].head not in subject]
    if not heads or not any(view.timex_covering(view.tokens[i].start) for i in heads[:1]):
        return subject
    if predicate is None:
        return []
    for c in sorted(view.children.get(predicate, [])):
        tok = view.tokens[c]
        markers = [m for m in view.children.get(c, []) if view.tokens[m].dep == "case"]
        if tok.case == "Dat" and tok.pos in {"NOUN", "PROPN"} and not markers and c not in excluded:
            tree = [i for i in view.subtree(c, set(sentence)) if i not in excluded and abs(i - c) <= 8]
            words = [i for i in tree if view.tokens[i].text not in CLAUSE_BREAKS]
            return words
    return []


def subject_tokens(view: ArticleView, clause: int, predicate: int | None, sentence: list[int], primary: Amount,
                   amount_tokens: set[int], earlier: EarlierClaims) -> tuple[list[int], str]:
    """The subject phrase of a claim and how it was found: a bracketed owner, a possessor next to the amount, the
    object of a speech verb, a share that is the subject, gapped, framed, syntactic; the counted thing or the
    group of a share; else an entity of the clause, else the nearest one earlier in the sentence."""
    found, how = _subject_tokens(view, clause, predicate, sentence, primary, amount_tokens, earlier)
    timed = {i for i in found if view.timex_covering(view.tokens[i].start) is not None}
    if timed and len(timed) < len(found):  # "Выручка Micron за квартал" -> "Выручка Micron"
        found = [i for i in found if i not in timed]
    while len(found) > 1 and view.tokens[found[-1]].pos in {"ADP", "CCONJ"}:
        found = found[:-1]  # "выручку в [$30 млрд]": a preposition left by the amount
    return found, how


def _subject_tokens(view: ArticleView, clause: int, predicate: int | None, sentence: list[int], primary: Amount,
                    amount_tokens: set[int], earlier: EarlierClaims) -> tuple[list[int], str]:
    excluded = amount_tokens | view.attribution
    for how, found in (("bracketed", bracketed_owner(view, primary, sentence)),
                       ("possessor", possessor(view, primary, clause) or clause_possessor(view, primary, clause)),
                       ("reported", reported_subject(view, predicate, primary, set(sentence), excluded))):
        if found:
            return found, how
    if _amount_is_subject(view, primary, predicate) or _opens_verbless_clause(view, primary, clause):
        counted = counted_thing(view, primary)
        if counted:
            return counted, "share"  # "… учитывают 44 % компаний" with the share as the grammatical subject
    if _compared_in_brackets(view, primary):
        inherited = inherited_subject(view, clause, sentence, earlier)
        if inherited:  # "На ИТ-сектор пришлось 17% атак (по сравнению с 37% в первом квартале)"
            return inherited, "compared"
    gapped = gapped_subject(view, clause)
    if gapped and not _nominal(view, gapped):
        framed = _framed_header(view, gapped, sentence)
        # "из них 406 585 приходится на Model 3 и Y, на остальные модели — 11 642": the verb's framed phrase;
        # "на 2027 г. — 168,9 млрд руб.": the same subject as the claim before
        gapped = framed or inherited_subject(view, clause, sentence, earlier)
    for how, found in (("change", changed_measure(view, primary, excluded)),
                       ("gapped", gapped),
                       ("framed", framed_subject(view, predicate, set(sentence), amount_tokens)),
                       ("syntactic", _not_a_time(view, predicate, sentence, excluded,
                                                 syntactic_subject(view, predicate, set(sentence), excluded))),
                       ("counted", counted_thing(view, primary)),
                       ("priced", priced_thing(view, primary, sentence))):
        if found:
            return found, how
    clause_tokens = [i for i in sentence if view.clause_of[i] == clause and i not in view.attribution]
    mention = view.mention_in(clause_tokens, {"ORG", "PER", "PRODUCT", "LOC"})
    how = "clause_entity"
    if mention is None:
        earlier = [m for m in view.mentions if view.tokens[sentence[0]].start <= m.start < primary.start
                   and m.type in {"ORG", "PER", "PRODUCT"} and view.token_at(m.start) not in view.attribution]
        mention, how = (earlier[-1] if earlier else None), "earlier_entity"
    if mention is None:
        return [], "none"
    return view.span_tokens(mention.start, mention.stop), how


def entity_for(view: ArticleView, indices: Sequence[int], earlier: EarlierClaims, types=ENTITY_TYPES
               ) -> Mention | None:
    """The entity a subject phrase names: a mention inside it; for a pronoun the last subject entity; for a
    generic actor noun ("компания", "банк") the organisation named earlier in the sentence, else the last
    organisation that was a subject."""
    mention = view.mention_in(indices, set(types))
    if mention is None and indices:
        tokens = view.tokens
        head = min(indices, key=lambda i: (tokens[i].head in indices, i))
        if tokens[head].lemma in word_set("pronoun_subject"):
            mention = next((m for m in reversed(earlier.subject_entities) if m.type in {"ORG", "PRODUCT"}), None)
            mention = mention or view.latest_mention(tokens[min(indices)].start, {"ORG"})
        elif tokens[head].lemma in view.lex["actor_noun"]:
            if tokens[head].lemma == "он":
                mention = view.latest_mention(tokens[min(indices)].start, {"PER"})
            else:  # an organisation named earlier in the sentence, else the last one that was a subject
                start = tokens[min(indices)].start
                sentence_start = min(t.start for t in tokens if t.sent == tokens[head].sent)
                same = [m for m in view.mentions if sentence_start <= m.start < start and m.type == "ORG"]
                mention = same[-1] if same else None
                mention = mention or next((m for m in reversed(earlier.subject_entities) if m.type == "ORG"), None)
                mention = mention or view.salient_mention(start, {"ORG"})
    return mention

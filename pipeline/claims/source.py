"""The source slot: who says it.

In order:
1. An attribution phrase (`ArticleView.attributions`): "по оценкам/словам/данным/подсчётам/прогнозам X", "со слов
   X", "согласно X", "следует из данных X". One that opens or closes the sentence covers all of it; one inside
   covers its own clause and the clauses after it ("…, а весь проект, по словам Альтмана, потребует …"). "по его словам" is
   the person the article last named.
2. A headline "Name: …".
3. A speech verb ("заявил Хуанг", "Аналитики ожидают", "В Т-Банке отметили", "подсчитали в Solar 4RAYS", "Там
   уточнили", "Как рассказал … X, …"): the one the claim is the object of first, then the nearest before the
   amount, then the nearest after it. Its speaker is its subject, else an organisation it is "в", else the
   organisation "там" stands for, else the person named after it.
4. A subject that is itself a view: "ожидания аналитиков … составили" — the analysts.
5. "Об этом сообщил X" in the next sentence.
The result carries the modality the attribution implies (estimate for "по оценкам", forecast for "ожидают").
"""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.claims.coref import antecedent_of, is_pronoun
from pipeline.claims.subject import syntactic_subject
from pipeline.claims.words import CLAUSE_BREAKS, lexicon, possessives, word_set
from pipeline.records import Mention

Source = tuple[str | None, Mention | None, str]  # (text, entity, modality hint)


def source_of(view: ArticleView, sentence: list[int], predicate: int | None, subject: list[int],
              clause: int, amount: int) -> tuple[str | None, Mention | None, str, str]:
    """(source text, its entity mention, modality hint, how it was found) of a claim in `clause` whose amount
    starts at `amount`."""
    for how, find in (("attribution", lambda: attributed(view, sentence, clause, inside_only=True)),
                      ("speech", lambda: spoken(view, sentence, predicate, subject, amount, clause_only=clause)),
                      ("attribution", lambda: attributed(view, sentence, clause)),
                      ("headline", lambda: headline(view, sentence)),
                      ("speech", lambda: spoken(view, sentence, predicate, subject, amount)),
                      ("view", lambda: viewed(view, subject)),
                      ("quote", lambda: quoted(view, sentence)),
                      ("next_sentence", lambda: reported_next(view, sentence))):
        found = find()
        if found:
            return (*found, how)
    return None, None, "fact", "none"


def attributed(view: ArticleView, sentence: list[int], clause: int, inside_only: bool = False) -> Source | None:
    """The attribution phrase covering the clause: the nearest one inside the sentence at or before the clause,
    else (unless `inside_only`) one that opens or closes the sentence ("…, следует из данных ЦБ")."""
    phrases = [i for i in sentence if i in view.attributions]
    amount_starts = [view.token_at(a.start) for a in view.amounts]
    opening = [i for i in phrases if _opens(view, i, sentence)
               or not any(k is not None and i < k <= sentence[-1] for k in amount_starts)]
    inside = sorted((i for i in phrases if i not in opening and view.clause_of[i] <= clause), reverse=True)
    for i in inside + ([] if inside_only else opening):
        found = _phrase_source(view, i)
        if found:
            return found
    return None


def _opens(view: ArticleView, i: int, sentence: list[int]) -> bool:
    """The phrase opens the sentence (only punctuation or a conjunction before it)."""
    return all(view.tokens[k].pos in {"PUNCT", "CCONJ", "ADV"} for k in sentence if k < i)


def _phrase_source(view: ArticleView, i: int) -> Source | None:
    pronoun, word, rest = view.attributions[i]
    start = view.tokens[i].start
    hint = view.lex["attribution"].get(word, "fact")
    if pronoun in word_set("document_pronoun"):  # "Из него следует": the document the sentence before named
        referred = antecedent_of(view, rest[0])
        if referred:
            return view.phrase(referred), view.mention_in(referred, {"ORG", "PER"}, person_first=True), hint
        return None
    if pronoun:  # "По его словам": the person (or organisation) the article last named
        return view.tokens[i + 1].text, view.latest_mention(start, possessives()[pronoun]), hint
    if not rest:
        return None
    mention = view.mention_in(rest, {"ORG", "PER"}, person_first=True)
    if mention is None and view.tokens[rest[0]].lower in possessives():
        mention = view.latest_mention(start, possessives()[view.tokens[rest[0]].lower])
    return view.phrase(rest), mention, hint


def headline(view: ArticleView, sentence: list[int]) -> Source | None:
    """"Григоренко: отечественные ИТ-компании вносят 6%": a name and a colon open the sentence."""
    words = [i for i in sentence if view.tokens[i].pos != "PUNCT" or view.tokens[i].text == ":"]
    if len(words) < 3 or ":" not in {view.tokens[i].text for i in words[1:4]}:
        return None
    colon = next(i for i in words if view.tokens[i].text == ":")
    before = [i for i in sentence if i < colon]
    mention = view.mention_in(before, {"PER", "ORG"}, person_first=True)
    if mention is None or view.span_tokens(mention.start, mention.stop) != [i for i in before if view.tokens[i].pos != "PUNCT"]:
        return None
    return view.phrase(before), mention, "fact"


def spoken(view: ArticleView, sentence: list[int], predicate: int | None, subject: list[int],
           amount: int, clause_only: int | None = None) -> Source | None:
    """The speaker of the speech verb the claim is reported by (with `clause_only`, a verb in that clause only:
    "По оценкам экспертов, рост составил 90%, в Роскомнадзоре говорят о росте на 100%")."""
    verbs = [i for i in sentence if view.tokens[i].lemma in view.lex["speech"]
             and (clause_only is None or view.clause_of[i] == clause_only)]

    last_clause = view.clause_of[sentence[-1]]

    def rank(i: int):
        if i == predicate:
            return 0, 0
        clause_words = [k for k in view.clause_tokens[view.clause_of[i]] if view.tokens[k].text not in CLAUSE_BREAKS]
        if view.clause_of[i] == last_clause and clause_words[:2].count(i) and i > amount:
            return 1, 0  # "…, акции упали на 14%, пишет Bloomberg": a closing speech verb covers its sentence
        return (2, amount - i) if i < amount else (3, i - amount)

    for i in sorted(verbs, key=rank):
        if i == predicate and view.tokens[i].lemma not in view.lex["subject_role"] and not _reports(view, i, amount):
            continue
        if view.clause_of[i] != view.clause_of[amount] and _comparison_clause(view, i):
            continue  # "поставила 497 тыс. — больше, чем прогнозировал Bloomberg": the comparison's, not the claim's
        if i < amount and view.clause_of[i] != view.clause_of[amount] and _contrasts(view, view.clause_of[amount]):
            continue  # "Инвесторы ожидали $30 млрд, но компания заработала $33 млрд": the expectation is not the fact
        speaker = speaker_of(view, i, set(sentence))
        if speaker and not set(speaker[0]) & set(subject) and _names_someone(view, speaker[0]):
            tokens, mention = speaker
            return view.phrase(tokens), mention, view.lex["speech"][view.tokens[i].lemma]
    return None


def _contrasts(view: ArticleView, clause: int) -> bool:
    """The clause opens with a contrast and has a verb of its own ("…, но компания заработала …")."""
    members = view.clause_tokens.get(clause, [])
    words = [k for k in members if view.tokens[k].text not in CLAUSE_BREAKS]
    return bool(words) and view.tokens[words[0]].lower in {"но", "однако", "зато"} and view.has_verb(words)


def _comparison_clause(view: ArticleView, i: int) -> bool:
    """Verb i is inside a "чем …" comparison: "чем" before it with no break in between."""
    k = i - 1
    while k >= 0 and i - k <= 6 and view.tokens[k].text not in {",", ";", ":", "—", "–", "(", ")", "."}:
        if view.tokens[k].lower in {"чем", "нежели"}:
            return True
        k -= 1
    return False


def _names_someone(view: ArticleView, tokens: list[int]) -> bool:
    """A speaker is a noun or a name, not "что" or "это" ("что говорит о росте" is no speech)."""
    return any(view.tokens[k].pos in {"NOUN", "PROPN", "X"} and view.tokens[k].lemma not in word_set("relative_pronoun")
               for k in tokens)


def _reports(view: ArticleView, verb: int, amount: int) -> bool:
    """The amount is inside the speech verb's object ("«Сбермобайл» отметил рост трафика на 24%")."""
    k, steps = amount, 0
    while k >= 0 and steps < 8:
        if view.tokens[k].head == verb:
            return view.tokens[k].dep in {"obj", "ccomp", "nmod"}
        k, steps = view.tokens[k].head, steps + 1
    return False


def speaker_of(view: ArticleView, verb: int, sentence: set[int]) -> tuple[list[int], Mention | None] | None:
    """Who speaks: the verb's subject; else "в X" for an organisation ("В Т-Банке отметили"); else what "там"
    stands for; else the person named after the verb ("Как заявил … Дженсен Хуанг, …"); else the first noun
    after it."""
    tokens = view.tokens
    own = any(tokens[c].dep in {"nsubj", "nsubj:pass"} for c in view.children.get(verb, []))
    head = tokens[verb].head
    chained = head >= 0 and tokens[head].lemma in view.lex["speech"]
    # a speech verb's subject is its own, or a coordinated speech verb's ("отметил и добавил"); never the subject
    # of the claim's verb it was hung on ("Nvidia вложит $100 млрд, говорится в заявлении")
    subject = syntactic_subject(view, verb, sentence, set()) if own or chained or tokens[verb].dep not in {
        "root", "parataxis", "conj"} else []
    if len(subject) == 1 and is_pronoun(view, subject[0]):
        subject = antecedent_of(view, subject[0]) or subject  # "Они оценивали затраты …": the operators
    if subject:
        mention = view.mention_in(subject, {"ORG", "PER"}, person_first=True) or _apposed_person(view, subject)
        if mention is None and any(tokens[k].lemma in view.lex["actor_noun"] for k in subject):
            mention = view.salient_mention(tokens[min(subject)].start, {"ORG"})  # "сообщила компания"
        return subject, mention
    for c in sorted(view.children.get(verb, [])):
        marker = {tokens[m].lower for m in view.children.get(c, []) if tokens[m].dep == "case"}
        if marker & {"в", "во", "из"}:
            tree = [k for k in view.subtree(c, sentence) if abs(k - c) <= 8]
            mention = view.mention_in(tree, {"ORG"})
            words = [k for k in tree if tokens[k].lower not in {"в", "во", "из"}]
            if mention is not None:
                return words, mention
            if tokens[c].lemma in view.lex["document"]:
                # "говорится в пояснительной записке", "уточнили в пресс-службе", "стало известно из отчёта X"
                return words, _publisher(view, words)
        if tokens[c].lower in word_set("place_adverb"):
            mention = view.latest_mention(tokens[c].start, {"ORG"})
            if mention is not None:
                return [c], mention
    clause = set(view.clause_tokens[view.clause_of[verb]])
    after = [k for k in sorted(clause) if k > verb]
    person = view.mention_in(after, {"PER"})
    if person is not None:
        start = min(k for k in after if view.nominative_noun(k) or view.token_at(person.start) == k)
        return [k for k in after if start <= k <= max(view.span_tokens(person.start, person.stop))], person
    nouns = [k for k in after if view.nominative_noun(k)]
    if nouns:
        speaker = [k for k in view.subtree(nouns[0], clause) if abs(k - nouns[0]) <= 8]
        return speaker, view.mention_in(speaker, {"ORG", "PER"}, person_first=True)
    return None


def _apposed_person(view: ArticleView, tokens: list[int]) -> Mention | None:
    """"вице-премьер Дмитрий Григоренко", "вице-премьер – руководитель аппарата правительства Дмитрий
    Григоренко": a person named right after the speaker's title, across a dash and more title words."""
    persons = {view.token_at(m.start): m for m in view.mentions if m.type == "PER"}
    k = max(tokens) + 1
    sent = view.tokens[max(tokens)].sent
    while k < len(view.tokens) and k <= max(tokens) + 10 and view.tokens[k].sent == sent:
        if k in persons:
            return persons[k]
        tok = view.tokens[k]
        if tok.pos in {"VERB", "AUX"} or (tok.pos == "PUNCT" and tok.text not in {"—", "–", "-"}):
            break
        k += 1
    return None


def _publisher(view: ArticleView, words: list[int]) -> Mention | None:
    """The organisation behind a document or an office ("отчёта ИБ-компании «Гарда»" → Гарда, "пресс-службе
    компании" → the article's company), if the phrase names one."""
    mention = view.mention_in(words, {"ORG"})
    if mention is None and any(view.tokens[k].lemma in view.lex["actor_noun"] for k in words):
        mention = view.salient_mention(view.tokens[min(words)].start, {"ORG"})
    return mention


def viewed(view: ArticleView, subject: list[int]) -> Source | None:
    """"ожидания аналитиков … составили $161,2 млн": a subject that is a view has its holder as the source (the
    view is the subject's head, its holder a genitive: "время ожидания доставки" and "прогноз на квартал" hold no
    one's view)."""
    heads = [i for i in subject if view.tokens[i].head not in subject]
    for i in heads[:1]:
        hint = lexicon()["view_noun"].get(view.tokens[i].lemma)
        if hint is None:
            continue
        holders = [c for c in view.children.get(i, []) if view.tokens[c].dep == "nmod" and c > i
                   and view.tokens[c].case == "Gen"
                   and not any(view.tokens[m].dep == "case" for m in view.children.get(c, []))]
        if holders:
            tree = view.subtree(holders[0], set(subject))
            return view.phrase(tree), view.mention_in(tree, {"ORG", "PER"}, person_first=True), hint
    return None


def quoted(view: ArticleView, sentence: list[int]) -> Source | None:
    """«… 99 млрд рублей. Продажи … растут», — говорится в сообщении: a sentence inside a quotation takes the
    speaker named after the quotation closes (in the same paragraph)."""
    tokens = view.tokens
    start = tokens[sentence[0]].start
    paragraph_end = next((b for b in view.breaks if b >= start), len(view.text))
    before = view.text[view.text.rfind("\n", 0, start) + 1:start]
    opened = sum(before.count(q) for q in "«“") - sum(before.count(q) for q in "»”") + before.count('"') % 2
    if opened <= 0 and view.text[start:start + 1] not in {"«", '"', "“"}:
        return None
    k = sentence[-1] + 1
    while k < len(tokens) and tokens[k].start < paragraph_end:
        if tokens[k].text in {"»", '"', "”"} and k + 2 < len(tokens) and tokens[k + 1].text in {",", "—", "–", "-"}:
            after = [j for j in range(k + 1, min(k + 8, len(tokens))) if tokens[j].lemma in view.lex["speech"]]
            if after:
                found = speaker_of(view, after[0], set(view.sent_tokens[tokens[after[0]].sent]))
                if found and _names_someone(view, found[0]):
                    return view.phrase(found[0]), found[1], view.lex["speech"][tokens[after[0]].lemma]
            return None
        k += 1
    return None


def reported_next(view: ArticleView, sentence: list[int]) -> Source | None:
    """"… Об этом сообщил X.", "Такие данные приводит X.", "Такими данными поделился … X", "Об этом стало известно
    из отчёта X", "…, сообщили «Известиям» со ссылкой на ретейлеров": the next sentence of the paragraph, with no
    amount of its own, that points back at this one and names who said it ("со ссылкой на X" first, then the
    speech verb's subject, then the document or office it names)."""
    tokens = view.tokens
    last = sentence[-1]
    following = [i for i in view.sent_tokens.get(tokens[last].sent + 1, []) if tokens[i].pos != "PUNCT"]
    if len(following) < 3 or view.text.count("\n\n", tokens[last].stop, tokens[following[0]].start):
        return None
    start, stop = tokens[following[0]].start, tokens[following[-1]].stop
    if any(start <= a.start < stop for a in view.amounts):
        return None  # a sentence of figures of its own is no attribution of this one
    words = [tokens[i].lower for i in following[:4]]
    lemmas = {tokens[i].lemma for i in following}
    if not (words[:2] == ["об", "этом"] or words[0] in word_set("back_pointer") or (lemmas & word_set("back_noun") and (
            {tokens[i].lower for i in following[:3]} & word_set("back_pointer")))):
        return None
    reference = _reference_to(view, following)
    if reference:
        return reference
    pointers = {i for i in following if tokens[i].lemma in word_set("back_noun")}
    for verb in (i for i in following if tokens[i].lemma in view.lex["speech"] | view.lex["report_verb"]):
        hint = view.lex["speech"].get(tokens[verb].lemma, "fact")
        found = speaker_of(view, verb, set(view.sent_tokens[tokens[verb].sent]))
        if found and set(found[0]) & pointers:  # "Такие оценки содержатся в обзоре X": the document, not the data
            found = document_of(view, verb, set(view.sent_tokens[tokens[verb].sent]))
        if found and _names_someone(view, found[0]):
            mention = found[1] or _apposed_person(view, found[0])
            return view.phrase(found[0]), mention, hint
    return None


def document_of(view: ArticleView, verb: int, sentence: set[int]) -> tuple[list[int], Mention | None] | None:
    """The document or office in the verb's "в/из X" phrase ("содержатся в обзоре агентства X")."""
    tokens = view.tokens
    for c in sorted(view.children.get(verb, [])):
        marker = {tokens[m].lower for m in view.children.get(c, []) if tokens[m].dep == "case"}
        if marker & {"в", "во", "из"} and tokens[c].lemma in view.lex["document"]:
            words = [k for k in view.subtree(c, sentence) if abs(k - c) <= 8 and tokens[k].lower not in {"в", "во", "из"}]
            return words, _publisher(view, words)
    return None


def _reference_to(view: ArticleView, sentence: list[int]) -> Source | None:
    """"со ссылкой на X" in a sentence: X (a newspaper citing retailers quotes the retailers)."""
    tokens = view.tokens
    for i in sentence:
        if tokens[i].lower == "ссылкой" and i > 0 and tokens[i - 1].lower == "со" and tokens[i + 1].lower == "на":
            rest = []
            for k in range(i + 2, min(i + 10, len(tokens))):
                if tokens[k].sent != tokens[i].sent or tokens[k].text in {",", ".", ";", "—", "–"} or tokens[k].pos in {
                        "VERB", "AUX"}:
                    break
                rest.append(k)
            if rest:
                return view.phrase(rest), view.mention_in(rest, {"ORG", "PER"}, person_first=True), "fact"
    return None

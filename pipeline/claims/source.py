"""The source slot: who says it.

"по оценкам/словам/данным X" ("по его словам" → the person last named; opening the sentence it covers every
clause, inside a clause only that clause), else the subject of a speech verb ("заявил Хуанг", "Аналитики
ожидают"; "Как рассказал … X," with the speaker after the verb; the subject of "оценивают" when its object is the
measured thing), a person named in it before their company. Also returns the modality the attribution implies.
"""

from __future__ import annotations

from pipeline.claims.article import ArticleView
from pipeline.claims.subject import syntactic_subject
from pipeline.claims.words import PRONOUNS
from pipeline.records import Mention


def source_of(view: ArticleView, sentence: list[int], predicate: int | None, subject: list[int],
              clause: int | None = None) -> tuple[str | None, Mention | None, str]:
    """(source text, its entity mention, modality hint) for a claim in `clause` of the sentence."""
    tokens = view.tokens
    in_sentence = set(sentence)
    first_clause = view.clause_of[sentence[0]]
    for i in sentence:
        if i not in view.attributions:
            continue
        if clause is not None and view.clause_of[i] not in {clause, first_clause}:
            continue
        if clause is not None and view.clause_of[i] == first_clause != clause and i != sentence[0]:
            continue  # inside the first clause, not opening the sentence: that clause's own source
        pronoun, word, rest = view.attributions[i]
        start = tokens[i].start
        if pronoun:  # "По его словам": the person (or organisation) the article last named
            return tokens[i + 1].text, view.latest_mention(start, PRONOUNS[pronoun]), view.lex["attribution"][word]
        if not rest:
            continue
        mention = view.mention_in(rest, {"ORG", "PER"}, person_first=True)
        if mention is None and tokens[rest[0]].lower in PRONOUNS:
            mention = view.latest_mention(start, PRONOUNS[tokens[rest[0]].lower])
        return view.phrase(rest), mention, view.lex["attribution"][word]
    for i in sentence:
        tok = tokens[i]
        # a speech verb other than the predicate; or the predicate itself when its object is the measured
        # thing ("Аналитики ЦСР оценивают рынок в 205 млрд": the analysts are the source)
        if tok.lemma in view.lex["speech"] and (i != predicate or tok.lemma in view.lex["subject_role"]):
            speaker = syntactic_subject(view, i, in_sentence, set())
            if not speaker:  # "Как рассказал на презентации руководитель … Колесов, …": the speaker follows
                after = [k for k in view.clause_tokens[view.clause_of[i]] if k > i and view.nominative_noun(k)]
                if after:
                    clause_set = set(view.clause_tokens[view.clause_of[i]])
                    speaker = [k for k in view.subtree(after[0], clause_set) if abs(k - after[0]) <= 8]
            if speaker and not set(speaker) & set(subject):
                return (view.phrase(speaker), view.mention_in(speaker, {"ORG", "PER"}, person_first=True),
                        view.lex["speech"][tok.lemma])
    return None, None, "fact"

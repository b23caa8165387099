"""Claim records from candidates: every slot module asked in turn, one `Claim` and its `ClaimAmount` links per
candidate, sentence by sentence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pipeline.claims.article import ArticleView
from pipeline.claims.candidates import (
    Group,
    group_amounts,
    object_of,
    predicate_of,
    primary_amount,
)
from pipeline.claims.chooser import Candidate, choose, chooser_model, subject_candidates
from pipeline.claims.confidence import claim_features, score
from pipeline.claims.coref import antecedent_of, is_pronoun
from pipeline.claims.modality import modality_in_time, modality_of, negated, planned_money
from pipeline.claims.relation import relation_of
from pipeline.claims.relation_choice import relation_candidates
from pipeline.claims.source import source_of
from pipeline.claims.subject import antecedent, entity_for, subject_tokens, syntactic_subject
from pipeline.claims.time import time_of
from pipeline.claims.words import SCALE_LEMMAS
from pipeline.records import Amount, Claim, ClaimAmount


INSTITUTIONS = {"правительство", "министерство", "власть", "государство", "ведомство", "регулятор", "администрация"}


@dataclass
class ClaimTrace:
    """How one claim was decided, for training: its confidence features and its subject candidates (`chosen`: the
    index of the one used)."""

    confidence: dict[str, float]
    subject: list[Candidate]
    chosen: int | None
    relation: list[Candidate] = field(default_factory=list)


def build_claims(view: ArticleView, features: list[ClaimTrace] | None = None
                 ) -> tuple[list[Claim], list[ClaimAmount]]:
    """Claims and their amount links; `features`, when given, receives each claim's `ClaimTrace`."""
    claims, links = [], []
    by_sentence: dict[int, list[Amount]] = defaultdict(list)
    for amount in sorted(view.amounts, key=lambda a: a.start):
        k = view.token_at(amount.start)
        if k is not None:
            by_sentence[view.tokens[k].sent].append(amount)
    for sent, sentence_amounts in sorted(by_sentence.items()):
        sentence = view.sent_tokens[sent]
        if not has_words(view, sentence, sentence_amounts):
            continue  # "2024 15 300": numbers alone claim nothing
        for group in group_amounts(view, sentence_amounts):
            claim, claim_links, trace = make_claim(view, group, sentence, features)
            if features is not None:
                features.append(trace)
            claims.append(claim)
            links += claim_links
    return claims, links


def has_words(view: ArticleView, sentence: list[int], amounts: list[Amount]) -> bool:
    """The sentence has a word of three letters or more outside its amounts."""
    inside = {i for a in amounts for i in view.span_tokens(a.start, a.stop)}
    return any(i not in inside and sum(ch.isalpha() for ch in view.tokens[i].text) >= 3 for i in sentence)


def make_claim(view: ArticleView, group: Group, sentence: list[int], features: list | None = None
               ) -> tuple[Claim, list[ClaimAmount], ClaimTrace]:
    tokens = view.tokens
    ev_start, ev_stop = tokens[sentence[0]].start, tokens[sentence[-1]].stop
    primary = primary_amount(view, group.amounts)
    # never a subject: the numbers of the sentence's amounts; a counted noun may be ("Запуск 16 низкоорбитальных
    # спутников" is about the satellites, "три кампуса … мощностью 4,5 ГВт" about the campuses)
    in_sentence = [a for a in view.amounts if view.token_at(a.start) is not None
                   and tokens[view.token_at(a.start)].sent == tokens[sentence[0]].sent]
    amount_tokens = {i for a in in_sentence for i in view.span_tokens(a.start, a.stop)
                     if not (a.kind == "count" and tokens[i].pos in {"NOUN", "PROPN", "ADJ"}
                             and tokens[i].lemma not in SCALE_LEMMAS)}
    predicate = predicate_of(view, primary)
    subject, subject_how = subject_tokens(view, group.clause, predicate, sentence, primary, amount_tokens)
    candidates = subject_candidates(view, sentence, group.clause, predicate, primary, amount_tokens, subject,
                                    subject_how)
    chosen = choose(candidates, chooser_model())
    if chosen is not None and chosen.tokens != subject:
        subject, subject_how = chosen.tokens, "chooser"
    chosen_index = next((k for k, c in enumerate(candidates) if c.tokens == subject), None)
    if features is not None:  # training: the text and entity each candidate would be scored with
        for c in candidates:
            referred_to = antecedent(view, c.tokens)
            text, mention = (referred_to[0], referred_to[1]) if referred_to else (None, entity_for(view, c.tokens))
            c.text, c.entity = text or view.phrase(c.tokens), mention.canonical if mention else None
    subject_text, subject_mention = view.phrase(subject) or None, entity_for(view, subject)
    referred = antecedent(view, subject)
    subject_for_relation = subject
    if referred is not None:
        subject_text, subject_mention, subject_for_relation = referred[0] or subject_text, referred[1], referred[2]
    if subject_mention is not None:
        view.subject_history.append(subject_mention)
    view.claim_subjects.append((subject_text, subject_mention, subject_for_relation))
    source_text, source_mention, hint, source_how = source_of(view, sentence, predicate, subject, group.clause,
                                                              view.token_at(primary.start))
    modality = modality_of(view, sentence, predicate, subject_mention, hint, group.clause)
    time_start, time_end, time_source = time_of(view, group.clause, view.token_at(primary.start), predicate)
    paragraph, sent = view.paragraph_of(ev_start), tokens[sentence[0]].sent
    in_paragraph = [r for r in view.claim_relations if r[0] == paragraph]
    previous = in_paragraph[-1] if in_paragraph else None
    neighbour = previous[3] if previous and previous[1:3] == (sent, primary.kind) else None
    # "Выручка … $51,2 млрд (98% дохода). Прогноз на квартал – $56–59 млрд": the last claim of the same kind
    carried = next((r[3] for r in reversed(in_paragraph) if r[2] == primary.kind), previous[3] if previous else None)
    if subject_for_relation and is_pronoun(view, subject_for_relation[0]) and len(subject_for_relation) == 1:
        subject_for_relation = antecedent_of(view, subject_for_relation[0]) or subject_for_relation  # "они рухнули"
    relation, relation_how = relation_of(view, subject_for_relation, predicate, primary, modality, group.clause,
                                         carried, neighbour, group.amounts + group.comparison)
    relation_model = chooser_model("relation")
    relations = []
    if relation_model is not None or features is not None:  # candidates cost time: only for a model or training
        relations = relation_candidates(view, subject_for_relation, predicate, primary, group.clause, carried,
                                        neighbour, group.amounts + group.comparison, modality, relation, relation_how)
    picked = choose(relations, relation_model)
    if picked is not None and picked.text != relation:
        relation, relation_how = picked.text, "chooser"
    view.claim_relations.append((paragraph, sent, primary.kind, relation))
    pred_tok = tokens[predicate] if predicate is not None else None
    future = pred_tok is not None and (pred_tok.tense == "Fut" or (pred_tok.tense == "Pres" and pred_tok.aspect == "Perf"))
    forecast_words = hint == "forecast" or bool({tokens[i].lemma for i in sentence} & set(view.lex["modal"]))
    impersonal = (modality == "forecast" and relation in {"spend", "invest"} and pred_tok is not None
                  and pred_tok.pos == "VERB" and not syntactic_subject(view, predicate, set(sentence), set()))
    heads = [i for i in subject if tokens[i].head not in subject]
    institution = bool(heads) and (tokens[heads[0]].lemma in INSTITUTIONS or (
        tokens[heads[0]].lemma in view.lex["actor_noun"] and tokens[heads[0]].pos == "NOUN"))
    modality = planned_money(modality, relation, future, forecast_words, subject_mention, impersonal, institution)
    modality = modality_in_time(modality, time_start, time_end, time_source, view.published_at, forecast_words)
    comparison_value = group.comparison[0].value_max if group.comparison else None
    claim_id = f"{view.article_id}:c{primary.start}-{primary.stop}"
    confidence_features = claim_features(
        subject_how=subject_how, subject_entity=subject_mention is not None, subject_resolved=referred is not None,
        predicate_found=predicate is not None,
        predicate_in_clause=predicate is not None and view.clause_of[predicate] == group.clause,
        relation_how=relation_how, relation=relation, time_source=time_source, source_how=source_how,
        source_entity=source_mention is not None, modality=modality, kind=primary.kind,
        sentence_amounts=len(in_sentence), group_size=len(group.amounts), sentence_words=len(sentence),
        clause_amounts=sum(view.clause_of[view.token_at(a.start)] == group.clause for a in in_sentence),
        subject_words=len(subject), comparison=bool(group.comparison),
        title=tokens[sentence[0]].sent == 0 and not view.text[ev_start:ev_stop].rstrip().endswith((".", "!", "?")))
    claim = Claim(
        claim_id=claim_id, article_id=view.article_id, sent_index=tokens[sentence[0]].sent,
        evidence=view.text[ev_start:ev_stop], evidence_start=ev_start, evidence_stop=ev_stop,
        subject=subject_text, subject_entity_id=subject_mention.entity_id if subject_mention else None,
        subject_entity=subject_mention.canonical if subject_mention else None,
        predicate=tokens[predicate].lemma if predicate is not None else None,
        relation=relation, object=object_of(view, group),
        value=primary.value, value_min=primary.value_min, value_max=primary.value_max, unit=primary.unit,
        currency=primary.currency, qualifier=primary.qualifier, amount_id=primary.amount_id,
        time_start=time_start, time_end=time_end, time_source=time_source,
        source=source_text, source_entity_id=source_mention.entity_id if source_mention else None,
        source_entity=source_mention.canonical if source_mention else None,
        modality=modality, negated=negated(view, predicate), comparison=group.comparison_text,
        comparison_multiplier=comparison_value if group.comparison and group.comparison[0].kind == "multiplier" else None,
        confidence=score(confidence_features),
        subject_mention_id=subject_mention.mention_id if subject_mention else None,
        source_mention_id=source_mention.mention_id if source_mention else None,
    )
    ordered = [primary] + [a for a in group.amounts if a is not primary]
    links = [ClaimAmount(claim_id, a.amount_id, view.article_id, rank, "primary" if rank == 0 else "secondary")
             for rank, a in enumerate(ordered)]
    links += [ClaimAmount(claim_id, a.amount_id, view.article_id, len(ordered) + k, "comparison")
              for k, a in enumerate(group.comparison)]
    return claim, links, ClaimTrace(confidence_features, candidates, chosen_index, relations)

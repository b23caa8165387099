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
from pipeline.claims.earlier import EarlierClaims
from pipeline.claims.modality import modality_in_time, modality_of, negated, planned_money
from pipeline.claims.relation import relation_of
from pipeline.claims.relation_choice import relation_candidates
from pipeline.claims.source import source_of
from pipeline.claims.subject import antecedent, entity_for, subject_tokens, syntactic_subject
from pipeline.claims.time import time_of
from pipeline.claims.words import word_set
from pipeline.records import Amount, Claim, ClaimAmount, Mention


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
    claims, links, earlier = [], [], EarlierClaims()
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
            claim, claim_links, trace = make_claim(view, group, sentence, earlier, features)
            if features is not None:
                features.append(trace)
            claims.append(claim)
            links += claim_links
    return claims, links


def has_words(view: ArticleView, sentence: list[int], amounts: list[Amount]) -> bool:
    """The sentence has a word of three letters or more outside its amounts."""
    inside = {i for a in amounts for i in view.span_tokens(a.start, a.stop)}
    return any(i not in inside and sum(ch.isalpha() for ch in view.tokens[i].text) >= 3 for i in sentence)


def make_claim(view: ArticleView, group: Group, sentence: list[int], earlier: EarlierClaims,
               features: list | None = None) -> tuple[Claim, list[ClaimAmount], ClaimTrace]:
    """One claim: its subject (rules, then the chooser, then what a pronoun refers to), source, modality, time and
    relation, each asked of its module in this order; its links to its amounts; and how it was decided."""
    tokens = view.tokens
    primary = primary_amount(view, group.amounts)
    in_sentence, amount_tokens = _sentence_amounts(view, sentence)
    predicate = predicate_of(view, primary)
    subject, subject_how, candidates, chosen_index = _subject(view, group, sentence, predicate, primary,
                                                              amount_tokens, earlier, features is not None)
    who = _resolved_subject(view, subject, earlier)
    source_text, source_mention, hint, source_how = source_of(view, sentence, predicate, subject, group.clause,
                                                              view.token_at(primary.start))
    modality = modality_of(view, sentence, predicate, who.mention, hint, group.clause)
    time_start, time_end, time_source = time_of(view, group.clause, view.token_at(primary.start), predicate)
    relation, relation_how, relations = _relation(view, group, sentence, primary, predicate, who.for_relation,
                                                  modality, earlier, features is not None)
    forecast_words = hint == "forecast" or bool({tokens[i].lemma for i in sentence} & set(view.lex["modal"]))
    modality = _modality_with_money_and_time(view, sentence, predicate, subject, who.mention, modality, relation,
                                             forecast_words, time_start, time_end, time_source)
    ev_start, ev_stop = tokens[sentence[0]].start, tokens[sentence[-1]].stop
    claim_id = f"{view.article_id}:c{primary.start}-{primary.stop}"
    confidence_features = claim_features(
        subject_how=subject_how, subject_entity=who.mention is not None, subject_resolved=who.referred,
        predicate_found=predicate is not None,
        predicate_in_clause=predicate is not None and view.clause_of[predicate] == group.clause,
        relation_how=relation_how, relation=relation, time_source=time_source, source_how=source_how,
        source_entity=source_mention is not None, modality=modality, kind=primary.kind,
        sentence_amounts=len(in_sentence), group_size=len(group.amounts), sentence_words=len(sentence),
        clause_amounts=sum(view.clause_of[view.token_at(a.start)] == group.clause for a in in_sentence),
        subject_words=len(subject), comparison=bool(group.comparison),
        title=tokens[sentence[0]].sent == 0 and not view.text[ev_start:ev_stop].rstrip().endswith((".", "!", "?")))
    comparison_value = group.comparison[0].value_max if group.comparison else None
    claim = Claim(
        claim_id=claim_id, article_id=view.article_id, sent_index=tokens[sentence[0]].sent,
        evidence=view.text[ev_start:ev_stop], evidence_start=ev_start, evidence_stop=ev_stop,
        subject=who.text, subject_entity_id=who.mention.entity_id if who.mention else None,
        subject_entity=who.mention.canonical if who.mention else None,
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
        subject_mention_id=who.mention.mention_id if who.mention else None,
        source_mention_id=source_mention.mention_id if source_mention else None,
    )
    return claim, _links(view, claim_id, primary, group), ClaimTrace(confidence_features, candidates, chosen_index,
                                                                     relations)


def _sentence_amounts(view: ArticleView, sentence: list[int]) -> tuple[list[Amount], set[int]]:
    """The sentence's amounts and their tokens, which are never a subject: the numbers, not a counted noun
    ("Запуск 16 низкоорбитальных спутников" is about the satellites, "три кампуса … мощностью 4,5 ГВт" about the
    campuses)."""
    tokens = view.tokens
    in_sentence = [a for a in view.amounts if view.token_at(a.start) is not None
                   and tokens[view.token_at(a.start)].sent == tokens[sentence[0]].sent]
    amount_tokens = {i for a in in_sentence for i in view.span_tokens(a.start, a.stop)
                     if not (a.kind == "count" and tokens[i].pos in {"NOUN", "PROPN", "ADJ"}
                             and tokens[i].lemma not in word_set("scale_lemma"))}
    return in_sentence, amount_tokens


def _subject(view: ArticleView, group: Group, sentence: list[int], predicate: int | None, primary: Amount,
             amount_tokens: set[int], earlier: EarlierClaims, training: bool
             ) -> tuple[list[int], str, list[Candidate], int | None]:
    """The subject's tokens and how they were found: the rules propose, the chooser may pick another candidate.
    In training, each candidate carries the text and entity it would be scored with."""
    subject, subject_how = subject_tokens(view, group.clause, predicate, sentence, primary, amount_tokens, earlier)
    candidates = subject_candidates(view, sentence, group.clause, predicate, primary, amount_tokens, subject,
                                    subject_how)
    chosen = choose(candidates, chooser_model())
    if chosen is not None and chosen.tokens != subject:
        subject, subject_how = chosen.tokens, "chooser"
    chosen_index = next((k for k, c in enumerate(candidates) if c.tokens == subject), None)
    if training:
        for c in candidates:
            referred_to = antecedent(view, c.tokens, earlier)
            text, mention = ((referred_to[0], referred_to[1]) if referred_to
                             else (None, entity_for(view, c.tokens, earlier)))
            c.text, c.entity = text or view.phrase(c.tokens), mention.canonical if mention else None
    return subject, subject_how, candidates, chosen_index


@dataclass
class _Subject:
    text: str | None
    mention: Mention | None
    for_relation: list[int]  # the tokens whose words name the measure ("его мощность" → the referent's)
    referred: bool  # a pronoun or "компания" resolved to what it stands for


def _resolved_subject(view: ArticleView, subject: list[int], earlier: EarlierClaims) -> _Subject:
    """What the subject stands for (a pronoun, "компания": its antecedent), remembered for the claims after it."""
    who = _Subject(view.phrase(subject) or None, entity_for(view, subject, earlier), subject, False)
    referred = antecedent(view, subject, earlier)
    if referred is not None:
        who = _Subject(referred[0] or who.text, referred[1], referred[2], True)
    if who.mention is not None:
        earlier.subject_entities.append(who.mention)
    earlier.subjects.append((who.text, who.mention, who.for_relation))
    return who


def _relation(view: ArticleView, group: Group, sentence: list[int], primary: Amount, predicate: int | None,
              subject: list[int], modality: str, earlier: EarlierClaims, training: bool
              ) -> tuple[str, str, list[Candidate]]:
    """The relation class and how it was found; the claims before it in the paragraph lend theirs when nothing
    names the measure ("Выручка … $51,2 млрд (98% дохода). Прогноз на квартал – $56–59 млрд": the last claim of the
    same kind)."""
    tokens = view.tokens
    paragraph, sent = view.paragraph_of(tokens[sentence[0]].start), tokens[sentence[0]].sent
    in_paragraph = [r for r in earlier.relations if r[0] == paragraph]
    previous = in_paragraph[-1] if in_paragraph else None
    neighbour = previous[3] if previous and previous[1:3] == (sent, primary.kind) else None
    carried = next((r[3] for r in reversed(in_paragraph) if r[2] == primary.kind), previous[3] if previous else None)
    if subject and is_pronoun(view, subject[0]) and len(subject) == 1:
        subject = antecedent_of(view, subject[0]) or subject  # "они рухнули"
    amounts = group.amounts + group.comparison
    relation, relation_how = relation_of(view, subject, predicate, primary, modality, group.clause, carried,
                                         neighbour, amounts)
    relation_model = chooser_model("relation")
    relations = []
    if relation_model is not None or training:  # candidates cost time: only for a model or training
        relations = relation_candidates(view, subject, predicate, primary, group.clause, carried, neighbour, amounts,
                                        modality, relation, relation_how)
    picked = choose(relations, relation_model)
    if picked is not None and picked.text != relation:
        relation, relation_how = picked.text, "chooser"
    earlier.relations.append((paragraph, sent, primary.kind, relation))
    return relation, relation_how, relations


def _modality_with_money_and_time(view: ArticleView, sentence: list[int], predicate: int | None, subject: list[int],
                                  mention: Mention | None, modality: str, relation: str, forecast_words: bool,
                                  time_start, time_end, time_source: str) -> str:
    """The modality once the relation and the time are known: a party's own future spending is a plan, and a
    figure about a period wholly past or wholly to come agrees with it (`pipeline.claims.modality`)."""
    tokens = view.tokens
    pred_tok = tokens[predicate] if predicate is not None else None
    future = pred_tok is not None and (pred_tok.tense == "Fut" or (pred_tok.tense == "Pres" and pred_tok.aspect == "Perf"))
    impersonal = (modality == "forecast" and relation in {"spend", "invest"} and pred_tok is not None
                  and pred_tok.pos == "VERB" and not syntactic_subject(view, predicate, set(sentence), set()))
    heads = [i for i in subject if tokens[i].head not in subject]
    institution = bool(heads) and (tokens[heads[0]].lemma in word_set("institution") or (
        tokens[heads[0]].lemma in view.lex["actor_noun"] and tokens[heads[0]].pos == "NOUN"))
    modality = planned_money(modality, relation, future, forecast_words, mention, impersonal, institution)
    return modality_in_time(modality, time_start, time_end, time_source, view.published_at, forecast_words)


def _links(view: ArticleView, claim_id: str, primary: Amount, group: Group) -> list[ClaimAmount]:
    """The claim's amounts: the primary one first, the rest of its group, then what it is compared with."""
    ordered = [primary] + [a for a in group.amounts if a is not primary]
    links = [ClaimAmount(claim_id, a.amount_id, view.article_id, rank, "primary" if rank == 0 else "secondary")
             for rank, a in enumerate(ordered)]
    return links + [ClaimAmount(claim_id, a.amount_id, view.article_id, len(ordered) + k, "comparison")
                    for k, a in enumerate(group.comparison)]

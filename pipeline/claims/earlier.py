"""What a claim may take from the claims of its article built before it, passed from claim to claim (the article
view itself never changes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.records import Mention


@dataclass
class EarlierClaims:
    """The claims of one article so far, in the order they were built:

    - `subject_entities`: the entities that were subjects ("компания" further on stands for the last organisation);
    - `subjects`: each claim's subject as (phrase, entity, tokens) ("этот показатель", a gapped clause);
    - `relations`: each claim's (paragraph, sentence, primary amount kind, relation), for a claim whose sentence
      names no measure of its own.
    """

    subject_entities: list[Mention] = field(default_factory=list)
    subjects: list[tuple[str | None, Mention | None, list[int]]] = field(default_factory=list)
    relations: list[tuple[int, int, str, str]] = field(default_factory=list)

    def last_subject(self) -> tuple[str | None, Mention | None, list[int]] | None:
        return self.subjects[-1] if self.subjects else None

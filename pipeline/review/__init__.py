"""The review site: static pages to judge the extraction by eye (`site.write_review`). No Prefect here."""

from pipeline.review.site import write_review

__all__ = ["write_review"]

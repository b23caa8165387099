"""The review site: static pages to judge the extraction by eye (`site.write_review`). No Prefect here."""

from pipeline.review.site import SiteError, write_review

__all__ = ["SiteError", "write_review"]

"""Screenshots of the review site for the README (`make screenshots`): the index and one article page, taken in
the system's Chromium through playwright. Usage: python scripts/screenshots.py [OUT] [--to docs]"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", default=str(ROOT / "processed"))
    parser.add_argument("--to", default=str(ROOT / "docs"))
    parser.add_argument("--article", default="001_tsmc_arizona.txt", help="file name of the article to show")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no Chromium installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from pipeline.review import write_review
    from pipeline.store import read

    site = Path(write_review(args.store)["site"])
    articles = read(args.store, "articles").to_pandas()
    chosen = articles[articles.source_id == args.article]
    article_id = (chosen if len(chosen) else articles).article_id.iloc[0]
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1300})
        for name, path in (("review-index.png", site / "index.html"),
                           ("review-article.png", site / "articles" / f"{article_id}.html")):
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(Path(args.to) / name))
            print(Path(args.to) / name)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The README and the pages under docs/ name only things that exist: local links, repository paths, `make`
targets and `pipeline` subcommands (a renamed module or command fails here, not in a newcomer's shell)."""

import re
from pathlib import Path

import pytest

from pipeline.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "models" / "README.md"]
TOP = ("pipeline", "tests", "scripts", "models", "gold", "docs", "raw")
PATH = re.compile(r"`(?:\.venv/bin/python |python )?((?:%s)/[^`\s]*)`" % "|".join(TOP))
LINK = re.compile(r"\]\(([^)\s]+)\)")
MAKE = re.compile(r"\bmake ([a-z]+)\b")
COMMAND = re.compile(r"(?:python -m pipeline|\.venv/bin/pipeline|`pipeline) ([a-z][a-z-]+)")


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return set(action.choices)


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z]+):", makefile, flags=re.M))


def _exists(relative: str) -> bool:
    """A path as the docs write it: placeholders (`<doc_id>`) and globs match at least one file."""
    relative = relative.rstrip(".,;:)").split("#")[0].split("::")[0]
    pattern = re.sub(r"<[^>]*>", "*", relative)
    if "*" in pattern:
        return any(ROOT.glob(pattern))
    return (ROOT / pattern).exists()


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_local_link_resolves(page):
    text = page.read_text(encoding="utf-8")
    broken = [t for t in LINK.findall(text)
              if not t.startswith(("http://", "https://", "#", "mailto:")) and not (page.parent / t.split("#")[0]).exists()]
    assert not broken, f"{_page_id(page)} links to missing files: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_repository_path_exists(page):
    text = page.read_text(encoding="utf-8")
    missing = sorted({p for p in PATH.findall(text) if not _exists(p)})
    assert not missing, f"{_page_id(page)} names paths that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_make_target_and_subcommand_exists(page):
    text = page.read_text(encoding="utf-8")
    targets, commands = _make_targets(), _subcommands()
    assert not sorted(set(MAKE.findall(text)) - targets), f"{_page_id(page)}: unknown make targets"
    assert not sorted(set(COMMAND.findall(text)) - commands), f"{_page_id(page)}: unknown pipeline subcommands"


def test_the_readme_is_short_and_in_a_newcomers_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= 10_000
    order = [readme.index(h) for h in ("## Two commands", "## Look at the results", "## Query them", "## Serve",
                                       "## Known limitations")]
    assert order == sorted(order)

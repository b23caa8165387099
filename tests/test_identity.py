"""No article silently replaced or brought back: each test is a user action on a temp folder, run through the
`process_articles` flow (the session's temporary Prefect server). Identity rules: `pipeline.identity`."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline.flows import process_articles
from pipeline.identity import file_key, record_key, url_key, version_hash
from pipeline.store import read

pytestmark = pytest.mark.usefixtures("prefect_harness")

BODIES = [
    "Компания «Северный Ветер» в третьем квартале увеличила выручку на 14% до 9,5 млрд рублей.",
    "Оператор «Синяя Линия» потратил на строительство базовых станций 2 млрд рублей за год.",
    "Разработчик «Облачный Город» привлёк 300 млн рублей от фонда «Вектор» для выхода в Казахстан.",
    "Продажи смартфонов марки «Листопад» в октябре выросли вдвое, сообщил аналитик «Цифровой Среды».",
    "Производитель серверов «Кедр» получил заказ на 1,2 млрд рублей от банка «Прибой».",
    "Стартап «Звёздный Путь» сократил убыток на 40% по итогам первого полугодия.",
]


@pytest.fixture(autouse=True)
def input_root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PIPELINE_INPUT_ROOT", str(tmp_path))
    return tmp_path


def write_txt(path: Path, day: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f" date {day}\n{body}\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def run(out: Path, *inputs) -> dict:
    return process_articles(inputs=[str(i) for i in inputs], out_dir=str(out))


def articles(out: Path):
    return read(out, "articles").to_pandas().set_index("source_key")


def file_state(out: Path) -> dict[str, tuple[int, int]]:
    """Every regular file under the output folder with its size and modification time."""
    return {str(p.relative_to(out)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(out.rglob("*"))
            if p.is_file()}


# --- the rules, as pure functions ----------------------------------------------------------------------


def test_file_keys_name_the_real_file_relative_to_the_root(tmp_path, monkeypatch):
    (tmp_path / "feeds" / "x").mkdir(parents=True)
    target = write_txt(tmp_path / "feeds" / "x" / "news.txt", "2025-01-01", BODIES[0])
    (tmp_path / "link.txt").symlink_to(target)
    monkeypatch.chdir(tmp_path / "feeds")
    spellings = [target, Path("x/news.txt"), Path("./x/../x/news.txt"), tmp_path / "link.txt"]
    assert {file_key(p, tmp_path) for p in spellings} == {"feeds/x/news.txt"}
    assert file_key(target, tmp_path / "elsewhere") == target.resolve().as_posix()  # outside the root: absolute


@pytest.mark.parametrize(("url", "key"), [
    ("https://Example.RU/news/1?id=2#comments", "https://example.ru/news/1?id=2"),
    ("  https://example.ru/a  ", "https://example.ru/a"),
    ("", None),
    (None, None),
    ("не адрес#якорь", "не адрес"),
])
def test_url_keys(url, key):
    assert url_key(url) == key


@pytest.mark.parametrize(("line", "record_id", "url", "key"), [
    (3, "17", None, "d/monday.jsonl#id=17"),
    (3, None, None, "d/monday.jsonl#line=3"),
    (3, "17", "https://example.ru/a", "https://example.ru/a"),
])
def test_record_keys(line, record_id, url, key):
    assert record_key("d/monday.jsonl", line, record_id, url) == key


def test_the_version_covers_text_and_metadata():
    base = version_hash("Текст", "Заголовок", date(2025, 1, 1), None)
    assert base == version_hash("Текст", "Заголовок", date(2025, 1, 1), None)
    assert len({base, version_hash("Текст!", "Заголовок", date(2025, 1, 1), None),
                version_hash("Текст", "Заголовок", date(2025, 1, 2), None),
                version_hash("Текст", "Заголовок", date(2025, 1, 1), "https://example.ru/a"),
                version_hash("Текст", "Другой", date(2025, 1, 1), None)}) == 5


# --- 1. same file name in two folders --------------------------------------------------------------------


def test_same_file_name_in_two_folders_stays_two_articles(tmp_path, monkeypatch):
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    x = write_txt(feeds / "x" / "news.txt", "2025-03-01", BODIES[0])
    write_txt(feeds / "y" / "news.txt", "2025-03-02", BODIES[1])
    run(out, feeds)
    y_before = articles(out).loc["feeds/y/news.txt"]

    write_txt(x, "2025-03-01", BODIES[2])  # the editor corrects x/news.txt
    run(out, feeds)
    stored = articles(out)
    assert sorted(stored.index) == ["feeds/x/news.txt", "feeds/y/news.txt"]
    assert stored.loc["feeds/y/news.txt"].article_id == y_before.article_id
    assert BODIES[2] in stored.loc["feeds/x/news.txt"].text

    write_txt(x, "2025-03-01", BODIES[3])  # and again; this time the file alone, by its absolute path
    run(out, x.resolve())
    stored = articles(out)
    assert sorted(stored.index) == ["feeds/x/news.txt", "feeds/y/news.txt"]
    assert BODIES[3] in stored.loc["feeds/x/news.txt"].text

    monkeypatch.chdir(feeds)  # the same file by a relative path: the same source, already stored
    summary = run(out, "x/news.txt")
    assert (summary["processed"], summary["skipped"]) == (0, 1)


# --- 2. JSONL ids reused across files --------------------------------------------------------------------


def test_daily_exports_numbering_from_one_keep_every_day(tmp_path):
    out = tmp_path / "out"
    monday = write_jsonl(tmp_path / "exports" / "monday.jsonl",
                         [{"id": i, "published_at": "2025-04-07", "text": BODIES[i]} for i in (1, 2, 3)])
    tuesday = write_jsonl(tmp_path / "exports" / "tuesday.jsonl",
                          [{"id": i, "published_at": "2025-04-08", "text": BODIES[i - 1]} for i in (1, 2, 3)])
    run(out, monday)
    run(out, tuesday)
    keys = sorted(articles(out).index)
    assert keys == [f"exports/{day}.jsonl#id={i}" for day in ("monday", "tuesday") for i in (1, 2, 3)]
    assert len(read(out, "mentions").to_pandas().article_id.unique()) >= 5  # Monday's rows are all still there


def test_lines_without_ids_are_keyed_by_line_and_a_url_is_the_same_source_in_any_file(tmp_path):
    out = tmp_path / "out"
    run(out, write_jsonl(tmp_path / "a.jsonl", [{"text": BODIES[0]}, {"url": "https://news.example/1",
                                                                      "published_at": "2025-05-01", "text": BODIES[1]}]))
    run(out, write_jsonl(tmp_path / "b.jsonl", [{"text": BODIES[2]}, {"url": "HTTPS://news.example/1#top",
                                                                      "published_at": "2025-05-02", "text": BODIES[3]}]))
    stored = articles(out)
    assert sorted(stored.index) == ["a.jsonl#line=1", "b.jsonl#line=1", "https://news.example/1"]
    assert BODIES[3] in stored.loc["https://news.example/1"].text  # the later reading of the page replaced it


def test_a_source_twice_in_one_run_keeps_its_last_line(tmp_path):
    out = tmp_path / "out"
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "7", "text": BODIES[0]}, {"id": "8", "text": BODIES[1]},
                                                  {"id": "7", "text": BODIES[2]}])
    summary = run(out, feed)
    stored = articles(out)
    assert sorted(stored.index) == ["feed.jsonl#id=7", "feed.jsonl#id=8"]
    assert BODIES[2] in stored.loc["feed.jsonl#id=7"].text and summary["superseded"] == 1
    again = run(out, feed)  # and it stays that way: no flip-flop between the two lines
    assert (again["processed"], again["superseded"]) == (0, 1)
    assert articles(out).loc["feed.jsonl#id=7"].article_id == stored.loc["feed.jsonl#id=7"].article_id


# --- 3. a corrected publication date ---------------------------------------------------------------------


def test_a_corrected_date_header_is_a_new_version(tmp_path):
    out = tmp_path / "out"
    path = write_txt(tmp_path / "in" / "a.txt", "2025-06-30", BODIES[0])
    run(out, path.parent)
    before = articles(out).loc["in/a.txt"]
    write_txt(path, "2025-07-01", BODIES[0])  # only the date changes
    summary = run(out, path.parent)
    after = articles(out)
    assert summary["processed"] == 1 and len(after) == 1
    assert after.loc["in/a.txt"].published_at == date(2025, 7, 1)
    assert after.loc["in/a.txt"].published_month == "2025-07"
    assert after.loc["in/a.txt"].article_id != before.article_id
    assert set(read(out, "mentions").to_pandas().article_id) == {after.loc["in/a.txt"].article_id}
    assert (read(out, "mentions").to_pandas().published_month == "2025-07").all()


# --- 4. nothing a rebuild can resurrect -----------------------------------------------------------------


def test_a_rebuild_after_deleting_the_output_uses_the_inputs_as_they_are(tmp_path):
    out = tmp_path / "out"
    path = write_txt(tmp_path / "in" / "a.txt", "2025-06-30", BODIES[1])
    run(out, path)
    write_txt(path, "2025-08-15", BODIES[1])  # fix the date ...
    shutil.rmtree(out)                        # ... delete the output, run again with the same PREFECT_HOME
    run(out, path)
    assert list(articles(out).published_at) == [date(2025, 8, 15)]


# --- 7. no-change runs write nothing; one reject per input unit -------------------------------------------


def test_a_no_change_run_writes_nothing_even_with_rejects(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    write_txt(inbox / "good.txt", "2025-02-01", BODIES[4])
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(bytes(range(256)))
    write_jsonl(inbox / "feed.jsonl", [{"id": "1", "text": BODIES[5]}])
    with open(inbox / "feed.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    first = run(out, inbox)
    assert (first["processed"], first["rejected"]) == (2, 3)
    before = file_state(out)
    second = run(out, inbox)
    assert (second["processed"], second["rejected"]) == (0, 3)
    assert file_state(out) == before


def test_one_broken_file_is_one_reject_whatever_path_spelled_it(tmp_path, monkeypatch):
    out = tmp_path / "out"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    monkeypatch.chdir(tmp_path)
    run(out, "in/broken.txt")
    run(out, (tmp_path / "in" / "broken.txt").resolve())
    run(out, "in")
    run(out, "in/broken.txt", tmp_path / "in" / "broken.txt", "./in/../in/broken.txt")
    rejects = read(out, "rejects").to_pandas()
    assert list(rejects.source_key) == ["in/broken.txt"] and list(rejects.reason) == ["binary"]


def test_a_fixed_input_takes_its_reject_away(tmp_path):
    out = tmp_path / "out"
    path = tmp_path / "in" / "a.txt"
    path.parent.mkdir()
    path.write_bytes(b"")
    run(out, path)
    assert len(read(out, "rejects")) == 1
    write_txt(path, "2025-02-01", BODIES[0])
    run(out, tmp_path / "in")
    assert len(read(out, "rejects")) == 0 and list(articles(out).index) == ["in/a.txt"]


# --- a store written before identities: brought up to date, nothing reprocessed ------------------------


def test_a_store_without_identities_gets_them_and_nothing_is_extracted_again(tmp_path, monkeypatch):
    from deltalake import DeltaTable, write_deltalake

    from pipeline.schema import ARTICLES, REJECTS
    from pipeline.store import read_table, table_path
    from pipeline.store.legacy import IDENTITY_COLUMNS, add_new_columns, migrate_identity

    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    write_txt(tmp_path / "in" / "a.txt", "2025-02-01", BODIES[0])
    write_jsonl(tmp_path / "in" / "feed.jsonl", [{"id": "9", "text": BODIES[1]}, {"text": BODIES[2]}])
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    run(out, "in")
    stored = articles(out)
    for table in (ARTICLES, REJECTS):  # the store as an earlier version wrote it: no identity columns
        old = read_table(out, table).drop_columns(list(IDENTITY_COLUMNS[table.name]))
        shutil.rmtree(table_path(out, table))
        write_deltalake(str(table_path(out, table)), old, partition_by=["published_month"] if table is ARTICLES else None)
    assert "source_key" not in DeltaTable(str(table_path(out, ARTICLES))).schema().to_arrow().names
    assert add_new_columns(out) == ["articles", "rejects"]
    assert migrate_identity(out) == ["articles", "rejects"]
    migrated = read_table(out, ARTICLES).to_pandas().set_index("source_key")
    assert sorted(migrated.index) == sorted(stored.index)
    assert (migrated.version_hash == stored.version_hash.reindex(migrated.index)).all()
    assert list(read_table(out, REJECTS).to_pandas().source_key) == ["in/empty.txt"]
    summary = run(out, "in")
    assert (summary["processed"], summary["skipped"]) == (0, 3)

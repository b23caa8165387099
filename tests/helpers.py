"""What several test files share: the project's folders, the developer corpora beside it, a tiny .ann corpus and a
tiny news site of our own, and opening a page in the browser. Fixtures live in conftest.py."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
SHARED_DIR = ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"
FACTRU_DIR = SHARED_DIR / "corpora" / "factru-2016"
NEWS_REAL_DIR = SHARED_DIR / "corpora" / "news-real"

# A tiny .ann corpus in the gold format, written here (our own text): articles under texts/, sources under ann/,
# `article:` paths relative to the corpus root — the layout of news-real.
ANN_ARTICLE = (" date 2025-10-20\n"
               "Компания «Северный Ветер» в третьем квартале продала 120 тыс. смартфонов Breeze 5, сообщает Ведомости.\n\n"
               "Выручка выросла на 14% до 9,5 млрд руб.\n")
ANN_SOURCE = """article: texts/a1.txt
split: dev

E ORG | Северный Ветер
E PRODUCT | Breeze 5
E ORG | Ведомости
A count | 120 тыс. смартфонов | 120e3 | смартфон
A percent | 14% | 14 | percent
A money | 9,5 млрд руб. | 9.5e9 | RUB
T date | третьем квартале | 2025-07-01 | 2025-09-30 | quarter
C supply | 120 тыс. смартфонов | subject=Компания «Северный Ветер» ~ Северный Ветер | pred=продать | time=третьем квартале | source=Ведомости ~ Ведомости
C revenue | 9,5 млрд руб. + 14% | subject=Выручка | pred=вырасти
"""


def write_ann_corpus(root: Path, split: str = "dev") -> Path:
    (root / "texts").mkdir(parents=True, exist_ok=True)
    (root / "ann").mkdir(exist_ok=True)
    (root / "texts" / "a1.txt").write_text(ANN_ARTICLE, encoding="utf-8")
    (root / "ann" / "a1.ann").write_text(ANN_SOURCE.replace("split: dev", f"split: {split}"), encoding="utf-8")
    return root


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def open_page(browser, path: Path):
    """The page at `path`, with what it logged and every request it made."""
    page = browser.new_page()
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


# --- a local news site (127.0.0.1), for feeds and the served ingest ---------------------------------------

PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{day}T10:00:00+03:00"></head>
<body><nav><a href="/">Главная</a> · <a href="/tech">Технологии</a></nav>
<article><h1>{title}</h1>
<p>Компания «Северный Ветер» в третьем квартале увеличила выручку на 14% до 9,5 млрд рублей, сообщил её
финансовый директор Иван Петров. Годом ранее выручка составляла 8,3 млрд рублей.</p>
<p>Рост обеспечили продажи серверов и облачных услуг: на них пришлось около 60% выручки. В четвёртом квартале
компания рассчитывает сохранить темпы роста и вложить 2 млрд рублей в новый центр обработки данных в Казани.</p>
<p>Аналитики «Цифровой Среды» оценивают долю компании на рынке серверов в 12%.</p>
</article><footer>© Тестовое издание, все права защищены</footer></body></html>"""

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Тестовая лента</title>
<link>{base}/</link><description>Новости</description>
<item><title>Выручка «Северного Ветра» выросла на 14%</title><link>{base}/news/1</link>
<pubDate>Mon, 03 Nov 2025 07:00:00 GMT</pubDate></item>
<item><title>Снятая с публикации заметка</title><link>{base}/news/missing</link></item>
<item><title>Медленная страница</title><link>{base}/news/slow</link></item>
</channel></rss>"""


class Site:
    """A tiny news site: /feed.xml, /news/1 (an article), /news/missing (404), /news/slow (answers too late)."""

    def __init__(self):
        self.hits: Counter = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                site.hits[self.path] += 1
                if self.path == "/feed.xml":
                    self.answer(200, FEED.format(base=site.base), "application/rss+xml")
                elif self.path == "/news/1":
                    self.answer(200, PAGE.format(title="Выручка «Северного Ветра» выросла на 14%", day="2025-11-03"))
                elif self.path == "/news/slow":
                    time.sleep(3)
                    self.answer(200, PAGE.format(title="Поздно", day="2025-11-04"))
                else:
                    self.answer(404, "<h1>Не найдено</h1>")

            def answer(self, status: int, body: str, kind: str = "text/html; charset=utf-8"):
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the slow page's client gave up

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.allow = f"127.0.0.1:{self.port}"  # PIPELINE_FETCH_ALLOW for this site only: loopback is refused
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def prefect_home(home: Path, database: Path) -> Path:
    """A Prefect home holding a copy of a migrated database (the `prefect_database` fixture): a server started on it
    is up in a few seconds, not after migrating an empty database. Tests of a first start keep an empty home."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(database, home / "prefect.db")
    return home

"""The instructor's report (`make report`, grader/report.py) in Chromium, opened as files.

A synthetic class (bench/report_bench.py, written straight into a gradebook) is
reported; the index and every assignment page must render with their headings and
tables, show every picture (decoded: a natural width), log no console error and load
nothing but the page itself and its data: pictures, no file outside the report's folder
and nothing from the network. Links lead to the other pages of the folder.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from grader import report

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> report.Written:
    spec = importlib.util.spec_from_file_location("report_bench", REPO / "bench" / "report_bench.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    try:
        spec.loader.exec_module(bench)
        root = bench.course_root(tmp_path_factory.mktemp("report") / "course")
        bench.make_class(root, 40, bench.lectures(REPO, 2), seed=3)
    finally:
        del sys.modules[spec.name]
    book = report.read(f"sqlite:///{root / 'grading' / 'gradebook.db'}", root / "grading")
    return report.write(book, root / "grading" / "reports")


def _open(browser_context, path: Path):
    """The page at ``path`` with what it logged and requested."""
    page = browser_context.new_page()
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, requests


def test_every_page_renders_its_pictures_and_loads_nothing_else(browser_context, pages):
    folder = pages.index.parent.as_uri() + "/"
    for path in [pages.index, *pages.pages]:
        page, errors, requests = _open(browser_context, path)
        try:
            assert page.locator("h1").count() == 1 and page.locator("table").count() >= 1, path.name
            images = page.locator("img")
            assert images.count() >= (1 if path == pages.index else 3), path.name
            widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
            assert all(width > 100 for width in widths), (path.name, widths)
            assert not errors, (path.name, errors)
            outside = [url for url in requests if not (url.startswith("data:") or url == path.as_uri())]
            assert not outside, (path.name, outside)
            links = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
            assert links and all(link.startswith(folder) for link in links), (path.name, links)
        finally:
            page.close()


def test_a_link_of_the_index_opens_an_assignment_page(browser_context, pages):
    page, errors, _ = _open(browser_context, pages.index)
    try:
        name = pages.pages[0].stem
        page.click(f"table a[href='{name}.html']")
        page.wait_for_load_state("load")
        assert page.url == pages.pages[0].as_uri()
        assert name in page.locator("h1").inner_text()
        assert not errors
    finally:
        page.close()

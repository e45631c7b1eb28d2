"""The InfoMonitor runs unattended: it rotates, refreshes, survives an unreachable server and
does not pile up nodes. Time is moved forward with Playwright's clock instead of waiting."""

import json

import pytest

from .helpers import DESKTOP

pytestmark = pytest.mark.browser

SLIDES = "() => Array.from(document.querySelectorAll('[data-slides] > .slide')).map(s => ({title: s.querySelector('.slide__title').textContent, visible: !s.hidden}))"  # noqa: E501
NODE_COUNT = "() => document.getElementsByTagName('*').length"


def visible_titles(page):
    return [slide["title"] for slide in page.evaluate(SLIDES) if slide["visible"]]


def test_screen_rotates_refreshes_and_survives_a_server_outage(new_page):
    page = new_page(**DESKTOP)
    page.clock.install()
    page.goto("/de/infomonitor/")
    page.wait_for_selector("[data-infomonitor][data-ready]")

    first = visible_titles(page)
    assert len(first) == 1
    page.clock.run_for(12_500)  # one slide later (12 s per slide in the demo)
    second = visible_titles(page)
    assert len(second) == 1 and second != first

    # The server goes away: the screen keeps its slides and says it is offline.
    count = len(page.evaluate(SLIDES))
    page.route("**/infomonitor/data/", lambda route: route.abort())
    page.clock.run_for(125_000)
    assert page.is_visible("[data-status]")
    assert len(page.evaluate(SLIDES)) == count

    # It comes back with new content, which replaces the old without anyone touching it.
    page.unroute("**/infomonitor/data/")
    fresh = {
        "slide_seconds": 10,
        "refresh_seconds": 120,
        "slides": [
            {
                "kind": "news",
                "label": "Aktuelles",
                "title": "Neu A",
                "text": "a",
                "date": "2026-01-01",
            },
            {
                "kind": "construction",
                "label": "Baustelle",
                "title": "Neu B",
                "text": "b",
                "place": "Markt",
                "valid_from": "2026-01-01",
                "valid_until": None,
            },
        ],
    }
    page.route(
        "**/infomonitor/data/",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(fresh)
        ),
    )
    page.clock.run_for(125_000)
    assert not page.is_visible("[data-status]")
    assert [slide["title"] for slide in page.evaluate(SLIDES)] == ["Neu A", "Neu B"]

    # Days of refreshes later the page holds just as many elements.
    nodes = page.evaluate(NODE_COUNT)
    for _refresh in range(20):
        page.clock.run_for(121_000)
    assert page.evaluate(NODE_COUNT) == nodes
    assert len(visible_titles(page)) == 1

"""The InfoMonitor runs unattended: it rotates, refreshes, survives an unreachable server and
does not pile up nodes. Time is moved forward with Playwright's clock instead of waiting."""

import json

import pytest

from .helpers import DESKTOP

pytestmark = pytest.mark.browser

SLIDES = """() => Array.from(document.querySelectorAll('[data-slides] > .slide')).map(
    s => ({title: s.querySelector('.slide__title').textContent, visible: !s.hidden}))"""
NODE_COUNT = "() => document.getElementsByTagName('*').length"
DATA = "**/infomonitor/data/"


def visible_titles(page):
    return [slide["title"] for slide in page.evaluate(SLIDES) if slide["visible"]]


def serve(page, slides, slide_seconds=10):
    body = json.dumps({"slide_seconds": slide_seconds, "refresh_seconds": 120, "slides": slides})
    page.unroute(DATA)
    page.route(
        DATA,
        lambda route: route.fulfill(status=200, content_type="application/json", body=body),
    )


def slide(number, kind="news"):
    return {
        "kind": kind,
        "label": "Aktuelles",
        "title": f"Meldung {number}",
        "text": "x",
        "meta": "",
    }


@pytest.fixture
def screen(new_page):
    page = new_page(**DESKTOP)
    page.clock.install()
    page.goto("/de/infomonitor/")
    page.wait_for_selector("[data-infomonitor][data-ready]")
    return page


def test_screen_rotates_through_its_slides(screen):
    first = visible_titles(screen)
    assert len(first) == 1
    screen.clock.run_for(12_500)  # the demo screen shows each slide 12 s
    second = visible_titles(screen)
    assert len(second) == 1 and second != first


def test_server_outage_keeps_the_content_and_recovery_replaces_it(screen):
    count = len(screen.evaluate(SLIDES))
    screen.route(DATA, lambda route: route.abort())
    screen.clock.run_for(125_000)
    screen.wait_for_selector("[data-status]", state="visible")
    assert len(screen.evaluate(SLIDES)) == count

    serve(screen, [slide("A"), slide("B", "construction")])
    screen.clock.run_for(125_000)
    screen.wait_for_selector("[data-status]", state="hidden")
    screen.wait_for_function(
        "() => document.querySelectorAll('[data-slides] > .slide').length === 2"
    )
    assert [s["title"] for s in screen.evaluate(SLIDES)] == ["Meldung A", "Meldung B"]


def test_every_slide_gets_its_turn_across_refreshes(screen):
    """More slides than fit between two refreshes: the refresh must not restart at slide 1."""
    slides = [slide(number) for number in range(1, 21)]  # 20 x 10 s > 120 s between refreshes
    serve(screen, slides)
    screen.clock.run_for(121_000)
    screen.wait_for_function(
        "() => document.querySelectorAll('[data-slides] > .slide').length === 20"
    )
    seen = set()
    for _step in range(45):
        screen.clock.run_for(10_000)
        seen.update(visible_titles(screen))
    assert seen == {f"Meldung {number}" for number in range(1, 21)}


def test_an_empty_answer_replaces_expired_slides(screen):
    serve(screen, [])
    screen.clock.run_for(125_000)
    screen.wait_for_function(
        "() => document.querySelectorAll('[data-slides] > .slide').length === 1"
    )
    assert visible_titles(screen) == ["Musterstadt"]


def test_days_of_refreshes_do_not_grow_the_page(screen):
    serve(screen, [slide(1), slide(2), slide(3)])
    screen.clock.run_for(125_000)
    screen.wait_for_function(
        "() => document.querySelectorAll('[data-slides] > .slide').length === 3"
    )
    nodes = screen.evaluate(NODE_COUNT)
    for _refresh in range(20):
        screen.clock.run_for(121_000)
    assert screen.evaluate(NODE_COUNT) == nodes
    assert len(visible_titles(screen)) == 1


def test_the_clock_shows_the_towns_time(screen):
    zone = screen.get_attribute("[data-infomonitor]", "data-time-zone")
    assert zone == "Europe/Berlin"
    assert screen.text_content("[data-time]").strip()


def test_the_service_of_the_month_comes_first_with_a_working_qr_code(screen):
    """The demo's service of the month opens the rotation; its QR code image loads (also after
    a refresh has rebuilt the slides from the JSON)."""
    first = screen.locator("[data-slides] > .slide").first
    assert "slide--spotlight" in first.get_attribute("class")
    qr = first.locator("img.slide__qr")
    assert qr.get_attribute("alt")
    screen.wait_for_function(
        "() => { const img = document.querySelector('.slide--spotlight .slide__qr');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    screen.clock.run_for(125_000)
    screen.wait_for_function(
        "() => { const img = document.querySelector('.slide--spotlight .slide__qr');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )

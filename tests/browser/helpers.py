"""Chromium, viewports and keyboard helpers shared by the browser tests and the screenshots."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}

#: Describes the focused element: enough to find it and to say in a message what it is.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        className: typeof el.className === "string" ? el.className : "",
        text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
        href: el.getAttribute("href"),
        hreflang: el.getAttribute("hreflang"),
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
        html: el.outerHTML.slice(0, 120),
    };
}"""


def focused(page):
    """What has the keyboard focus (a dict, see FOCUSED), or None for the document body."""
    return page.evaluate(FOCUSED)


def tab_to(page, matches, max_presses: int = 40):
    """Press Tab until ``matches(focused_dict)`` is true; return the focused element's dict.

    Fails with the list of visited elements if it is not reached within ``max_presses``.
    """
    visited = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        current = focused(page)
        if current is not None and matches(current):
            return current
        visited.append(current and current["html"])
    raise AssertionError(f"not reachable with Tab within {max_presses} presses; visited: {visited}")

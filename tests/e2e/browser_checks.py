"""What every browser test of the console watches: no Content-Security-Policy violation and no
4xx/5xx answer in the browser's console, and no page wider than the window at 1,366 and 1,024 px."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import ConsoleMessage, Page, Response

__all__ = ["WIDTHS", "Watch", "too_wide"]

WIDTHS = (1366, 1024)
HEIGHT = 768


@dataclass
class Watch:
    """The browser console's complaints and the failed answers of one page's whole life."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Watch:
        page.on("console", self._console)
        page.on("response", self._response)
        return self

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Failed to load resource" in message.text:
            self.problems.append(f"{message.text} ({message.location.get('url', '')})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status} {response.url}")


_WIDEST = """() => {
  let found = '';
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && el.children.length === 0) {
      found = `${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.width)} px: ${el.textContent.slice(0, 60)}`;
      break;
    }
  }
  return found;
}"""
"""The first innermost element reaching past the window: what a failure names."""


def too_wide(page: Page) -> list[str]:
    """The widths at which the current page scrolls sideways (``scrollWidth > innerWidth``)."""
    wide = []
    page.wait_for_load_state("load")  # measured as a person sees it: with its stylesheets
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            culprit = page.evaluate(_WIDEST)
            wide.append(f"{page.url} at {width} px: {scroll} px wide ({culprit})")
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    return wide

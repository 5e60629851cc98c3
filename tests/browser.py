"""A real browser for the web board's tests: Playwright driving the system's Chromium.

No browser is downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD; Debian's `chromium`
package gives /usr/bin/chromium, or set LIANDONG_TEST_CHROMIUM). Without a Chromium
the tests skip, saying why, except with CI=true, where that is a failure.

Import the fixture into a test module: `from tests.browser import browser  # noqa: F401`.
Every page a test opens records the requests it makes (`requests_of(page)`), so a test
can check that nothing left 127.0.0.1.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from tests.conftest import IN_CI

SCREENSHOTS = Path(__file__).with_name("screenshots")  # kept after the run for a reviewer to open


def chromium_path() -> str | None:
    wanted = os.environ.get("LIANDONG_TEST_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    path = chromium_path()
    if path is None:
        message = "no Chromium found (apt-get install chromium, or set LIANDONG_TEST_CHROMIUM)"
        if IN_CI:
            pytest.fail(message + "; CI must run the browser tests")
        pytest.skip(message)
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        if IN_CI:
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            await chromium.close()


async def open_page(browser: Any, *, dark: bool = False) -> Any:
    """A page in a fresh context (its own cookies) that records every request it makes."""
    context = await browser.new_context(color_scheme="dark" if dark else "light",
                                        viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requested = requests  # type: ignore[attr-defined]
    errors: list[str] = []  # a script or style the Content-Security-Policy refused shows here
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    return page


def errors_of(page: Any) -> list[str]:
    return list(page.errors)


def requests_of(page: Any) -> list[str]:
    return list(page.requested)


async def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path

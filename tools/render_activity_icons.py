"""Render the history and task category icons from their SVG sources to 32x32 PNGs.

ONLYOFFICE names its categories' icons as PNG files (`event_category_note.png`,
`task_category_call.png`, ...: see activities/migrations/0002_default_categories.py and the
system categories in activities/api/history_rendering.py), and the API hands them out as
`imagePath`: /static/img/history/<name> for history, /static/img/tasks/<name> for tasks.

The sources are hand-written SVGs in static/img/activity-icons/<name>.svg (16x16 viewBox, one
colour, #51606d). This script draws each one at 32x32 in headless Chromium through Playwright and
saves a PNG with a transparent background:

    event_category_<x>.svg -> static/img/history/event_category_<x>.png
    task_category_<x>.svg  -> static/img/tasks/task_category_<x>.png

It is a developer tool, not run by the app: the PNGs are committed next to their sources.
After editing or adding an SVG, run it from the repository root and commit both files:

    .venv/bin/python tools/render_activity_icons.py [--chromium /usr/bin/chromium]

Needs Playwright (a test dependency) and a Chromium (Debian's, by default).
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "static" / "img" / "activity-icons"
TARGETS = {
    "event_category_": ROOT / "static" / "img" / "history",
    "task_category_": ROOT / "static" / "img" / "tasks",
}
SIZE = 32
PAGE = (
    "<!doctype html><html><head><style>"
    "html,body{margin:0;padding:0;background:transparent}"
    "svg{display:block;width:%(size)dpx;height:%(size)dpx}"
    "</style></head><body>%(svg)s</body></html>"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def target_for(source: Path) -> Path:
    """Where the PNG of one SVG source goes (its name's prefix picks the folder)."""
    for prefix, folder in TARGETS.items():
        if source.stem.startswith(prefix):
            return folder / f"{source.stem}.png"
    raise SystemExit(f"{source.name}: the name starts with none of {sorted(TARGETS)}")


def render(chromium: str) -> list[Path]:
    """Render every SVG source; returns the PNGs written."""
    sources = sorted(SOURCES.glob("*.svg"))
    if not sources:
        raise SystemExit(f"no SVG sources in {SOURCES}")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(
            viewport={"width": SIZE * 2, "height": SIZE * 2}, device_scale_factor=1
        )
        for source in sources:
            target = target_for(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            page.set_content(PAGE % {"size": SIZE, "svg": source.read_text(encoding="utf-8")})
            page.locator("svg").screenshot(path=str(target), omit_background=True)
            written.append(target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium to drive")
    args = parser.parse_args(argv)
    for target in render(args.chromium):
        print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Render the seeds' report in headless Chromium: a screenshot for the docs, and a count of network loads.

Scores seeds/ with the shipped model, writes the report, opens it in Chromium with a network log, and
does the same for an empty page. Chromium makes a few requests of its own (time, accounts) whatever it
opens, so the page's loads are the requests its log has beyond the empty page's; the script prints them
and fails if there are any. It also checks that the log would show a load: the same page with a remote
image injected and its Content-Security-Policy removed must load it.

Needs Chromium (Debian: apt-get install chromium); run as root it is started with --no-sandbox.

    python benchmarks/report_render.py                    # writes docs/report-seeds.png
    python benchmarks/report_render.py --screenshot /tmp/r.png
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKGROUND = (246, 247, 249)  # the page background in report.css
PROBE = '<img src="https://example.com/probe.png">'


def chromium(page: Path, screenshot: Path, netlog: Path, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--log-net-log={netlog}",
                "--net-log-capture-mode=Everything",
                f"--screenshot={screenshot}",
                f"--window-size=1280,{height}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
        )


def requested_urls(netlog: Path) -> set[str]:
    """Every URL the browser started a request for (query strings dropped)."""
    log = json.loads(netlog.read_text())
    types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = set()
    for event in log["events"]:
        if types.get(event["type"]) == "URL_REQUEST_START_JOB":
            url = event.get("params", {}).get("url")
            if url:
                urls.add(url.split("?")[0])
    return urls


def page_loads(page: Path, tmp: Path, height: int, screenshot: Path) -> set[str]:
    """The URLs loading ``page`` requests beyond what Chromium requests for an empty page."""
    empty = tmp / "empty.html"
    empty.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>-</title></head><body></body></html>')
    chromium(empty, tmp / "empty.png", tmp / "empty.json", 200)
    chromium(page, screenshot, tmp / "page.json", height)
    return requested_urls(tmp / "page.json") - requested_urls(tmp / "empty.json")


def trim(screenshot: Path, out: Path) -> None:
    """Cut the empty background below the page and store it with a 256-colour palette (small, still sharp)."""
    from PIL import Image

    image = Image.open(screenshot).convert("RGB")
    width, height = image.size
    bottom = height
    pixels = image.load()
    while bottom > 1 and all(pixels[x, bottom - 1] == BACKGROUND for x in range(0, width, 8)):
        bottom -= 1
    image.crop((0, 0, width, min(height, bottom + 24))).quantize(256).save(out, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", type=Path, default=ROOT / "docs" / "report-seeds.png")
    parser.add_argument("--height", type=int, default=5000, help="window height; the background below is cut")
    args = parser.parse_args()
    moderation = str(Path(sys.executable).with_name("moderation"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        page = tmp / "report.html"
        (tmp / "seeds").symlink_to(ROOT / "seeds")  # so the page shows the paths a user would type
        subprocess.run([moderation, "score", "seeds", "-o", "seeds.jsonl"], check=True, cwd=tmp)
        subprocess.run(
            [moderation, "report", "seeds.jsonl", "-o", str(page), "--title", "Seed pages"], check=True, cwd=tmp
        )
        loads = page_loads(page, tmp, args.height, tmp / "shot.png")
        probe = tmp / "probe.html"
        html = page.read_text(encoding="utf-8")
        probe.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace(
            "<main>", "<main>" + PROBE, 1), encoding="utf-8")  # fmt: skip
        detected = page_loads(probe, tmp, 400, tmp / "probe.png")
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        trim(tmp / "shot.png", args.screenshot)
    print(f"screenshot: {args.screenshot} ({args.screenshot.stat().st_size / 1000:.0f} KB)")
    print(f"network loads by the report: {len(loads)} {sorted(loads) if loads else ''}")
    print(f"check: a remote image injected without the CSP is seen loading: {sorted(detected)}")
    if loads or "https://example.com/probe.png" not in detected:
        sys.exit(1)


if __name__ == "__main__":
    main()

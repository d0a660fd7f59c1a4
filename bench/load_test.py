"""Many CSMs on one server at once: rerun latency, errors and lost writes.

Starts one `streamlit run` on a fresh database file (tests.servers.AppServer,
loopback only) and drives N concurrent browser sessions against it, each a
Playwright context in one headless Chromium.  Every session first starts its
own ramp plan ("Load tester NN"), then loops until the time is up:

* ramp page: tick or untick a random item of the first stage (twice);
* scorecard page: move the usage-rate slider to its end, then to its start;
* portfolio page (demo portfolio): switch the red-band filter on, then off.

How latency is measured: the clock starts just before the click or key press
and stops when the page shows the outcome only a finished rerun can draw
(the stage's "k of 6 done" bar, the score the engine predicts for the new
slider value, the filter caption appearing or going) and the app root reports
that no script is running (``data-test-script-state="notRunning"`` on
``stApp``, the signal Streamlit's own end-to-end tests wait on; unlike the
running-man icon it has no fade-out animation to add).  Page loads
(navigation until the page's first outcome is visible) are timed separately.
The figures include the browser's own rendering, on the same CPUs.

Errors: exception elements, st.error boxes, outcomes not seen within the
timeout, and JavaScript errors in the page.  Lost writes: after the server is
stopped, the database is opened with scoring.db.Store and each session's plan
is replayed with scoring.checklists.replay.  Every tick or untick a session
made must be in the event log, and each item's final state must be the one
the session last chose.

    python bench/load_test.py [--sessions 10] [--seconds 60]

Exit status 1 when there were errors or lost writes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import Page, async_playwright, expect  # noqa: E402
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from scoring.catalog import get_model  # noqa: E402
from scoring.checklists import TICK, UNTICK, checklists_of_kind, plan_id, replay  # noqa: E402
from scoring.db import Store  # noqa: E402
from scoring.engine import score  # noqa: E402
from tests.servers import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402

OUTCOME_TIMEOUT_MS = 30_000
MAX_SESSIONS = 50
MAX_SECONDS = 3600
SETUP_BUDGET_SECONDS = 600  # warm-up, plan creation and the last loop may overrun the deadline by this much
ACTIONS_PER_VISIT = 4  # interactions per page visit, so reruns, not page loads, dominate the traffic
SLIDER_MODEL = "technical-csm"
SLIDER_SIGNAL = "usage_rate"
SLIDER_LABEL = "Usage rate"
RED_PILL = "Red"
FILTER_CAPTION = "Figures cover the"
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FAILURE_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'


@dataclass
class Tally:
    """What one session did and saw."""

    name: str
    latencies: dict[str, list[float]] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    intended: dict[str, bool] = field(default_factory=dict)  # item id -> last state this session chose
    toggles: int = 0

    def record(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)


def expected_scores() -> tuple[str, str]:
    """The score the page must show with usage rate at its maximum, then at its minimum."""
    model = get_model(SLIDER_MODEL)
    values: dict[str, float | None] = {s.id: s.default for s in model.signals}
    signal = model.signal(SLIDER_SIGNAL)
    shown = []
    for end in (signal.max, signal.min):
        values[SLIDER_SIGNAL] = end
        shown.append(f"{score(model, values, []).score:g}")
    return shown[0], shown[1]


async def settled(page: Page) -> None:
    """The script run is over: the state Streamlit's own end-to-end tests wait for."""
    await expect(page.locator(IDLE_APP)).to_have_count(1)


async def failures(page: Page, tally: Tally) -> None:
    found = await page.locator(FAILURE_SELECTOR).count()
    if found:
        tally.errors["error element"] += found
        await page.reload()


class Session:
    """One CSM in one browser context: set up, then loop over the three pages until the deadline."""

    def __init__(self, browser: Any, url: str, number: int, seed: int, setup_lock: asyncio.Lock) -> None:
        self.browser, self.url, self.setup_lock = browser, url, setup_lock
        self.subject = f"Load tester {number:02d}"
        self.tally = Tally(self.subject)
        self.rng = random.Random(seed + number)
        self.items = checklists_of_kind("ramp")[0].stages[0].items
        self.at_max, self.at_min = expected_scores()
        self.context: Any = None

    async def open(self) -> Page:
        self.context = await self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(OUTCOME_TIMEOUT_MS)
        page = await self.context.new_page()
        page.on("pageerror", lambda _exc: self.tally.errors.update(["javascript error"]))
        await self.start_plan(page)
        return page

    async def loop(self, page: Page, deadline: float) -> Tally:
        try:
            while time.monotonic() < deadline:
                for step in (self.ramp, self.scorecard, self.portfolio):
                    if time.monotonic() >= deadline:
                        break
                    try:
                        await step(page)
                    except (PlaywrightTimeout, AssertionError):
                        self.tally.errors[f"outcome not seen on {step.__name__}"] += 1
                    await failures(page, self.tally)
        finally:
            await self.context.close()
        return self.tally

    async def load(self, page: Page, path: str, ready: Any) -> None:
        started = time.perf_counter()
        await page.goto(f"{self.url}{path}")
        await expect(ready).to_be_visible()
        await settled(page)
        self.tally.loads.append((time.perf_counter() - started) * 1000)

    async def timed(self, page: Page, kind: str, action: Any, outcome: Any) -> None:
        started = time.perf_counter()
        await action()
        await outcome()
        await settled(page)
        self.tally.record(kind, (time.perf_counter() - started) * 1000)

    async def start_plan(self, page: Page) -> None:
        """Set-up, not timed: sessions take turns so each form is read in a settled state."""
        async with self.setup_lock:
            await page.goto(f"{self.url}/ramp")
            empty = page.get_by_text("No ramp plans yet")
            await expect(empty.or_(page.get_by_role("combobox", name="CSM"))).to_be_visible()
            await settled(page)
            if not await empty.is_visible():
                await page.get_by_test_id("stExpander").filter(has_text="New CSM").locator("summary").click()
            await page.get_by_role("textbox", name="CSM name").fill(self.subject)
            await page.get_by_role("button", name="Start the plan").click()
            await expect(page.get_by_test_id("stProgress").first).to_contain_text("0 of 6 done")
            await settled(page)

    async def ramp(self, page: Page) -> None:
        first_bar = page.get_by_test_id("stProgress").first
        await self.load(page, f"/ramp?csm={quote(self.subject)}", first_bar)
        try:
            await expect(page.get_by_role("combobox", name="CSM")).to_have_value(self.subject)
        except AssertionError:
            self.tally.errors["ramp link opened another plan"] += 1
            return
        for _ in range(ACTIONS_PER_VISIT):
            item = self.rng.choice(self.items)
            target = not self.tally.intended.get(item.id, False)
            done = sum(self.tally.intended.values()) + (1 if target else -1)

            async def tick(item: Any = item, target: bool = target) -> None:
                """Click; once the browser shows the new state the tick counts as made."""
                await page.get_by_test_id("stCheckbox").filter(has_text=item.text).click()
                await expect(page.get_by_role("checkbox", name=item.text)).to_be_checked(checked=target)
                self.tally.intended[item.id] = target
                self.tally.toggles += 1

            await self.timed(
                page, "tick", tick, lambda done=done: expect(first_bar).to_contain_text(f"{done} of 6 done")
            )

    async def scorecard(self, page: Page) -> None:
        metric = page.get_by_test_id("stMetricValue").first
        await self.load(page, "/scorecard", metric)
        thumb = page.get_by_test_id("stSlider").filter(has_text=SLIDER_LABEL).get_by_role("slider")
        await thumb.focus()
        for key, shown in (("End", self.at_max), ("Home", self.at_min)) * (ACTIONS_PER_VISIT // 2):
            await self.timed(
                page,
                "slider",
                lambda key=key: thumb.press(key),
                lambda shown=shown: expect(metric).to_have_text(shown),
            )

    async def portfolio(self, page: Page) -> None:
        await self.load(page, "/portfolio", page.get_by_role("heading", name="Triage list"))
        pill = page.get_by_test_id("stSidebar").get_by_role("button", name=RED_PILL, exact=True)
        caption = page.get_by_text(FILTER_CAPTION)
        for _ in range(ACTIONS_PER_VISIT // 2):
            await self.timed(page, "filter", pill.click, lambda: expect(caption).to_be_visible())
            await self.timed(page, "filter", pill.click, lambda: expect(caption).to_have_count(0))


def lost_writes(db: Path, tallies: list[Tally]) -> tuple[int, int, int]:
    """(toggles without an event in the log, items whose final state differs, events found).

    Any session whose log disagrees with what it did is printed, item by item.
    """
    checklist = checklists_of_kind("ramp")[0]
    store = Store(db)
    try:
        missing = mismatched = found = 0
        for tally in tallies:
            pid = plan_id(checklist.id, tally.name)
            plan = store.plan(pid)
            events = store.events(pid) if plan else []
            toggles = sum(e.kind in (TICK, UNTICK) for e in events)
            found += toggles
            missing += max(0, tally.toggles - toggles)
            if plan is None:
                mismatched += sum(tally.intended.values())
                continue
            state = replay(checklist, plan, events)
            done = {i.item.id: i.done for s in state.stages for i in s.items}
            wrong = {item: wanted for item, wanted in tally.intended.items() if done.get(item, False) != wanted}
            mismatched += len(wrong)
            if wrong or toggles != tally.toggles:
                print(
                    f"  {tally.name}: made {tally.toggles} ticks/unticks, log has {toggles}; "
                    f"not in the last chosen state: {wrong or 'none'}"
                )
    finally:
        store.close()
    return missing, mismatched, found


def cpu_seconds(server: AppServer) -> float:
    """User + system CPU time of the server process so far (Linux /proc), to tell its share from the browsers'."""
    assert server.process is not None
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<14} no samples"
    return (
        f"  {label:<14} n={len(values):<5} p50 {percentile(values, 50):7.0f} ms   p95 {percentile(values, 95):7.0f} ms"
        f"   mean {statistics.fmean(values):7.0f} ms   max {max(values):7.0f} ms"
    )


async def warm_up(browser: Any, url: str) -> float:
    """One visit to each page so imports and the demo portfolio's cache are not billed to the sessions."""
    started = time.perf_counter()
    context = await browser.new_context()
    page = await context.new_page()
    for path, ready in (("/scorecard", "What-if scorecard"), ("/portfolio", "Triage list"), ("/ramp", "ramp plan")):
        await page.goto(f"{url}{path}")
        await expect(page.get_by_role("heading", name=ready).first).to_be_visible(timeout=120_000)
    await context.close()
    return time.perf_counter() - started


async def drive(url: str, sessions: int, seconds: float, seed: int) -> tuple[list[Tally], float, float]:
    expect.set_options(timeout=OUTCOME_TIMEOUT_MS)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            warm = await warm_up(browser, url)
            lock = asyncio.Lock()
            runners = [Session(browser, url, n, seed, lock) for n in range(1, sessions + 1)]
            pages = await asyncio.gather(*(r.open() for r in runners))
            started = time.monotonic()
            deadline = started + seconds
            tallies = await asyncio.gather(*(r.loop(p, deadline) for r, p in zip(runners, pages, strict=True)))
            return list(tallies), warm, time.monotonic() - started
        finally:
            await browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions (default 10)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the sessions loop (default 60)")
    parser.add_argument("--seed", type=int, default=7, help="seed for the items each session ticks")
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--sessions must be 1..{MAX_SESSIONS} and --seconds 1..{MAX_SECONDS}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no browser at {CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="load_test_") as tmp:
        db = Path(tmp) / "load.duckdb"
        server = AppServer(db_path=db, log_path=Path(tmp) / "streamlit.log").start()
        try:
            cpu_before, wall_before = cpu_seconds(server), time.monotonic()
            run = drive(server.url, args.sessions, args.seconds, args.seed)
            tallies, warm, elapsed = asyncio.run(asyncio.wait_for(run, args.seconds + SETUP_BUDGET_SECONDS))
            server_cpu, wall = cpu_seconds(server) - cpu_before, time.monotonic() - wall_before
        finally:
            server.stop()
        missing, mismatched, found = lost_writes(db, tallies)

    kinds = sorted({k for t in tallies for k in t.latencies})
    everything = [ms for t in tallies for values in t.latencies.values() for ms in values]
    errors: Counter[str] = sum((t.errors for t in tallies), Counter())
    toggles = sum(t.toggles for t in tallies)
    print(f"load test: {args.sessions} sessions against one server for {elapsed:.0f} s (warm-up {warm:.1f} s)")
    print("rerun latency (action -> outcome drawn and script run finished):")
    print(line("all", everything))
    for kind in kinds:
        print(line(kind, [ms for t in tallies for ms in t.latencies.get(kind, [])]))
    print("page loads (navigation -> first outcome drawn):")
    print(line("all", [ms for t in tallies for ms in t.loads]))
    share = 100 * server_cpu / wall
    print(
        f"server CPU, warm-up to end: {server_cpu:.0f} s in {wall:.0f} s ({share:.0f}% of one core; "
        f"{os.cpu_count()} cores shared with the browsers)"
    )
    print(f"errors: {sum(errors.values())}" + (f" ({dict(errors)})" if errors else ""))
    print(f"ticks and unticks made: {toggles}; found in the database: {found}")
    print(f"lost writes: {missing + mismatched} (missing events {missing}, items not in their last state {mismatched})")
    return 1 if errors or missing or mismatched else 0


if __name__ == "__main__":
    sys.exit(main())

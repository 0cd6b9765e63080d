"""The built site as a reader's browser sees it, offline: math typeset, demos that scrub, figures
described, code that fits the page, no broken link.

Runs after the site is built (``make browser``, part of ``make test``), in headless Chromium
(Debian's ``chromium`` and ``chromium-driver``) driven by selenium, with every host name
unresolvable so that nothing can come from the network. Without Chromium it skips, saying how to
install it; ``.ci/run`` installs it, so CI always runs this test.
"""

import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
PAGES = sorted(
    p
    for p in SITE.rglob("*.html")
    if not {"_static", "_sources", "_sphinx_design_static"}
    & set(p.relative_to(SITE).parts)
    and p.name not in {"genindex.html", "search.html"}
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
WIDTH = 1280

pytestmark = pytest.mark.skipif(
    not SITE.joinpath("index.html").exists(),
    reason="the site is not built: run `make book` first",
)


class Links(HTMLParser):
    """Collect every id, link and image source of one page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.images = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.images.append(a["src"])
        if tag == "link" and a.get("href"):
            self.images.append(a["href"])


def parse(page: Path) -> Links:
    p = Links()
    p.feed(page.read_text(encoding="utf-8"))
    return p


def test_no_broken_internal_link_anchor_or_resource():
    parsed = {page: parse(page) for page in PAGES}
    broken = []
    for page, p in parsed.items():
        for href in p.links + p.images:
            if re.match(
                r"^(https?:|mailto:|data:|javascript:)", href
            ) or href.startswith("//"):
                continue
            target, anchor = urldefrag(unquote(href))
            target = target.split("?")[0]
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                broken.append(f"{page.relative_to(SITE)}: {href} (no such file)")
            elif anchor and path.suffix == ".html":
                ids = parsed[path].ids if path in parsed else parse(path).ids
                if anchor not in ids:
                    broken.append(f"{page.relative_to(SITE)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


PAGE_BUDGET_MB = (
    2.0  # a chapter page with its images, for a reader on a slow connection
)


def test_pages_stay_light():
    """Each page with the images it shows (2x palette PNGs) weighs under 2 MB."""
    heavy = {}
    for page in PAGES:
        images = {
            (page.parent / unquote(src)).resolve()
            for src in parse(page).images
            if src.startswith("../_images/") or src.startswith("_images/")
        }
        mb = (page.stat().st_size + sum(i.stat().st_size for i in images)) / 1e6
        if mb > PAGE_BUDGET_MB:
            heavy[page.relative_to(SITE).as_posix()] = round(mb, 2)
    assert not heavy, f"pages over {PAGE_BUDGET_MB} MB: {heavy}"


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        pytest.skip(
            "the browser test needs Chromium: `apt-get install chromium chromium-driver` "
            "(Debian), then run `make test` again"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
        f"--window-size={WIDTH},1000",
        # the network is cut off: no host name resolves, so nothing can load from a CDN
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def load(driver, page: Path):
    driver.get(page.as_uri())
    driver.execute_script("return document.readyState")
    # wait for MathJax to finish typesetting, where the page has math
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        if (!document.querySelector('.math')) { done(); return; }
        const t0 = Date.now();
        (function wait() {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                MathJax.startup.promise.then(() => done()); return; }
            if (Date.now() - t0 > 20000) { done(); return; }
            setTimeout(wait, 50);
        })();""")


def console_errors(driver) -> list:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


PAGE_IDS = [str(p.relative_to(SITE)) for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_page_reads_offline(browser, page):
    driver = browser
    driver.get_log("browser")  # drop what earlier pages left
    load(driver, page)
    problems = []

    external = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(u => !u.startsWith('file:') && !u.startsWith('data:'))"
    )
    if external:
        problems.append(f"resources from the network: {external[:5]}")

    untypeset = driver.execute_script("""
        return [...document.querySelectorAll('.math')]
            .filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60));""")
    if untypeset:
        problems.append(
            f"{len(untypeset)} math elements left as raw TeX, e.g. {untypeset[:3]}"
        )
    raw = driver.execute_script(
        "return (document.querySelector('main') || document.body).innerText.includes('$$')"
    )
    if raw:
        problems.append("raw $$ left in the page text")

    no_alt = driver.execute_script("""
        return [...document.querySelectorAll('main img, article img')].filter(i => {
            const alt = (i.getAttribute('alt') || '').trim();   // a file name is no description
            return !alt || /\\.(png|jpe?g|svg|gif)$/i.test(alt) || alt.includes('_images/');
        }).map(i => (i.getAttribute('alt') || i.src).slice(0, 80));""")
    if no_alt:
        problems.append(
            f"{len(no_alt)} images without alt text that says what they show, e.g. {no_alt[:2]}"
        )

    wide = driver.execute_script("""
        return [...document.querySelectorAll('main pre, main .output, main .cell_output, main table')]
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
            .map(e => (e.innerText || '').split('\\n').sort((a, b) => b.length - a.length)[0].slice(0, 100));""")
    if wide:
        problems.append(
            f"{len(wide)} blocks scroll sideways at {WIDTH} px, widest lines: {wide[:3]}"
        )

    for i in range(
        driver.execute_script(
            "return document.querySelectorAll('.helpers-scrub').length"
        )
    ):
        before = driver.execute_script(
            "const r = document.querySelectorAll('.helpers-scrub')[arguments[0]];"
            "return [r.querySelector('img').src, r.querySelector('span').textContent]",
            i,
        )
        after = driver.execute_script(
            """
            const r = document.querySelectorAll('.helpers-scrub')[arguments[0]];
            const s = r.querySelector('input');
            s.value = (+s.value === +s.max) ? s.min : s.max;
            s.dispatchEvent(new Event('input'));
            return [r.querySelector('img').src, r.querySelector('span').textContent];""",
            i,
        )
        if before[0] == after[0] or before[1] == after[1]:
            problems.append(
                f"scrubber {i} did not change its picture and label: {before[1]!r}"
            )

    errors = console_errors(driver)
    if errors:
        problems.append(f"console errors: {errors[:3]}")
    assert not problems, "\n".join(problems)

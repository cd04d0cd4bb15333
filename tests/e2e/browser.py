"""Driving the Streamlit dashboard in Chromium: waiting for it to be idle, reading cards,
using the sidebar filters, watching the console. No fixed sleeps: every wait is on the page."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import yaml
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TIMEOUT_MS = 60_000

# url_path of each page (dashboard.py); the overview is the default page, served at "/".
PAGES = {
    "tong-quan": "",
    "phan-anh": "phan-anh",
    "thoi-gian": "thoi-gian",
    "kiem-tra": "kiem-tra",
    "xep-hang": "xep-hang",
    "ho-so": "ho-so",
    "tra-cuu": "tra-cuu",
    "du-lieu": "du-lieu",
    "quan-tri": "quan-tri",
    "dia-ban": "dia-ban",
    "ke-hoach": "ke-hoach",
    "doi-tuong": "doi-tuong",
    "bao-cao": "bao-cao",
}

# Counts a script run each time the app goes into "running", so that a test can wait for the
# rerun its click caused (and not mistake the idle state before it for the end of it).
RUN_COUNTER_JS = """
window.__cchcRuns = 0;
new MutationObserver(records => {
  for (const r of records) {
    if (r.target.getAttribute && r.target.getAttribute('data-test-script-state') === 'running') {
      window.__cchcRuns += 1;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""

# Idle: the script has finished, nothing is stale or still a loading skeleton, every Plotly chart
# has drawn its traces (Streamlit first draws an empty plot, axes -1 to 5, then the figure), and
# all of this held at two polls in a row. Called by page.wait_for_function every 100 ms.
READY_JS = """() => {
  const busy = () => { window.__cchcIdleAt = -1; return false; };
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return busy();
  if (!document.querySelector('[data-testid="stMain"] h1')) return busy();
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], '
      + '[data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"], '
      + '[data-testid="stStatusWidgetRunningIcon"]')) return busy();
  const drawn = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => {
    const gd = c.querySelector('.js-plotly-plot');
    return gd && gd.querySelector('.main-svg') && gd.data && gd.data.length > 0
      && gd.querySelector('.trace, .hm, .pielayer .slice');
  });
  if (!drawn) return busy();
  // ...and still so at the next poll with no run started in between (a page that calls
  // st.rerun() is idle for an instant between its two runs).
  const runs = window.__cchcRuns || 0;
  if (window.__cchcIdleAt === runs) return true;
  window.__cchcIdleAt = runs;
  return false;
}"""

# Vietnamese number formats (cchc/fmt.py): 1.234.567 · 12,5 % · 7 ngày / 8,5 ngày.
VI_COUNT = re.compile(r"^\d{1,3}(\.\d{3})*$")
VI_RATE = re.compile(r"^\d{1,3},\d %$")
VI_DAYS = re.compile(r"^\d{1,3}(\.\d{3})*(,\d)? ngày$")
VI_RATIO = re.compile(r"^\d{1,3}(\.\d{3})*,\d{2}$")
VI_THOUSANDS = re.compile(r"\b\d{1,3}(\.\d{3})+\b")
DASH = "—"


def url_for(key: str, params: dict | None = None) -> str:
    """The page's URL relative to the server (contexts are made with base_url)."""
    query = f"?{urlencode(params)}" if params else ""
    return f"/{PAGES[key]}{query}"


def wait_ready(page: Page, timeout: int = TIMEOUT_MS) -> None:
    try:
        page.wait_for_function(READY_JS, timeout=timeout, polling=100)
    except PlaywrightTimeout:
        state = page.evaluate("""() => ({
          script: document.querySelector('[data-testid="stApp"]')
            ?.getAttribute('data-test-script-state'),
          charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
            .map(gd => ({traces: gd.data ? gd.data.length : null,
                         title: gd._fullLayout?.title?.text || ''})),
        })""")
        raise AssertionError(f"page not drawn within {timeout / 1000:.0f} s: {page.url} {state}") from None


# The demo accounts `make run` creates (cchc/auth/demo.py); tests sign in as the analyst unless
# they say otherwise.
DEMO_USERS = {
    "leadership": ("lanhdao", "demo-lanhdao"),
    "analyst": ("chuyenvien", "demo-chuyenvien"),
    "agency": ("donvi", "demo-donvi"),
    "admin": ("quantri", "demo-quantri"),
}


def sign_in_form(page: Page) -> Locator:
    return page.get_by_label("Tên đăng nhập", exact=True)


def sign_in(page: Page, role: str = "analyst") -> None:
    """Fill the sign-in form with a demo account of `role` and wait for the page behind it."""
    user, password = DEMO_USERS[role]
    sign_in_form(page).fill(user)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_function("() => !document.querySelector('input[aria-label=\"Tên đăng nhập\"]')")
    wait_ready(page)


def open_page(page: Page, key: str, params: dict | None = None, check: bool = True, role: str = "analyst") -> Page:
    """Open a page (signing in as a demo user of `role` when asked to) and wait until it is
    drawn; unless told not to, fail on an exception box."""
    page.goto(url_for(key, params))
    page.wait_for_selector('[data-testid="stApp"]')
    wait_ready(page)
    if sign_in_form(page).count():
        sign_in(page, role)
    if check:
        assert_no_exception(page)
    return page


def assert_no_exception(page: Page) -> None:
    shown = exceptions(page)
    assert shown == [], f"Streamlit exception on {page.url}:\n" + "\n".join(shown)


def runs(page: Page) -> int:
    return page.evaluate("window.__cchcRuns || 0")


@contextmanager
def rerun(page: Page):
    """Wrap an action that makes Streamlit rerun; returns once that rerun is drawn."""
    before = runs(page)
    yield
    page.wait_for_function("n => (window.__cchcRuns || 0) > n", arg=before, polling=50)
    wait_ready(page)
    assert_no_exception(page)


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def sidebar(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebar"]')


def title(page: Page) -> str:
    return main(page).locator("h1").first.inner_text().strip()


def metrics(page: Page) -> dict[str, str]:
    """Metric cards: label -> value as shown."""
    out = {}
    for card in main(page).locator('[data-testid="stMetric"]').all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def card_rows(page: Page) -> list[list[str]]:
    """Metric cards grouped by the row they are drawn on (same top edge within 4 px): labels per row."""
    boxes = []
    for card in main(page).locator('[data-testid="stMetric"]').all():
        box = card.bounding_box()
        if box and box["width"] > 0:
            boxes.append((box["y"], card.locator('[data-testid="stMetricLabel"]').inner_text().strip()))
    rows: list[list[str]] = []
    last = None
    for y, label in sorted(boxes):
        if last is None or y - last > 4:
            rows.append([])
        rows[-1].append(label)
        last = y
    return rows


def exceptions(page: Page) -> list[str]:
    return [e.inner_text()[:1500] for e in page.locator('[data-testid="stException"]').all()]


def alerts(page: Page) -> list[str]:
    return [a.inner_text().strip() for a in main(page).locator('[data-testid="stAlert"]').all()]


def plotly_charts(page: Page) -> list[dict]:
    """Each Plotly chart on the page: trace types, number of drawn marks, separators, title."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
      .map(c => {
        const gd = c.querySelector('.js-plotly-plot');
        const svg = gd && gd.querySelector('.main-svg');
        const marks = gd ? gd.querySelectorAll(
          '.bars path, .scatterlayer .trace path.js-line, .scatterlayer .point, '
          + '.heatmaplayer image, .boxlayer path.box, .pielayer .slice path, '
          + '.scatterlayer .trace path.js-fill, .violinlayer path, '
          + '.choroplethlayer path.choroplethlocation').length : 0;
        const box = gd ? gd.getBoundingClientRect() : {width: 0, height: 0};
        // titles, axis titles, legend and colour-bar texts cut off at the chart's edges
        const clipped = gd ? [...gd.querySelectorAll('.infolayer text, .xtitle, .ytitle')]
          .filter(t => t.textContent.trim())
          .filter(t => { const r = t.getBoundingClientRect();
            return r.left < box.left - 2 || r.right > box.right + 2
              || r.top < box.top - 2 || r.bottom > box.bottom + 2; })
          .map(t => t.textContent.trim().slice(0, 80)) : [];
        // the title or its subtitle (wrapped on a phone) running into the plotting area
        const top = gd && gd._fullLayout && gd._fullLayout._size
          ? box.top + gd._fullLayout._size.t : -Infinity;
        const overlapping = gd ? [...gd.querySelectorAll('.gtitle, .gtitle-subtitle')]
          .filter(t => t.textContent.trim() && t.getBoundingClientRect().bottom > top + 2)
          .map(t => t.textContent.trim().slice(0, 80)) : [];
        return {
          clipped,
          overlapping,
          drawn: !!svg,
          types: gd && gd.data ? gd.data.map(t => t.type || 'scatter') : [],
          // pies and donuts whose slices carry no name: neither a label in the slice text nor a legend
          unnamedPies: gd && gd._fullData ? gd._fullData.filter(t => t.type === 'pie')
            .filter(t => !(String(t.textinfo || '').includes('label')
                           || (t.texttemplate && String(t.texttemplate).includes('label'))
                           || (gd._fullLayout.showlegend && t.showlegend !== false)))
            .map(t => t.name || '(pie)') : [],
          top: box.top,
          // kept wide on purpose (cchc/web/style.py WIDE): scrolls sideways on a phone
          wide: !!c.closest('[class*="st-key-cchc_wide"]'),
          marks,
          separators: gd && gd._fullLayout ? gd._fullLayout.separators : null,
          title: gd && gd._fullLayout && gd._fullLayout.title
            ? (gd._fullLayout.title.text || '').replace(/<[^>]+>/g, '') : '',
          width: box.width,
          height: box.height,
        };
      })""")


def horizontal_overflow(page: Page) -> list[str]:
    """Elements of the main area wider than the viewport (text or tables running off a phone)."""
    return page.evaluate("""() => {
      const vw = document.documentElement.clientWidth;
      const out = [];
      for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        // tables, and charts kept wide on purpose (cchc/web/style.py WIDE), scroll sideways
        if (r.right > vw + 1 && !el.closest('[data-testid="stDataFrame"], .js-plotly-plot, '
            + '[data-testid="stTabs"] [role="tablist"], [data-testid="stElementToolbar"], '
            + '[class*="st-key-cchc_wide"] [data-testid="stElementContainer"] *')) {
          out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('data-testid') || ''}`
                   + ` right=${Math.round(r.right)} "${(el.innerText || '').slice(0, 60)}"`);
        }
      }
      return out.slice(0, 10);
    }""")


# Streamlit scrolls inside its main container, so a full-page screenshot would show one screen
# only. For the shot the containers are let grow with their content (widths do not change, so
# nothing is redrawn), and put back afterwards.
_UNSCROLL_CSS = """[data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  position: static !important; height: auto !important; overflow: visible !important; }"""


def screenshot(page: Page, file: Path) -> None:
    """The whole page, as a person scrolling through it sees it."""
    file.parent.mkdir(parents=True, exist_ok=True)
    style = page.add_style_tag(content=_UNSCROLL_CSS)
    try:
        page.screenshot(path=str(file), full_page=True)
    finally:
        style.evaluate("el => el.remove()")


def visible_text(page: Page, scope: str = '[data-testid="stMain"]') -> str:
    """The text a person reads in `scope` (chart text included), without Material icon names
    ('download', 'keyboard_arrow_right'), which are ligatures drawn as icons."""
    return page.evaluate(
        """sel => {
      const root = document.querySelector(sel);
      if (!root) return '';
      const copy = root.cloneNode(true);
      copy.querySelectorAll('[data-testid="stIconMaterial"], [translate="no"]').forEach(e => e.remove());
      copy.style.position = 'absolute'; copy.style.left = '-99999px';
      document.body.appendChild(copy);
      const text = copy.innerText;
      copy.remove();
      return text;
    }""",
        scope,
    )


def grid(frame: Locator) -> list[dict[str, str]]:
    """The rows an st.dataframe shows (its visible rows), read from the accessible table the
    grid builds inside its canvas once it has focus."""
    canvas = frame.locator('canvas[data-testid="data-grid-canvas"]')
    canvas.focus()
    table = canvas.locator('table[role="grid"]')
    table.wait_for(state="attached")
    headers = [h.inner_text().strip() for h in table.locator("thead th").all()]
    rows = []
    for tr in table.locator("tbody tr").all():
        cells = [td.inner_text().strip() for td in tr.locator("td").all()]
        rows.append(dict(zip(headers, cells, strict=False)))
    return rows


def today_in_province() -> date:
    """The server's "today" (Asia/Ho_Chi_Minh, or CCHC_TODAY), not the machine's UTC date."""
    from cchc.clock import today

    return today()


def last_month(today: date) -> tuple[date, date]:
    """The 'Tháng trước' period, worked out here independently of cchc/periods.py."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def last_12_months(today: date) -> tuple[date, date]:
    """The '12 tháng gần nhất' period: the twelve whole months before this one."""
    end = today.replace(day=1) - timedelta(days=1)
    index = end.year * 12 + end.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1), end


def vi_int(text: str) -> int:
    """'1.264' -> 1264."""
    return int(text.strip().replace(".", ""))


def chart_index(page: Page, title: str) -> int:
    titles = [c["title"] for c in plotly_charts(page)]
    matches = [i for i, t in enumerate(titles) if t.startswith(title)]
    assert matches, f"no chart titled {title!r}; charts: {titles}"
    return matches[0]


def click_point(page: Page, chart: int, point: int) -> str:
    """Click one bar or marker of a chart like a person does; returns its customdata."""
    gd = page.locator('[data-testid="stPlotlyChart"]').nth(chart).locator(".js-plotly-plot")
    kind, ids = gd.evaluate("gd => [gd.data[0].type || 'scatter', gd.data[0].customdata]")
    layer = {"bar": ".barlayer", "scatter": ".scatterlayer"}[kind]
    target = gd.locator(f"{layer} .trace").first.locator(".point").nth(point)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)  # Plotly only reports a click on a point it is hovering
    page.mouse.click(x, y)
    value = ids[point]
    return value[0] if isinstance(value, list) else value


def catalogue_phrases(app_dir: Path, lang: str) -> list[str]:
    """UI strings of one language (cchc/catalogue.yaml) that must not show in the other: each
    string's longest literal piece (placeholders split it), when it is a phrase of its own and
    differs from the other language's string."""
    other = "vi" if lang == "en" else "en"
    raw = yaml.safe_load((app_dir / "cchc" / "catalogue.yaml").read_text(encoding="utf-8"))
    phrases = set()

    def walk(node: object) -> None:
        if isinstance(node, dict) and lang in node and other in node:
            mine, theirs = str(node[lang]), str(node[other])
            piece = max(re.split(r"\{[^}]*\}|[*:`\[\]]", mine), key=len).strip(" .,;()–-")
            if mine != theirs and len(piece) >= 12 and " " in piece and piece not in theirs:
                phrases.add(piece)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(raw)
    return sorted(phrases)


# --- sidebar -------------------------------------------------------------------------------


def open_sidebar(page: Page) -> Locator:
    """At phone width the sidebar starts collapsed."""
    side = sidebar(page)
    if side.get_attribute("aria-expanded") == "false" or not side.is_visible():
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        side.locator('[data-testid="stSidebarUserContent"]').wait_for(state="visible")
    return side


def pick(page: Page, label: str, option: str, scope: Locator | None = None) -> None:
    """Choose an option of a selectbox by its label (rerun waited for)."""
    where = scope or page
    box = where.get_by_role("combobox", name=label, exact=True)
    with rerun(page):
        box.click()
        page.get_by_role("option", name=option, exact=True).click()


def add_to_multiselect(page: Page, label: str, search: str, option: str, scope: Locator | None = None) -> None:
    where = scope or page
    box = where.get_by_role("combobox", name=label, exact=True)
    with rerun(page):
        box.click()
        box.press_sequentially(search, delay=30)  # typed like a person, so the list filters
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def expand(scope: Locator, summary: str) -> None:
    """Open an expander (sidebar groups) if it is closed."""
    exp = scope.locator('[data-testid="stExpander"]').filter(has=scope.page.get_by_text(summary, exact=True))
    details = exp.locator("details").first
    if details.get_attribute("open") is None:
        exp.locator("summary").first.click()
    exp.locator('[data-testid="stExpanderDetails"]').first.wait_for(state="visible")


# --- console -------------------------------------------------------------------------------

# Console noise that is understood and not the app's fault, exactly:
# 1. Streamlit's frontend, opened at a page's URL (/phan-anh), first looks for the server under
#    that path (a possible base path) and gets 404 for <page>/_stcore/health and
#    <page>/_stcore/host-config before it falls back to the root, where both answer.
# 2. page_icon=":material/account_balance:" makes Streamlit fetch the favicon's SVG from
#    fonts.gstatic.com; the test machine has no internet access (DNS fails). Only the favicon is
#    affected. Nothing else from outside may fail.
_BASE_PATH_PROBE = re.compile(r"^http://127\.0\.0\.1:\d+/[\w-]+/_stcore/(health|host-config)$")
_MATERIAL_FAVICON = re.compile(
    r"^https://fonts\.gstatic\.com/s/i/short-term/release/materialsymbols\w+/\w+/default/\d+px\.svg$"
)


class ConsoleErrors:
    def __init__(self, page: Page):
        self.errors: list[tuple[str, str]] = []  # (text, url)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append((f"page error: {exc}", "")))

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append((msg.text, (msg.location or {}).get("url", "")))

    @staticmethod
    def ignored(text: str, url: str) -> bool:
        if text.startswith("Failed to load resource: the server responded with a status of 404"):
            return bool(_BASE_PATH_PROBE.match(url))
        if text == "Failed to load resource: net::ERR_NAME_NOT_RESOLVED":
            return bool(_MATERIAL_FAVICON.match(url))
        return False

    def unexpected(self) -> list[str]:
        return [f"{text} ({url})" if url else text for text, url in self.errors if not self.ignored(text, url)]

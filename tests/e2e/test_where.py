"""Issue 17 in the browser: the map of the 92 communes and wards is drawn at laptop and phone
width with no request leaving the server (no tile server, no base-map download), its polygons
the right way round, hover and click to the profile; the plan and the candidates are drawn."""

from __future__ import annotations

import pytest

from tests.e2e import browser as b

VIEWPORTS = {"1280": (1280, 800), "390": (390, 844)}
PERIOD = {"period": "last_12m"}


def _external(page, server: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    return seen


def _geo(page, chart: int = 0) -> dict:
    """The choropleth as drawn: polygons per trace, the largest polygon against the map's area."""
    gd = page.locator('[data-testid="stPlotlyChart"]').nth(chart).locator(".js-plotly-plot")
    return gd.evaluate("""gd => {
      const geo = gd.querySelector('.geo .bg rect') || gd.querySelector('.geo');
      const area = geo.getBoundingClientRect();
      const traces = [...gd.querySelectorAll('.choroplethlayer .trace')];
      const sizes = traces.map(t => [...t.querySelectorAll('path.choroplethlocation')]
        .map(p => { const r = p.getBoundingClientRect(); return r.width * r.height; }));
      const all = [...gd.querySelectorAll('path.choroplethlocation')].map(p => p.getBoundingClientRect());
      const left = Math.min(...all.map(r => r.left)), right = Math.max(...all.map(r => r.right));
      const top = Math.min(...all.map(r => r.top)), bottom = Math.max(...all.map(r => r.bottom));
      return {types: gd.data.map(t => t.type), paths: sizes.map(s => s.length),
              largest: Math.max(...sizes.flat()), area: area.width * area.height,
              drawn_width: right - left, drawn_height: bottom - top, chart_width: gd.getBoundingClientRect().width,
              ids: gd.data[gd.data.length - 1].customdata || []};
    }""")


@pytest.mark.parametrize("width", VIEWPORTS)
def test_map_of_the_92_communes_is_drawn_without_network(new_page, server, artifacts, width):
    page = new_page(*VIEWPORTS[width])
    external = _external(page, server)
    b.open_page(page, "dia-ban", PERIOD)
    b.screenshot(page, artifacts / f"issue17-map-{width}.png")
    geo = _geo(page)
    assert geo["types"][0] == "choropleth" and set(geo["types"]) == {"choropleth"}
    assert geo["paths"][0] == 92  # every commune and ward has its polygon
    assert sum(geo["paths"][1:]) == 92  # and each is coloured or greyed
    # polygons the right way round: an inverted ring would fill the whole map
    assert geo["largest"] < 0.2 * geo["area"], geo
    # fits the screen and stays legible
    assert geo["chart_width"] <= VIEWPORTS[width][0]
    assert geo["drawn_width"] >= (150 if width == "390" else 250) and geo["drawn_height"] >= 250, geo
    assert external == []
    assert b.horizontal_overflow(page) == []
    text = b.visible_text(page)
    assert "92 xã, phường" in text and "cộng vào đơn vị hiện nay" in text
    charts = b.plotly_charts(page)
    assert charts[1]["types"] == ["bar"] and charts[1]["marks"] > 0  # departments beside the map


def test_hovering_and_clicking_a_commune_opens_its_profile(new_page, server):
    page = new_page(1280, 900)
    b.open_page(page, "dia-ban", PERIOD)
    gd = page.locator('[data-testid="stPlotlyChart"]').first.locator(".js-plotly-plot")
    target = gd.evaluate("""gd => {
      const traces = gd.querySelectorAll('.choroplethlayer .trace');
      const paths = traces[traces.length - 1].querySelectorAll('path.choroplethlocation');
      let best = 0, area = 0;
      paths.forEach((p, i) => {
        const r = p.getBoundingClientRect();
        if (r.width * r.height > area) { area = r.width * r.height; best = i; }
      });
      return {i: best, id: gd.data[gd.data.length - 1].customdata[best]};
    }""")
    path = gd.locator(".choroplethlayer .trace").last.locator("path.choroplethlocation").nth(target["i"])
    path.scroll_into_view_if_needed()
    box = path.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    hover = page.evaluate("() => [...document.querySelectorAll('.hoverlayer')].map(h => h.textContent).join(' ')")
    assert "Dân số" in hover and "12 tháng đến" in hover
    with b.rerun(page):
        page.mouse.click(x, y)
    b.wait_ready(page)
    assert b.title(page) == "Hồ sơ cơ quan"
    assert b.query(page)["agency"] == target["id"]


@pytest.mark.parametrize("width", VIEWPORTS)
def test_overview_shows_the_small_map(new_page, server, artifacts, width):
    page = new_page(*VIEWPORTS[width])
    external = _external(page, server)
    b.open_page(page, "tong-quan", PERIOD)
    titles = [c["title"] for c in b.plotly_charts(page)]
    index = next(i for i, title in enumerate(titles) if "theo xã, phường" in title)
    geo = _geo(page, index)
    assert geo["paths"][0] == 92 and geo["largest"] < 0.2 * geo["area"]
    assert external == []


@pytest.mark.parametrize("width", VIEWPORTS)
def test_plan_and_candidates_pages_are_drawn(new_page, artifacts, width):
    page = new_page(*VIEWPORTS[width])
    b.open_page(page, "ke-hoach", PERIOD)
    b.screenshot(page, artifacts / f"issue17-plan-{width}.png")
    charts = b.plotly_charts(page)
    assert charts and charts[0]["marks"] > 0 and not charts[0]["clipped"]
    text = b.visible_text(page)
    for heading in ("Theo cơ quan", "Cuộc kiểm tra ngoài kế hoạch", "Báo cáo tự kiểm tra"):
        assert heading in text
    page = new_page(*VIEWPORTS[width])
    b.open_page(page, "doi-tuong", PERIOD)
    b.screenshot(page, artifacts / f"issue17-candidates-{width}.png")
    charts = b.plotly_charts(page)
    assert charts[0]["types"].count("bar") == 6 and charts[0]["marks"] > 0 and not charts[0]["clipped"]
    assert "Tải danh sách cho đoàn kiểm tra (Excel)" in b.visible_text(page)

"""The dashboard's own CSS: the phone layout (cards two per row, a compact header, wide charts
that scroll sideways) and the print view (A4 landscape, black and white, no sidebar).

Streamlit has no layout for narrow screens beyond stacking columns one per row below 640 px,
and none for print. The rules here are scoped to containers the app keys itself
(`st.container(key=...)` gives the element the class `st-key-<key>`) and to Streamlit's
`data-testid` attributes, which its own tests rely on; nothing depends on generated class
names. Injected once per run by dashboard.py (a <style>-only st.html takes no space)."""

from __future__ import annotations

import streamlit as st

# Keys of the containers the rules below are scoped to.
CARDS = "cchc_cards"  # a block of headline cards (cchc/web/cards.py)
WIDE = "cchc_wide"  # prefix: a chart that keeps a minimum width and scrolls sideways on a phone
PRINT_ONLY = "cchc_print_only"  # shown on paper only (the period and filters on top)
SCREEN_ONLY = "cchc_screen_only"  # shown on screen only (the print hint)

PHONE_MAX_PX = 640  # Streamlit's own breakpoint for stacking columns
WIDE_MIN_PX = 560  # a wide chart's minimum width (the heatmap: 12 months beside agency names)

CSS = f"""
/* ---- every width: a card's label that does not fit its card wraps instead of being cut ---- */
[class*="st-key-{CARDS}"] [data-testid="stMetricLabel"] {{ height: auto; }}
[class*="st-key-{CARDS}"] [data-testid="stMetricLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}

/* ---- phone ---------------------------------------------------------------------------- */
@media (max-width: {PHONE_MAX_PX}px) {{
  /* less empty room above the title: the first chart has to start on the first screen */
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.25rem; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ gap: 0.6rem; }}
  [data-testid="stMain"] h1 {{ font-size: 1.9rem; padding-top: 0.5rem; }}
  [data-testid="stMain"] h2, [data-testid="stMain"] h3 {{ font-size: 1.25rem; padding-top: 0.5rem; }}

  /* headline cards: two per row instead of one (Streamlit stacks columns below 640 px) */
  [class*="st-key-{CARDS}"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; row-gap: 0.5rem; }}
  [class*="st-key-{CARDS}"] [data-testid="stColumn"] {{
    min-width: calc(50% - 0.5rem) !important; width: calc(50% - 0.5rem); flex: 1 1 calc(50% - 0.5rem);
  }}
  [class*="st-key-{CARDS}"], [class*="st-key-{CARDS}"] [data-testid="stVerticalBlock"] {{ gap: 0.3rem; }}
  [class*="st-key-{CARDS}"] [data-testid="stMetric"] {{ padding: 0; }}
  [class*="st-key-{CARDS}"] [data-testid="stMetric"] > div {{ padding: 0.5rem 0.6rem; }}
  [class*="st-key-{CARDS}"] [data-testid="stMetricValue"] {{
    font-size: 1.4rem; line-height: 1.3; padding-bottom: 2px;
  }}
  [class*="st-key-{CARDS}"] [data-testid="stMetricLabel"] * {{ font-size: 0.8rem; }}
  [class*="st-key-{CARDS}"] div:has(> [data-testid="stMetricDelta"]) {{ flex-wrap: wrap; row-gap: 2px; }}
  [class*="st-key-{CARDS}"] [data-testid="stMetricDelta"] {{ font-size: 0.75rem; }}
  [class*="st-key-{CARDS}"] [data-testid="stCaptionContainer"] {{ font-size: 0.72rem; line-height: 1.25; }}

  /* charts that need width (the agency × month heatmap): a minimum width, scrolled sideways */
  [class*="st-key-{WIDE}"] {{ overflow-x: auto; }}
  [class*="st-key-{WIDE}"] [data-testid="stPlotlyChart"],
  [class*="st-key-{WIDE}"] [data-testid="stFullScreenFrame"] {{ min-width: {WIDE_MIN_PX}px; }}
}}

/* the print button (cchc/web/page.py print_button); phones do not print, so it is not shown there */
button.cchc-print {{
  font: inherit; font-size: 0.875rem; padding: 0.3rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.25); background: transparent; color: inherit; white-space: nowrap;
}}
button.cchc-print:hover {{ border-color: currentColor; }}
@media (max-width: {PHONE_MAX_PX}px) {{ [class*="st-key-{SCREEN_ONLY}_print"] {{ display: none !important; }} }}

/* ---- print: A4 landscape, black and white, what a meeting reads ---------------------------- */
[class*="st-key-{PRINT_ONLY}"] {{ display: none !important; }}
@media print {{
  @page {{ size: A4 landscape; margin: 10mm 12mm; }}
  html, body {{ background: #fff !important; }}
  /* the app scrolls inside its own containers on screen; on paper the page flows */
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
    position: static !important; height: auto !important; overflow: visible !important;
  }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: 100% !important; }}
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stExpandSidebarButton"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stDownloadButton"], [data-testid="stButton"],
  [data-testid="stElementToolbar"], [data-testid="stSkipToContent"], [data-testid="stTooltipIcon"],
  [data-testid="stHeaderActionElements"], [class*="st-key-{SCREEN_ONLY}"], .modebar-container {{
    display: none !important;
  }}
  [class*="st-key-{PRINT_ONLY}"] {{ display: block !important; }}
  /* the page's column of elements as plain blocks, so that a heading stays with its chart */
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ display: block !important; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * {{ margin-bottom: 0.6rem; }}
  [data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3,
  [data-testid="stHeading"], [data-testid="stElementContainer"]:has(h2, h3) {{ break-after: avoid; }}
  /* black text; cards framed in black so they read without their tint */
  [data-testid="stMain"] p, [data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3,
  [data-testid="stMain"] span, [data-testid="stMain"] div {{ color: #000 !important; }}
  [data-testid="stMetric"] {{ border: 1px solid #000 !important; background: #fff !important; }}
  [data-testid="stMetricDelta"] {{ background: #fff !important; border: 1px solid #000; }}
  [data-testid="stMetric"], [data-testid="stPlotlyChart"], [data-testid="stDataFrame"] {{ break-inside: avoid; }}
  /* four cards a row on paper as on a laptop, whatever the width the browser printed from */
  [class*="st-key-{CARDS}"] [data-testid="stHorizontalBlock"] {{ flex-wrap: nowrap !important; }}
  [class*="st-key-{CARDS}"] [data-testid="stColumn"] {{ min-width: 0 !important; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; box-shadow: none !important; }}
}}
"""


def apply() -> None:
    """Inject the stylesheet (call once per run, before the page draws)."""
    st.html(f"<style>{CSS}</style>")

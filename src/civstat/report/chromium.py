"""Chromium, offline: :data:`CHROMIUM_FLAGS`, the one list of switches every Chromium the
project starts gets (kaleido through :func:`offline_chromium`, the tests' headless page checks by
importing it) — a default headless Chromium looks up accounts.google.com, clients2.google.com
and update.googleapis.com; with these switches it makes no network request of its own — and
:class:`SvgRenderer`, the former static chart path (kaleido driving the system Chromium), kept
for the report benchmark's baseline and the offline test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from typing import Any, Self

import plotly.graph_objects as go

from civstat.report.charts import HEIGHT, WIDTH, Chart

# Every Chromium the project starts gets these; a default headless Chromium (Debian's ships
# Google API keys) asks accounts.google.com, clients2.google.com and update.googleapis.com.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # variations, safe browsing, GCM …
    "--disable-component-update",  # update.googleapis.com
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",  # and their update checks
    "--disable-features=NetworkTimeServiceQuerying",  # clients2.google.com/time
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--dns-prefetch-disable",
    # What no switch turns off (the GAIA cookie check, accounts.google.com/ListAccounts; the
    # component updater's first check) never gets a name resolved: every host name but
    # localhost fails inside Chromium, so no DNS query and no connection leaves it.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)


def with_chromium_flags(cli: Sequence[str]) -> list[str]:
    """``cli`` (executable first) with the missing :data:`CHROMIUM_FLAGS` added."""
    cli = list(cli)
    return cli + [flag for flag in CHROMIUM_FLAGS if flag not in cli]


def offline_chromium() -> type:
    """choreographer's Chromium (which kaleido starts) with :data:`CHROMIUM_FLAGS` added; pass
    it as ``browser_cls=`` to ``kaleido.start_sync_server`` / ``kaleido.Kaleido``."""
    from choreographer.browsers import Chromium

    class OfflineChromium(Chromium):
        def get_cli(self) -> list[str]:
            return with_chromium_flags(super().get_cli())

    return OfflineChromium


def _chromium() -> str | None:
    return (
        os.environ.get("BROWSER_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


class SvgRenderer:
    """Context manager: one kaleido server for all the charts of a report run."""

    def __enter__(self) -> Self:
        browser = _chromium()
        if not browser:
            raise RuntimeError(
                "找不到 Chromium,无法把图表转为矢量图 / Chromium not found (BROWSER_PATH)"
            )
        os.environ["BROWSER_PATH"] = browser
        import kaleido

        self._kaleido = kaleido
        kaleido.start_sync_server(**self.kaleido_options(browser), silence_warnings=True)
        return self

    @staticmethod
    def kaleido_options(browser: str) -> dict[str, Any]:
        """No MathJax (a CDN), the system Chromium, the offline switches."""
        return {"mathjax": False, "path": browser, "browser_cls": offline_chromium()}

    def svg(self, chart: Chart, width: int = WIDTH) -> str:
        fig = go.Figure(chart.figure)
        height = fig.layout.height or HEIGHT
        data = self._kaleido.calc_fig_sync(
            fig, opts={"format": "svg", "width": width, "height": height}
        )
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        chart.svg = text
        return text

    def __exit__(self, *exc) -> None:
        self._kaleido.stop_sync_server(silence_warnings=True)

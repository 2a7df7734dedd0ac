"""Start the dashboard with its libraries loaded while the first browser is still loading the page.

    python -m webapp run dashboard.py [any `streamlit run` option]

takes the same arguments as ``python -m streamlit`` and runs the same server. The only difference:
a background thread imports pandas, pyarrow, DuckDB, Plotly, Babel and the app's modules, opens
the build and draws the default period's overview charts into the figure memo
(``webapp.app.FIGURES``) as soon as the process starts. With plain ``streamlit run`` all of that
happens in the first visitor's first run, after the browser has loaded Streamlit's page (about a
second and a half here, during which the server is idle): ~2 s for that run instead of ~0.5 s.
``make run``, the benchmark (``python -m bench ui``) and the recipes in docs/deploy.md start it so;
a host that can only run ``streamlit run dashboard.py`` loses nothing but this head start.

The warm-up never compiles data (a fresh clone's first build stays with the first request,
``app.ensure_build``) and a failure in it is logged and otherwise ignored: the page does the same
work again when asked.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import threading
import time

from streamlit.logger import get_logger

LOG = get_logger("webapp.warm_up")  # (Streamlit's log: its level and format)


def warm_up(wait: float = 30.0) -> None:
    """What the first visitor's run would do first, done now: navigation mode set, the libraries and
    the app's modules imported, the build opened, and the default overview's data and charts put in
    the caches that run reads (after waiting up to ``wait`` seconds for Streamlit's runtime, to which
    the caches belong)."""
    started = time.perf_counter()
    try:
        from streamlit import runtime
        from streamlit.runtime.pages_manager import PagesManager

        # (app.require_router does this in the first run, which it then starts again; here it is done
        # before there is one: a pages/ folder beside dashboard.py, but st.navigation decides)
        if PagesManager.uses_pages_directory is None:
            PagesManager.uses_pages_directory = False
        import duckdb  # noqa: F401 - (imported by the query layer on first use)

        import pressfreedom
        from pressfreedom import i18n
        from pressfreedom.paths import processed_dir
        from pressfreedom.vocab import LANGUAGES

        for module in pkgutil.walk_packages(pressfreedom.__path__, "pressfreedom."):
            importlib.import_module(module.name)  # (the deck's python-pptx, the images' kaleido, …)
        for lang in LANGUAGES:
            i18n.t("page.overview", lang)
        while not runtime.exists() and time.perf_counter() - started < wait:
            time.sleep(0.02)
        from webapp import app, presentation, sections  # noqa: F401 - (presentation: imported by the pages)

        if (processed_dir() / "manifest.json").is_file():
            query = app.get_query()
            f = query.default_filters(lang=app.load_config().default_language)
            data = sections.overview_data(f, events=True)  # the page's own data and charts, as it asks
            for kf in (data.monthly, data.outlets, data.published):
                if kf is not None:
                    app.built(kf.build, "screen")
    except Exception:  # noqa: BLE001 - a head start only: the page does the same work when asked
        LOG.warning("warm-up failed (the first page view does this work instead)", exc_info=True)
        return
    LOG.info("warm-up done in %.2f s", time.perf_counter() - started)


def main() -> None:
    threading.Thread(target=warm_up, name="pfd-warm-up", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()

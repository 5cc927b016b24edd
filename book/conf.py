"""Sphinx configuration of the rendered series (`make book`; tools/book.py prepares the sources).

MyST-NB reads the notebooks and executes them once, caching the outputs (jupyter-cache): a rebuild
after a text edit re-executes nothing. MathJax is served from the site itself (copied in by
tools/book.py from the npm package), so neither the build nor a reader needs the network.
"""

project = "Bayesian deep learning, one notebook at a time"
author = "The authors of the Bayesian deep learning notebook series"
copyright = "2026, the authors"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# Execute each notebook once, keep the outputs in a cache keyed by its code (tools/book.py adds a
# fingerprint of the helpers package to each notebook, so a change there re-executes too).
nb_execution_mode = "cache"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# the only folded code cells are the worked solutions (tools/book.py folds them)
nb_code_prompt_show = "Show the worked solution"
nb_code_prompt_hide = "Hide the worked solution"

mathjax_path = "mathjax/tex-mml-chtml.js"
# The slider panels are still images (NB_STATIC=1); no widget manager, whose scripts are on a CDN.
nb_ipywidgets_js = {}

html_theme = "sphinx_book_theme"
html_title = "Bayesian deep learning"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_favicon = "_static/favicon.svg"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "extra_footer": (
        "Code under the <a href='https://opensource.org/license/mit'>MIT licence</a>; text and "
        "figures under <a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>."
    ),
}
html_context = {"default_mode": "light"}  # light for projectors; readers can switch
html_last_updated_fmt = None
html_show_sourcelink = False

"""helpers.config: seeding, environment variables, projector style, strict warnings."""

import os
import subprocess
import sys
import warnings

import matplotlib as mpl
import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from helpers import config, setup


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("NB_SEED", "NB_THREADS", "NB_DEVICE", "NB_PROJECTOR", "NB_STRICT_WARNINGS",
                 *config._BLAS_THREAD_VARIABLES):  # setup() sets these: restored after each test
        monkeypatch.delenv(name, raising=False)
    threads = torch.get_num_threads()
    with warnings.catch_warnings(), threadpool_limits(limits=None):  # restores BLAS threads after
        yield
    torch.set_num_threads(threads)
    config.projector(False)


def test_same_seed_gives_same_random_numbers():
    setup(seed=7, verbose=False)
    a = (np.random.rand(3), torch.rand(3))  # noqa: NPY002  (the legacy generator is seeded too)
    setup(seed=7, verbose=False)
    b = (np.random.rand(3), torch.rand(3))  # noqa: NPY002
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1])


def test_seed_and_threads_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NB_SEED", "42")
    monkeypatch.setenv("NB_THREADS", "2")
    cfg = setup(verbose=False)
    assert (cfg.seed, cfg.threads) == (42, 2)
    assert torch.get_num_threads() == 2
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {2}


def test_default_of_one_thread_holds_for_numpys_blas_too():
    setup(verbose=False)
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}


def test_a_blas_loaded_after_setup_gets_the_same_thread_count():
    # SciPy's wheel bundles its own OpenBLAS, loaded at the first `import scipy.linalg`: after setup()
    # in every notebook, so threadpool_limits cannot reach it; it reads the environment instead.
    code = ("import numpy; from helpers import setup; setup(threads=1, verbose=False); import scipy.linalg; "
            "from threadpoolctl import threadpool_info; "
            "print(sorted({p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'}))")
    env = {k: v for k, v in os.environ.items() if k not in config._BLAS_THREAD_VARIABLES}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1]", out.stdout + out.stderr


def test_defaults_are_seed_zero_one_thread_and_an_available_device():
    cfg = setup(verbose=False)
    assert (cfg.seed, cfg.threads, cfg.projector, cfg.strict_warnings) == (0, 1, False, False)
    assert cfg.device == ("cuda" if torch.cuda.is_available() else "cpu")


def test_rng_streams_are_reproducible_and_independent():
    cfg = setup(seed=3, verbose=False)
    assert cfg.rng(1).random() == cfg.rng(1).random()
    assert cfg.rng(1).random() != cfg.rng(2).random()


@pytest.mark.parametrize("name, value, message", [
    ("NB_SEED", "abc", "NB_SEED must be a whole number"),
    ("NB_SEED", "-2", "NB_SEED must be >= 0"),
    ("NB_THREADS", "0", "NB_THREADS must be >= 1"),
    ("NB_DEVICE", "tpu", "device must be 'cpu' or 'cuda'"),
])
def test_bad_environment_values_raise_clear_errors(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        setup(verbose=False)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="seed"):
        setup(seed=-1, verbose=False)
    with pytest.raises(ValueError, match="threads"):
        setup(threads=0, verbose=False)


def test_projector_mode_enlarges_fonts_and_lines(monkeypatch):
    setup(verbose=False)
    small = (mpl.rcParams["font.size"], mpl.rcParams["lines.linewidth"])
    monkeypatch.setenv("NB_PROJECTOR", "1")
    cfg = setup(verbose=False)
    assert cfg.projector
    assert mpl.rcParams["font.size"] >= 1.4 * small[0]
    assert mpl.rcParams["lines.linewidth"] >= 1.5 * small[1]
    config.projector(False)
    assert (mpl.rcParams["font.size"], mpl.rcParams["lines.linewidth"]) == small


def test_strict_mode_turns_deprecation_and_future_warnings_into_errors(monkeypatch):
    monkeypatch.setenv("NB_STRICT_WARNINGS", "1")
    assert setup(verbose=False).strict_warnings
    for category in (DeprecationWarning, FutureWarning):
        with pytest.raises(category):
            warnings.warn("old API", category, stacklevel=1)
    # the Jupyter kernel's own deprecations are reported, not raised inside its event loop
    with pytest.warns(DeprecationWarning):
        warnings.warn_explicit("kernel internals", DeprecationWarning, "kernelbase.py", 1,
                               module="ipykernel.kernelbase")


def test_setup_prints_a_one_line_summary(capsys):
    setup(seed=5)
    out = capsys.readouterr().out.strip()
    assert "seed 5" in out and "\n" not in out


def test_inline_figures_are_rendered_once_as_png_and_empty_ones_skipped():
    from matplotlib.figure import Figure

    from helpers.config import _inline_png

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    png = _inline_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image
    assert Image.open(io.BytesIO(png)).size == (300, 200)  # the figure's own size at 100 dpi, no cropping
    assert _inline_png(Figure()) is None


def test_setup_outside_ipython_leaves_display_alone():
    from IPython import get_ipython

    assert get_ipython() is None
    setup(verbose=False)  # no shell: nothing to register, and no error

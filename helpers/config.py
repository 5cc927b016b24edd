"""The one-line preamble of every notebook: seed, threads, device, plot style, warnings.

    from helpers import setup
    cfg = setup()

Environment variables (all optional):
    NB_SEED             seed of every random generator (default 0); every check must hold for any seed
    NB_THREADS          CPU threads of torch and of NumPy's BLAS (default 1: fastest for the
                        series' small models, and no fight for cores on a busy laptop)
    NB_DEVICE           "cpu" or "cuda" (default: cuda when available)
    NB_PROJECTOR=1      larger fonts and thicker lines for a lecture hall
    NB_STRICT_WARNINGS=1  DeprecationWarning / FutureWarning become errors (set by `make test`)
    NB_STATIC=1         slider panels become still images of their default setting (`make book`)
"""

from __future__ import annotations

import os
import random
import warnings
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from . import plotting


@dataclass(frozen=True)
class Config:
    seed: int
    threads: int
    device: str
    projector: bool
    strict_warnings: bool

    def rng(self, stream: int = 0) -> np.random.Generator:
        """A NumPy Generator derived from the seed; different `stream`s give independent draws."""
        return np.random.default_rng([self.seed, stream])

    def __str__(self) -> str:
        mode = "projector" if self.projector else "screen"
        return (f"seed {self.seed} · {self.threads} torch thread(s) · device {self.device} · "
                f"{mode} style" + (" · strict warnings" if self.strict_warnings else ""))


def _env_int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"environment variable {name} must be >= {minimum}, got {value}")
    return value


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's global and torch's generators (Pyro draws from torch's)."""
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (seeds the legacy global generator students may use)
    torch.manual_seed(seed)


_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# The kernel's own machinery runs in the same process; its deprecations are not the notebook's.
_KERNEL_MACHINERY = r"(ipykernel|jupyter_client|jupyter_core|zmq|tornado|traitlets|comm)(\.|$)"


def strict_warnings() -> None:
    """Turn DeprecationWarning and FutureWarning into errors, except inside the Jupyter kernel itself."""
    for category in (DeprecationWarning, FutureWarning):
        warnings.filterwarnings("error", category=category)
        warnings.filterwarnings("default", category=category, module=_KERNEL_MACHINERY)


def setup(seed: int | None = None, *, projector: bool | None = None, threads: int | None = None,
          device: str | None = None, verbose: bool = True) -> Config:
    """Configure a notebook session, print a one-line summary and return the settings.

    Arguments override the environment variables listed in this module's docstring.
    """
    import torch

    seed = _env_int("NB_SEED", 0, 0) if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    threads = _env_int("NB_THREADS", 1, 1) if threads is None else threads
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a whole number >= 1, got {threads!r}")
    if device is None:
        device = os.environ.get("NB_DEVICE", "").strip() or (
            "cuda" if torch.cuda.is_available() else "cpu")
    if device not in {"cpu", "cuda"}:
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for, but torch sees no GPU here")
    projector = _env_flag("NB_PROJECTOR") if projector is None else bool(projector)
    strict = _env_flag("NB_STRICT_WARNINGS")

    torch.set_num_threads(threads)
    # NumPy's BLAS too: its default of one thread per core made the small matrix products of the
    # slider explorers 10x slower whenever another process (a second notebook) used the cores.
    threadpool_limits(limits=threads, user_api="blas")
    # A BLAS loaded later (SciPy's wheel bundles its own OpenBLAS, loaded on the first `scipy.linalg`
    # import) reads its thread count from the environment when it loads: left at one per core, a 6x6
    # triangular solve cost 60x more CPU on a busy machine (its second thread spins).
    for name in _BLAS_THREAD_VARIABLES:
        os.environ[name] = str(threads)
    seed_everything(seed)
    plotting.use_style(projector=projector)
    _render_inline_figures_once()
    if strict:
        strict_warnings()
    cfg = Config(seed=seed, threads=threads, device=device, projector=projector,
                 strict_warnings=strict)
    if verbose:
        print(cfg)
    return cfg


def _inline_png(fig) -> bytes | None:
    """The notebook's PNG of a figure: `plotting.render` (one draw, fast compression). IPython's own
    formatter draws twice (layout dry run, then `bbox_inches="tight"`), about 0.4 s more per figure;
    constrained layout already fits every figure of the series inside its canvas."""
    if not fig.axes and not fig.texts and not fig.images:
        return None  # IPython shows nothing for an empty figure either
    return plotting.render(fig, "png")


def _render_inline_figures_once() -> None:
    """Inside IPython, display matplotlib figures with `_inline_png` (no-op elsewhere)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib
    from matplotlib.figure import Figure

    if "inline" not in matplotlib.get_backend(auto_select=False):
        return  # another backend (a GUI window, widget canvas): leave its display alone
    # Importing the inline backend selects IPython's formatters once; register ours after it.
    import matplotlib_inline.backend_inline  # noqa: F401

    shell.display_formatter.formatters["image/png"].for_type(Figure, _inline_png)


def projector(on: bool = True) -> None:
    """Switch the projector style (large fonts, thick lines) on or off for the figures that follow."""
    plotting.use_style(projector=on)

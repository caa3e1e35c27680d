"""Where the project's own files are: the checkout's, or the copies bundled in the installed package.

rackharness reads files that are not Python modules of the package: the hardware profiles and the
tape sets (``fixtures/``), the black-box suite (``tests/rackhd/``, with ``known_differences.yaml``),
the Vagrantfile (``vagrant/``) and the suite's nose2 configuration (``unittest.cfg``). In a checkout
(the source tree the package was imported from: a plain checkout on ``PYTHONPATH`` or an editable
install) they are the checkout's. An installed wheel carries copies under ``rackharness/bundled/``,
laid out as in the checkout (pyproject.toml maps them from the checkout's directories), so every path
below is the same relative path under one root, and the bundled suite imports as ``tests.rackhd``:
the test ids the tapes and the known differences name are the same either way.

API: :func:`project` (the :class:`ProjectFiles` of this rackharness, located once), and
:func:`resolve` for a configured relative path (``tapes.dir``'s default ``fixtures/tapes``): the path
itself when it exists from the current directory, else the project's copy. Nothing is read at import.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

#: relative to the project root, in a checkout and in the bundle alike
FIXTURES = Path("fixtures")
HARDWARE = FIXTURES / "hardware"
TAPES = FIXTURES / "tapes"
SUITE = Path("tests") / "rackhd"
KNOWN_DIFFERENCES = SUITE / "known_differences.yaml"
VAGRANT = Path("vagrant")
NOSE2_CONFIG = Path("unittest.cfg")
#: what makes a directory the checkout rackharness came from (a site-packages has none of these)
CHECKOUT_MARKERS = (Path("pyproject.toml"), NOSE2_CONFIG, SUITE)
#: the bundle's place in the package
BUNDLE = "bundled"


@dataclass(frozen=True)
class ProjectFiles:
    """The project's files under ``root``: a checkout's root, or ``<package>/bundled``."""

    root: Path
    checkout: bool
    #: the directory holding the ``rackharness`` package (what a child process needs on PYTHONPATH)
    import_root: Path

    @property
    def fixtures(self) -> Path:
        return self.root / FIXTURES

    @property
    def hardware_profiles(self) -> Path:
        return self.root / HARDWARE

    @property
    def tapes(self) -> Path:
        return self.root / TAPES

    @property
    def suite(self) -> Path:
        """``tests/rackhd``; it imports as ``tests.rackhd`` with :attr:`suite_root` on ``sys.path``."""
        return self.root / SUITE

    @property
    def suite_root(self) -> Path:
        return self.root

    @property
    def known_differences(self) -> Path:
        return self.root / KNOWN_DIFFERENCES

    @property
    def vagrant(self) -> Path:
        return self.root / VAGRANT

    @property
    def nose2_config(self) -> Path:
        return self.root / NOSE2_CONFIG

    def where(self) -> str:
        return f"the checkout at {self.root}" if self.checkout else f"the files bundled with rackharness ({self.root})"


def locate(package_dir: str | Path) -> ProjectFiles:
    """The project files of the ``rackharness`` package at ``package_dir`` (its ``__init__.py``'s directory)."""
    package_dir = Path(package_dir).resolve()
    parent = package_dir.parent
    if all((parent / marker).exists() for marker in CHECKOUT_MARKERS):
        return ProjectFiles(root=parent, checkout=True, import_root=parent)
    return ProjectFiles(root=package_dir / BUNDLE, checkout=False, import_root=parent)


@functools.cache
def project() -> ProjectFiles:
    """This rackharness's project files (located on first use, then remembered)."""
    return locate(Path(__file__).parent)


def resolve(path: str | Path, files: ProjectFiles | None = None) -> Path:
    """A configured path: as given when absolute or present from the current directory; else, when the same
    relative path exists under the project root (``fixtures/tapes`` run from outside the checkout), that one;
    else as given (so an error names what was configured)."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    candidate = (files or project()).root / path
    return candidate if candidate.exists() else path

"""The wheelhouse step: every pinned dependency as wheels, for each platform the app installs on
without a network, with one hash lock per platform.

Platforms (targets): CPython 3.11, 3.12 and 3.13 on Windows x64, and this build machine. For
each, ``pip download --only-binary=:all:`` fetches the pins of pyproject.toml and what they
need; then the lock is worked out again here from the wheels' own metadata, with environment
markers evaluated *for that platform*: pip evaluates them for the machine it runs on, so a
Linux build would otherwise miss a dependency marked ``sys_platform == "win32"``. Anything
the markers add is fetched too; anything still missing fails the step, named.

The lock, ``requirements-<target>.txt``, lists every wheel that platform installs (the app's
own included) as ``name==version --hash=sha256:...``, for
``pip install --require-hashes --no-index --find-links wheelhouse -r requirements-<target>.txt``.
"""

from __future__ import annotations

import email.parser
import hashlib
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags, sys_tags
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename
from packaging.version import Version

from . import ROOT, Layout, Project, ReleaseError, Runner

WINDOWS_PYTHONS = ("3.11", "3.12", "3.13")
# The markers of a 64-bit Windows 10/11 machine; the Python version is the target's own
WINDOWS_MARKERS = {
    "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64",
    "platform_release": "10", "platform_version": "10.0.19045", "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
}  # fmt: skip
FETCH_ROUNDS = 5  # markers can add a dependency that itself needs another: fetch that many times at most


@dataclass(frozen=True)
class Target:
    """One platform the wheelhouse serves: a wheel platform tag and a CPython version, or this
    machine (``platform`` None) as its own interpreter sees it."""

    name: str  # "win_amd64-cp312": the lock's name
    label: str  # "CPython 3.12 on Windows x64": for people
    python: str  # "3.12"
    platform: str | None = None

    @property
    def lock(self) -> str:
        return f"requirements-{self.name}.txt"

    @property
    def pip_options(self) -> list[str]:
        if self.platform is None:
            return []
        return ["--platform", self.platform, "--python-version", self.python, "--implementation", "cp"]

    def tags(self) -> list[Tag]:
        """The wheel tags this platform installs, most preferred first."""
        if self.platform is None:
            return list(sys_tags())
        version = tuple(int(part) for part in self.python.split("."))
        interpreter = f"cp{self.python.replace('.', '')}"
        return [*cpython_tags(version, platforms=[self.platform]),
                *compatible_tags(version, interpreter, [self.platform])]  # fmt: skip

    def environment(self) -> dict[str, str]:
        """The values environment markers are evaluated with on this platform."""
        if self.platform is None:
            return dict(default_environment())
        full = f"{self.python}.0"
        return {**WINDOWS_MARKERS, "python_version": self.python, "python_full_version": full,
                "implementation_version": full}  # fmt: skip


def this_machine() -> Target:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return Target(f"{platform}-cp{python.replace('.', '')}", f"CPython {python} on this machine ({platform})", python)


def targets() -> list[Target]:
    """Windows x64 for each supported Python, and this machine unless it is one of those."""
    windows = [Target(f"win_amd64-cp{v.replace('.', '')}", f"CPython {v} on Windows x64", v, "win_amd64")
               for v in WINDOWS_PYTHONS]  # fmt: skip
    here = this_machine()
    return windows if any(target.name == here.name for target in windows) else [*windows, here]


# --- the step ------------------------------------------------------------------------------------


def build(project: Project, layout: Layout, runner: Runner) -> None:
    """Fetch every target's wheels, build the app's own, and write each target's lock."""
    house = layout.wheelhouse
    runner.note(f"wheelhouse: {house}")
    if not runner.dry_run:
        house.mkdir(parents=True, exist_ok=True)
    build_app_wheel(house, runner)
    lacking: dict[str, list[str]] = {}
    for target in targets():
        runner.note(f"{target.label}: the pins and what they need")
        try:
            runner.run(download(target, project.dependencies, house))
        except subprocess.CalledProcessError:
            lacking[target.label] = pins_without_wheel(target, project.dependencies, house, runner)
    if lacking:
        raise ReleaseError(missing_message(lacking))
    if runner.dry_run:
        runner.note("then for each target: its wheels' requirements followed with the markers evaluated for that "
                    "platform (a missing one fetched with pip download --no-deps), and its lock written: "
                    + ", ".join(target.lock for target in targets()))  # fmt: skip
        return
    for target in targets():
        chosen = complete(target, project, house, runner)
        write_lock(house / target.lock, target, project, chosen)
        size = sum(wheel.path.stat().st_size for wheel in chosen.values())
        print(f"{target.lock}: {len(chosen)} wheels, {size / 1e6:.0f} MB")
    print(f"wheelhouse: {sum(p.stat().st_size for p in house.glob('*.whl')) / 1e6:.0f} MB in {house}")


def build_app_wheel(house: Path, runner: Runner) -> None:
    """``pip wheel --no-deps .``, with the last commit's date as every file's date, so the same
    commit makes the same wheel. setuptools' build/lib is emptied first: it would carry files
    deleted since an earlier build into the wheel."""
    stale = ROOT / "build" / "lib"
    runner.note(f"remove {stale} (setuptools' copy from an earlier build)")
    if not runner.dry_run and stale.exists():
        shutil.rmtree(stale)
    runner.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", house, ROOT],
               env=commit_date())  # fmt: skip


def commit_date() -> dict[str, str]:
    """SOURCE_DATE_EPOCH of the checked-out commit (nothing outside a git checkout)."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
                              check=False)  # fmt: skip
    except OSError:
        return {}
    stamp = done.stdout.strip()
    return {"SOURCE_DATE_EPOCH": stamp} if done.returncode == 0 and stamp.isdigit() else {}


def download(target: Target, requirements: Iterable[str], house: Path, *, no_deps: bool = False) -> list[str]:
    return [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", *target.pip_options,
            *(["--no-deps"] if no_deps else []), "--dest", str(house), *requirements]  # fmt: skip


def pins_without_wheel(target: Target, pins: Iterable[str], house: Path, runner: Runner) -> list[str]:
    """After a failed download: which pins have no wheel for ``target``, asked one by one."""
    runner.note(f"{target.label}: pip found no complete set; asking for each pin alone")
    lacking = []
    for pin in pins:
        try:
            runner.run(download(target, [pin], house, no_deps=True))
        except subprocess.CalledProcessError:
            lacking.append(pin)
    return lacking or ["(every pin has a wheel: one of their dependencies lacks one, named by pip above)"]


def missing_message(lacking: dict[str, list[str]]) -> str:
    lines = ["No wheel on the package index for:"]
    lines += [f"  {label}: {', '.join(pins)}" for label, pins in lacking.items()]
    lines.append("The wheelhouse is incomplete, so nothing was locked. Pin versions that publish wheels for "
                 "every platform (or drop that platform, saying so in docs/install.md).")  # fmt: skip
    return "\n".join(lines)


def complete(target: Target, project: Project, house: Path, runner: Runner) -> dict[NormalizedName, Wheel]:
    """The wheels ``target`` installs for the app, fetching what its markers add; fails naming
    what cannot be had."""
    app = [f"{project.name}=={project.version}"]
    for _ in range(FETCH_ROUNDS):
        chosen, unmet = close(target, app, wheels_in(house))
        if not unmet:
            return chosen
        if any(text.startswith(f"{project.name}=") for text in unmet):
            raise ReleaseError(f"the app's own wheel ({app[0]}) is not in {house}: its build failed")
        runner.note(f"{target.label} also needs (by its markers): {', '.join(unmet)}")
        try:
            runner.run(download(target, unmet, house, no_deps=True))
        except subprocess.CalledProcessError:
            break
    raise ReleaseError(missing_message({target.label: unmet}))


# --- wheels, their requirements and the lock ----------------------------------------------------


@dataclass(frozen=True)
class Wheel:
    path: Path
    name: NormalizedName
    version: Version
    tags: frozenset[Tag]

    @classmethod
    def of(cls, path: Path) -> Wheel:
        name, version, _, tags = parse_wheel_filename(path.name)
        return cls(path, name, version, tags)

    def requirements(self) -> list[Requirement]:
        """Its Requires-Dist, from the METADATA inside it."""
        with zipfile.ZipFile(self.path) as archive:
            metadata = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
            headers = email.parser.BytesHeaderParser().parsebytes(archive.read(metadata))
        return [Requirement(line) for line in headers.get_all("Requires-Dist") or []]


def wheels_in(folder: Path) -> dict[NormalizedName, list[Wheel]]:
    found: dict[NormalizedName, list[Wheel]] = defaultdict(list)
    for path in sorted(folder.glob("*.whl")):
        wheel = Wheel.of(path)
        found[wheel.name].append(wheel)
    return found


def close(target: Target, requirements: Iterable[str], wheels: dict[NormalizedName, list[Wheel]]
          ) -> tuple[dict[NormalizedName, Wheel], list[str]]:  # fmt: skip
    """The wheels ``target`` would install for ``requirements``, from ``wheels`` alone: each
    requirement's best wheel (highest version, then the platform's preferred tag), and what it
    requires, with markers (and extras) evaluated for the target. Also the requirements no wheel
    meets, as pip would write them."""
    environment, rank = target.environment(), {tag: i for i, tag in enumerate(target.tags())}
    chosen: dict[NormalizedName, Wheel] = {}
    wanted: dict[NormalizedName, SpecifierSet] = defaultdict(SpecifierSet)
    extras: dict[NormalizedName, set[str]] = defaultdict(set)
    unmet: dict[NormalizedName, str] = {}
    queue = deque(Requirement(text) for text in requirements)
    while queue:
        requirement = queue.popleft()
        name = canonicalize_name(requirement.name)
        wanted[name] &= requirement.specifier
        added = set(requirement.extras) - extras[name]
        extras[name] |= added
        held = chosen.get(name)
        if held is not None and wanted[name].contains(held.version, prereleases=True) and not added:
            continue
        fitting = [w for w in wheels.get(name, []) if w.tags & rank.keys() and wanted[name].contains(w.version, True)]
        if not fitting:
            unmet[name] = f"{name}{wanted[name]}"
            continue
        unmet.pop(name, None)
        chosen[name] = max(fitting, key=lambda w: (w.version, -min(rank[t] for t in w.tags if t in rank)))
        for needed in chosen[name].requirements():
            if needed.marker is None or any(needed.marker.evaluate({**environment, "extra": extra})
                                            for extra in ("", *extras[name])):  # fmt: skip
                queue.append(needed)
    return chosen, sorted(unmet.values())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_lock(path: Path, target: Target, project: Project, chosen: dict[NormalizedName, Wheel]) -> None:
    lines = [
        f"# {project.name} {project.version} for {target.label}: every wheel it installs, with its hash.",
        "# Made by build_installer.py (wheelhouse step); install with no network, from this folder:",
        f"#   python -m pip install --require-hashes --no-index --find-links . -r {path.name}",
    ]
    lines += [f"{name}=={wheel.version} --hash=sha256:{sha256(wheel.path)}" for name, wheel in sorted(chosen.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_lock(path: Path) -> dict[NormalizedName, tuple[Version, str]]:
    """A lock's lines: name -> (version, sha256)."""
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pin, _, digest = line.partition(" --hash=sha256:")
            name, _, version = pin.partition("==")
            entries[canonicalize_name(name)] = (Version(version), digest.strip())
    return entries


def check(house: Path, project: Project) -> list[str]:
    """What is wrong with ``house`` against its locks, per target: a lock missing; a locked wheel
    absent or not matching its hash; the lock not exactly what the locked wheels need on that
    platform (a dependency missing, or a wheel nothing needs). Empty when complete."""
    problems: list[str] = []
    by_hash = {sha256(path): path for path in house.glob("*.whl")}
    for target in targets():
        lock = house / target.lock
        if not lock.exists():
            problems.append(f"{target.lock}: missing")
            continue
        locked: dict[NormalizedName, list[Wheel]] = {}
        for name, (version, digest) in read_lock(lock).items():
            wheel = Wheel.of(by_hash[digest]) if digest in by_hash else None
            if wheel is None or (wheel.name, wheel.version) != (name, version):
                problems.append(f"{target.lock}: no wheel {name}=={version} with hash {digest[:12]}...")
            else:
                locked[name] = [wheel]
        chosen, unmet = close(target, [f"{project.name}=={project.version}"], locked)
        problems += [f"{target.lock}: lacks {needed}" for needed in unmet]
        problems += [f"{target.lock}: {name} is locked but nothing needs it on {target.label}"
                     for name in sorted(locked.keys() - chosen.keys())]  # fmt: skip
    return problems

"""What is in the drop zone: the returns to read, and what is ignored (each with a reason).

Returns are every file under a ``YYYYQq`` folder, subfolders included (the relative path keeps
the subfolder); a name starting with ``.`` is read like any other. Per-sheet CSV exports
(``<stem>__<sheet>.csv``) of one folder form one return. Operating-system debris and folders
or files outside the quarter folders are listed as ignored, one line each — never silently.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from civstat.periods import QUARTER_FOLDER

_DEBRIS_NAMES = {".ds_store": "macOS 文件夹元数据 / macOS folder metadata",
                 "thumbs.db": "Windows 缩略图缓存 / Windows thumbnail cache",
                 "desktop.ini": "Windows 文件夹设置 / Windows folder settings"}


@dataclass(frozen=True)
class Unit:
    """One return: a workbook, or the CSV files of one workbook."""

    folder: str                 # the quarter folder, e.g. 2025Q1
    rel: str                    # relative to the drop zone (a CSV group: its stem)
    files: tuple[Path, ...]
    csv_group: bool = False

    @property
    def source(self) -> Path | list[Path]:
        return list(self.files) if self.csv_group else self.files[0]


@dataclass(frozen=True)
class Ignored:
    path: str                   # relative to the drop zone
    reason_zh: str
    reason_en: str

    @property
    def line(self) -> str:
        return f"{self.path}:{self.reason_zh} / {self.reason_en}"


@dataclass
class DropZone:
    units: list[Unit] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)   # quarter folders present


def debris_reason(name: str) -> str | None:
    """Why a file is operating-system debris (not a return), or None."""
    if name.lower() in _DEBRIS_NAMES:
        return _DEBRIS_NAMES[name.lower()]
    if name.startswith("~$"):
        return "Office 打开文件时的锁文件 / Office lock file"
    if name.startswith("._"):
        return "macOS 资源分叉文件 / macOS resource-fork file"
    return None


def _rel(path: Path, raw_dir: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def _walk(folder: Path):
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            yield Path(root) / name


def _folder_units(folder: Path, raw_dir: Path, zone: DropZone) -> None:
    groups: dict[Path, list[Path]] = defaultdict(list)
    for f in _walk(folder):
        reason = debris_reason(f.name)
        if reason:
            zh, en = reason.split(" / ")
            zone.ignored.append(Ignored(_rel(f, raw_dir), f"系统杂项文件,不是季报({zh})",
                                        f"operating-system debris, not a return ({en})"))
        elif not f.is_file():
            zone.ignored.append(Ignored(_rel(f, raw_dir), "不是普通文件", "not a regular file"))
        elif f.suffix.lower() == ".csv" and "__" in f.stem:
            groups[f.with_name(f.stem.split("__", 1)[0])].append(f)
        else:
            zone.units.append(Unit(folder.name, _rel(f, raw_dir), (f,)))
    for stem in sorted(groups):
        zone.units.append(Unit(folder.name, _rel(stem, raw_dir), tuple(sorted(groups[stem])), True))


def scan(raw_dir: Path, periods: list[str] | None = None) -> DropZone:
    """Every return of the drop zone (or of the ``periods`` folders), and what is ignored."""
    zone = DropZone()
    if not raw_dir.is_dir():
        return zone
    for entry in sorted(raw_dir.iterdir()):
        rel = _rel(entry, raw_dir)
        if entry.is_dir() and QUARTER_FOLDER.match(entry.name):
            zone.folders.append(entry.name)
            if not periods or entry.name in periods:
                _folder_units(entry, raw_dir, zone)
        elif entry.is_dir():
            zone.ignored.append(Ignored(rel + "/", "文件夹名不是季度(应形如 2025Q1),未读取",
                                        "folder name is not a quarter (like 2025Q1); not read"))
        elif debris_reason(entry.name):
            zh, en = debris_reason(entry.name).split(" / ")
            zone.ignored.append(Ignored(rel, f"系统杂项文件,不是季报({zh})",
                                        f"operating-system debris, not a return ({en})"))
        else:
            zone.ignored.append(Ignored(rel, "不在季度文件夹中(应放入 YYYYQq/),未读取",
                                        "not inside a quarter folder (YYYYQq/); not read"))
    return zone

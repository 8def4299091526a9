"""Size limits checked before a return is parsed, so one file cannot exhaust the machine.

Settings (environment variables, megabytes = 2^20 bytes; a non-positive or unreadable value
falls back to the default):

``CIVSTAT_MAX_FILE_MB`` (default 50)
    largest file accepted on disk (workbook or CSV). A township return is a few dozen KB.
``CIVSTAT_MAX_UNPACKED_MB`` (default 200)
    largest total unpacked size of an ``.xlsx`` / ``.xlsm`` (a zip archive): the sum of its
    members' declared sizes (``ZipInfo.file_size``), read from the zip directory before
    calamine opens the file. A 1 MB workbook whose ``sharedStrings.xml`` unpacks to 1 GiB is
    refused here instead of taking gigabytes of memory.
``CIVSTAT_MAX_SHEET_CELLS`` (default 5,000,000)
    largest area of one worksheet (rows × columns of its ``<dimension ref="A1:…">``, read from
    the first few KB of the sheet's XML). calamine holds a sheet as one dense grid from its
    first to its last cell: a 5 KB workbook with one value in A1 and one in XFD1048576 asks for
    17 billion cells and aborts the process (Rust's allocator cannot fail softly), taking the
    whole batch with it. A township return has a few hundred cells. Every sheet is measured
    again by the reader on calamine's grid, before it becomes Python rows
    (:func:`civstat.ingest.workbook.grids_excel`): that catches an ``.xls`` (at most 65,536 × 256
    cells, which calamine can hold) but not an ``.xlsx`` far cell in a sheet whose XML states no
    dimension (Excel, WPS and openpyxl always write one; a file crafted without would still
    abort inside calamine).

A file over a limit is refused with reason ``too_large``, naming the measured size and the
setting. A file that is a zip archive but not a workbook (no ``xl/workbook.xml``), or a
truncated or corrupt zip, is refused as ``unreadable``.

The zip directory of an ordinary workbook (no archive comment, no ZIP64 records) is read
straight from its end records with ``struct``; anything else goes through :mod:`zipfile`, which
also words the refusal of a corrupt one.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from xlsxwriter.utility import xl_cell_to_rowcol

from civstat.ingest.refusal import Refusal
from civstat.ingest.workbook import WORKBOOK_SUFFIXES

MB = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
XLSX_REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    scale: int = MB  # megabytes → bytes (1: a count)

    def value(self) -> int:
        try:
            value = float(os.environ.get(self.name, "") or self.default)
        except ValueError:
            value = self.default
        return int((value if value > 0 else self.default) * self.scale)

    bytes = value  # the size settings read as bytes


MAX_FILE = Setting("CIVSTAT_MAX_FILE_MB", 50)
MAX_UNPACKED = Setting("CIVSTAT_MAX_UNPACKED_MB", 200)
MAX_SHEET_CELLS = Setting("CIVSTAT_MAX_SHEET_CELLS", 5_000_000, scale=1)
SETTINGS = (MAX_FILE, MAX_UNPACKED, MAX_SHEET_CELLS)


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


def _too_large(what_zh: str, what_en: str, size: int, setting: Setting) -> Refusal:
    limit = setting.bytes()
    return Refusal("too_large",
                   f"{what_zh} {_mb(size)} 超过上限 {_mb(limit)}(设置 {setting.name})",
                   f"{what_en} {_mb(size)} exceeds the limit of {_mb(limit)} (setting {setting.name})")


@dataclass(frozen=True)
class Checked:
    """A workbook's bytes as :func:`check_file` read them (once, for the parse to reuse: a return
    is a few dozen KB, and at most ``CIVSTAT_MAX_FILE_MB``), and the zip directory it read."""

    data: bytes
    directory: tuple | None = None  # :func:`_zip_directory`'s: None for no ordinary zip
    inflated: dict[str, bytes] | None = None  # the worksheets' XML, when check_file inflated it

    @classmethod
    def of(cls, data: bytes) -> Checked:
        return cls(data, _zip_directory(data) if data[:4] == ZIP_MAGIC else None)

    def member_reader(self) -> Callable[[str], bytes]:
        """:func:`member_reader` through the directory already read."""
        return _member_reader(self.data, self.directory)

    @cached_property
    def with_formulas(self) -> dict[str, bytes]:
        """The :attr:`worksheets` whose XML may hold a formula (an ``<f>`` element, or one
        with a prefix), looked for once for the checks on formulas and on error values."""
        return {member: xml for member, xml in self.worksheets.items()
                if b"<f" in xml or b":f" in xml}

    @cached_property
    def with_errors(self) -> dict[str, bytes]:
        """The :attr:`worksheets` holding a cell of an error value (``t="e"``: #REF!, #DIV/0!)."""
        return {member: xml for member, xml in self.worksheets.items() if b't="e"' in xml}

    @cached_property
    def worksheets(self) -> dict[str, bytes]:
        """Member name (``xl/worksheets/sheet2.xml``) → XML of every worksheet, inflated once
        for the checks that look into them; a member that cannot be read is left out."""
        if self.inflated is not None:
            return self.inflated
        if self.directory is not None:
            names = [member[0] for member in self.directory[2] if _is_worksheet(member[0])]
        else:
            try:
                with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                    names = [name for name in zf.namelist() if _is_worksheet(name)]
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
                return {}
        read, out = self.member_reader(), {}
        for name in names:
            try:
                out[name] = read(name)
            except (KeyError, ValueError):
                continue
        return out


def check_file(path: Path) -> Checked | None:
    """Raise :class:`Refusal` when ``path`` is over a limit or a zip that is not a workbook.

    Returns a workbook's bytes and zip directory (:class:`Checked`), None for any other file."""
    size = path.stat().st_size
    if size > MAX_FILE.bytes():
        raise _too_large("文件大小", "file size", size, MAX_FILE)
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return None
    data = path.read_bytes()
    if len(data) > MAX_FILE.bytes():  # it grew since stat
        raise _too_large("文件大小", "file size", len(data), MAX_FILE)
    if not data:
        raise Refusal("unreadable", "文件是空的(0 字节),请重新保存后报送",
                      "the file is empty (0 bytes); save it again and resend")
    if data[:4] != ZIP_MAGIC:
        return Checked(data)
    directory, inflated = _zip_directory(data), None
    if directory is not None:
        _check_directory(*directory[:2])
        # every worksheet inflated once, whole (the sizes were just checked): its head states
        # its area, and the checks on hidden rows, formulas and errors read the rest
        inflated, heads, read = {}, [], _member_reader(data, directory)
        for member in directory[2]:
            if _is_worksheet(name := member[0]):
                try:
                    xml = inflated[name] = read(name)
                    heads.append((name, xml[:HEAD]))
                except ValueError:  # not inflatable whole: its head alone, the parse decides
                    heads.append(_member_head(data, *member))
    else:  # not an ordinary zip: zipfile reads it, or words why it cannot
        names, unpacked, heads = _zipfile_directory(path)
        _check_directory(names, unpacked)
    limit = MAX_SHEET_CELLS.value()
    for name, head in heads:
        area = _dimension_area(head)
        if area is not None and area[0] > limit:
            raise sheet_too_large(_sheet_name(path, name), *area, limit)
    return Checked(data, directory, inflated)


def sheet_too_large(sheet: str, cells: int, span: str, limit: int) -> Refusal:
    """The refusal of a sheet of ``cells`` cells (``span``: ``A1:XFD1048576``) over ``limit``
    (``CIVSTAT_MAX_SHEET_CELLS``)."""
    setting = MAX_SHEET_CELLS.name
    return Refusal(
        "too_large",
        f"工作表 {sheet} 的范围 {span} 共 {cells:,} 个单元格,超过上限 {limit:,}"
        f"(设置 {setting};多半是远处单元格误填了内容)",
        f"sheet {sheet} spans {span}, {cells:,} cells, over the limit of {limit:,} "
        f"(setting {setting}; most likely a stray value far from the table)",
        sheet=sheet)


def _check_directory(names: set[str], unpacked: int) -> None:
    missing = [n for n in XLSX_REQUIRED if n not in names]
    if missing:
        raise Refusal("unreadable", f"是压缩包但不是Excel工作簿(缺少 {missing[0]})",
                      f"a zip archive but not an Excel workbook (no {missing[0]})")
    if unpacked > MAX_UNPACKED.bytes():
        raise _too_large("解压后大小", "unpacked size", unpacked, MAX_UNPACKED)


HEAD = 2048  # bytes of a worksheet's XML read for its <dimension> (it comes first, after sheetPr)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(\$?[A-Z]{1,3}\$?\d{1,7})'
                        rb'(?::(\$?[A-Z]{1,3}\$?\d{1,7}))?"')
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header (30 bytes)


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _content_at(data: bytes, offset: int) -> int | None:
    """Where a member's content starts, after its local header at ``offset``."""
    local = data[offset:offset + _LOCAL.size]
    if len(local) != _LOCAL.size or local[:4] != b"PK\x03\x04":
        return None
    return offset + _LOCAL.size + local[-4] + (local[-3] << 8) + local[-2] + (local[-1] << 8)


def _member_head(data: bytes, name: str, method: int, compressed: int,
                 offset: int) -> tuple[str, bytes]:
    """The first :data:`HEAD` bytes of a member's content (stored or deflated), or b"" when
    they cannot be read this way (the parse then decides)."""
    start = _content_at(data, offset)
    if start is None:
        return name, b""
    content = data[start:start + min(compressed, HEAD)]
    try:
        if method == 0:
            return name, content
        if method == 8:  # the first 512 bytes hold the dimension in most writers' XML
            inflate = zlib.decompressobj(-15)
            head = inflate.decompress(content, 512)
            if b"dimension" not in head and b"<sheetData" not in head:
                head += inflate.decompress(inflate.unconsumed_tail, HEAD - len(head))
            return name, head
    except zlib.error:
        pass
    return name, b""


def _dimension_area(head: bytes) -> tuple[int, str] | None:
    """(cells, "A1:XFD1048576") of the worksheet's stated dimension, or None if it states none."""
    m = _DIMENSION.search(head)
    return None if m is None else _area(m.groups())


@lru_cache(maxsize=1024)  # a province's returns share a few dozen dimensions
def _area(groups: tuple[bytes, bytes | None]) -> tuple[int, str]:
    first, last = (None if ref is None else ref.decode() for ref in groups)
    if last is None:
        return 1, first
    (r1, c1), (r2, c2) = xl_cell_to_rowcol(first), xl_cell_to_rowcol(last)
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1), f"{first}:{last}"


def _sheet_name(path: Path, member: str) -> str:
    """The sheet's name in the workbook for its XML member (only on refusal: the workbook and
    its relationships are read), else the member's name."""
    from civstat.ingest.sheetxml import sheet_members

    try:
        members = sheet_members(member_reader(path.read_bytes()))
    except (KeyError, OSError, ValueError):
        return member
    return next((name for name, m in members.items() if m == member), member)


def _zipfile_directory(path: Path) -> tuple[set[str], int, list[tuple[str, bytes]]]:
    """Names, unpacked size and the worksheets' first bytes, through :mod:`zipfile`."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            heads = []
            for info in infos:
                if _is_worksheet(info.filename) and info.file_size <= MAX_UNPACKED.bytes():
                    with zf.open(info) as member:
                        heads.append((info.filename, member.read(HEAD)))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError, zlib.error) as exc:
        raise Refusal("unreadable", f"压缩包已损坏或不完整,无法作为工作簿打开:{type(exc).__name__}",
                      f"corrupt or truncated zip, cannot be opened as a workbook: "
                      f"{type(exc).__name__}") from None
    return {i.filename for i in infos}, sum(i.file_size for i in infos), heads


_END = struct.Struct("<4s4H2LH")          # end of central directory (22 bytes)
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory entry (46 bytes)
_ZIP64_LOCATOR = b"PK\x06\x07"


def _zip_directory(data: bytes) -> tuple[set[str], int, list[tuple]] | None:
    """Member names, total unpacked size and the members' (name, compression method,
    compressed size, local header offset) from the central directory, as :mod:`zipfile`
    reads them — or None when the archive is not an ordinary one (a comment, ZIP64 records,
    anything zipfile would refuse or read another way), for :mod:`zipfile` to read."""
    size = len(data)
    if size < _END.size + 20:
        return None
    tail = data[size - _END.size - 20:]
    if tail[:4] == _ZIP64_LOCATOR:
        return None
    sig, _, _, _, _, size_cd, offset_cd, comment = _END.unpack_from(tail, 20)
    start = size - _END.size - size_cd  # zipfile: the directory's offset + concat
    if sig != b"PK\x05\x06" or comment or start < 0:
        return None
    concat = start - offset_cd  # bytes before the archive (local header offsets move by it)
    directory = data[start:start + size_cd]
    names, unpacked, at, members = set(), 0, 0, []
    while at < size_cd:
        if at + _ENTRY.size > size_cd:
            return None
        entry = _ENTRY.unpack_from(directory, at)
        extract, file_size, n_name, n_extra, n_comment = entry[3], *entry[11:15]
        end = at + _ENTRY.size + n_name + n_extra + n_comment
        if (entry[0] != b"PK\x01\x02" or end > size_cd or extract > zipfile.MAX_EXTRACT_VERSION
                or not _plain_extra(directory, at + _ENTRY.size + n_name, n_extra)):
            return None
        raw = directory[at + _ENTRY.size:at + _ENTRY.size + n_name]
        if not raw.isascii() or b"\x00" in raw:
            return None
        name = raw.decode("ascii")
        names.add(name)
        members.append((name, entry[6], entry[10], entry[18] + concat))
        unpacked += file_size
        at = end
    return names, unpacked, members


def member_reader(data: bytes) -> Callable[[str], bytes]:
    """A function reading a member of the workbook ``data`` whole (a name it lacks: KeyError;
    one it cannot inflate: ValueError), from the central directory; :mod:`zipfile` where the
    archive is not an ordinary one."""
    return _member_reader(data, _zip_directory(data))


def _member_reader(data: bytes, directory: tuple | None) -> Callable[[str], bytes]:
    if directory is None:
        def read_zipfile(name: str) -> bytes:
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    return zf.read(name)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
                    zlib.error) as exc:
                raise ValueError(type(exc).__name__) from None
        return read_zipfile
    members = {m[0]: m[1:] for m in directory[2]}
    limit = MAX_UNPACKED.bytes()

    def read(name: str) -> bytes:
        method, compressed, offset = members[name]
        start = _content_at(data, offset)
        if start is None or method not in (0, 8):
            raise ValueError(f"cannot read {name}")
        content = data[start:start + compressed]
        try:
            return content if method == 0 else zlib.decompressobj(-15).decompress(content, limit)
        except zlib.error as exc:
            raise ValueError(str(exc)) from None
    return read


def _plain_extra(data: bytes, at: int, length: int) -> bool:
    """The extra field is well formed and holds no ZIP64 sizes."""
    end = at + length
    while end - at >= 4:
        kind, n = struct.unpack_from("<HH", data, at)
        if kind == 0x0001 or at + 4 + n > end:
            return False
        at += 4 + n
    return True


def check_files(files: list[Path]) -> Checked | None:
    """:func:`check_file` of each file; the workbook's when ``files`` is one workbook."""
    contents = [check_file(f) for f in files]
    return contents[0] if len(files) == 1 else None

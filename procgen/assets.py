"""Reading and writing asset files safely.

Reading: files are size-capped, JSON rejects NaN/Infinity, YAML goes through PyYAML's safe loader
with aliases refused (an alias bomb expands a few hundred bytes into gigabytes), and every failure
becomes one readable :class:`AssetFormatError`. Writing: every file of an export is written to a
temporary name beside its target and renamed only when all of them are complete, so a failure
leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from procgen.errors import AssetFormatError, ExportError
from procgen.levels import Level
from procgen.schemas import check

#: Larger asset files are refused before parsing: no level of 4096x4096 tiles is this big.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

LEVEL_FORMATS = (".json", ".yaml", ".yml", ".tmj", ".png")


def read_document(path: str | Path) -> Any:
    """Parse a JSON or YAML file (by extension) into plain Python data."""
    path = Path(path)
    text = read_text(path)
    suffix = path.suffix.lower()
    if suffix in (".json", ".tmj"):
        return parse_json(text, str(path))
    if suffix in (".yaml", ".yml"):
        return parse_yaml(text, str(path))
    raise AssetFormatError(f"{path}: unknown extension {suffix!r}; expected .json, .yaml or .yml")


def read_text(path: Path) -> str:
    """A UTF-8 text file of bounded size, or a clear error saying why not."""
    if not path.is_file():
        raise AssetFormatError(f"{path}: no such file")
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise AssetFormatError(f"{path}: larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"{error.reason} at byte {error.start}"
        raise AssetFormatError(f"{path}: not UTF-8 text ({reason})") from None
    except OSError as error:
        raise AssetFormatError(f"{path}: cannot be read ({error.strerror})") from None
    return text


def parse_json(text: str, source: str = "<json>") -> Any:
    def reject(constant: str) -> Any:
        raise AssetFormatError(f"{source}: {constant} is not valid JSON")

    try:
        return json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as error:
        raise AssetFormatError(
            f"{source}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise AssetFormatError(f"{source}: nested too deeply") from None


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (and so alias bombs and merge keys)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise AssetFormatError("YAML aliases (*name) are not allowed in procgen assets")
        return super().compose_node(parent, index)


def parse_yaml(text: str, source: str = "<yaml>") -> Any:
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except AssetFormatError as error:
        raise AssetFormatError(f"{source}: {error}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise AssetFormatError(f"{source}: invalid YAML{where}: {error.problem}") from None
    except (yaml.YAMLError, RecursionError) as error:
        raise AssetFormatError(f"{source}: invalid YAML: {type(error).__name__}") from None


class _Row(str):
    """A grid row: always single-quoted in YAML, so rows line up and never read as YAML syntax."""


class _Rows(list[_Row]):
    """A grid: one row per line, even though short lists of scalars are otherwise inlined."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Row, lambda dumper, row: dumper.represent_scalar("tag:yaml.org,2002:str", str(row), style="'")
)
_Dumper.add_representer(
    _Rows, lambda dumper, rows: dumper.represent_sequence("tag:yaml.org,2002:seq", rows, False)
)

#: Top-level keys whose values are lists of grid rows.
_ROW_KEYS = ("tiles", "sprite")


def dump_yaml(document: Mapping[str, Any]) -> str:
    """YAML that :func:`parse_yaml` reads back to the same data: grid rows one per line, quoted;
    other short lists inline (``tags: [walkable, floor]``)."""
    data = {k: _Rows(_Row(r) for r in v) if k in _ROW_KEYS else v for k, v in document.items()}
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1 << 20,
        default_flow_style=None,
    )
    return text


def load(path: str | Path) -> Level:
    """Read and validate a level file (.json, .yaml or .yml)."""
    document = read_document(path)
    kind = check(document, source=str(path))
    if kind != "level":
        raise AssetFormatError(f"{path}: is a {kind}; procgen.load reads levels")
    return Level.from_dict(document)


def validate(document_or_path: Mapping[str, Any] | str | Path) -> str:
    """Validate a parsed document or a file against its schema; return the asset kind.

    Raises :class:`~procgen.AssetValidationError` (with ``.pointer``) or, for unreadable files,
    :class:`~procgen.AssetFormatError`.
    """
    if isinstance(document_or_path, (str, Path)):
        return check(read_document(document_or_path), source=str(document_or_path))
    return check(document_or_path)


def check_destination(path: Path, formats: Sequence[str] = LEVEL_FORMATS) -> None:
    """Refuse, before any work is done, a path procgen could not save an asset to."""
    if path.suffix.lower() not in formats:
        shown = path.suffix or "(none)"
        raise ExportError(f"{path}: unknown format {shown!r}; use one of {', '.join(formats)}")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: folder {path.parent} does not exist")


def save_level(level: Level, path: Path) -> Path:
    check_destination(path)
    suffix = path.suffix.lower()
    files: dict[Path, bytes]
    if suffix == ".json":
        files = {path: level.to_json().encode("utf-8")}
    elif suffix in (".yaml", ".yml"):
        files = {path: level.to_yaml().encode("utf-8")}
    elif suffix == ".png":
        from procgen.export.image import png_bytes, render_level

        files = {path: png_bytes(render_level(level))}
    else:  # .tmj, the only format left after check_destination
        from procgen.export.image import png_bytes, tileset_image
        from procgen.export.tiled import tmj_text

        image = path.with_name(f"{path.stem}.tiles.png")
        files = {
            path: tmj_text(level, image.name).encode("utf-8"),
            image: png_bytes(tileset_image(level.tileset)),
        }
    write_files(files)
    return path


def write_files(files: Mapping[Path, bytes]) -> None:
    """Write every file or none: all go to temporary names first, then are renamed into place."""
    for target in files:
        if not target.parent.is_dir():
            raise ExportError(f"{target}: folder {target.parent} does not exist")
        if target.is_dir():
            raise ExportError(f"{target}: is a folder")
    staged: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged[target] = Path(name)
            os.fchmod(handle, 0o644)  # mkstemp's 0600 would hide assets from other users
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        for target, temporary in staged.items():
            os.replace(temporary, target)
    except OSError as error:
        raise ExportError(f"could not write {error.filename or 'file'}: {error.strerror}") from None
    finally:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing any path that would land outside ``root``."""
    candidate = (root / relative).resolve()
    base = root.resolve()
    if Path(relative).is_absolute() or (candidate != base and base not in candidate.parents):
        raise ExportError(f"{relative!r} would be written outside {root}")
    return candidate

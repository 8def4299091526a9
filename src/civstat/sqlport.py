"""Is the dbt project portable SQL? Compile it for a second adapter (dbt-trino) and check it.

    python -m civstat.sqlport [--project-dir DIR] [--keep DIR]

1. ``dbt compile`` with the ``trino`` adapter, offline: no Trino server is needed. dbt asks the
   adapter what exists (``is_incremental()``, ``adapter.get_columns_in_relation``); here the
   adapter answers "an empty catalog", so the project compiles as its first full build on an
   empty Trino catalog would. Any other query (a macro calling ``run_query`` while compiling)
   still goes to the network and fails the check: a macro must not query to compile.
2. Every compiled model and data test is parsed by sqlglot in the ``trino`` dialect (errors
   raised), and searched for the DuckDB-only constructs listed in ``sqlport_denylist.yaml``.
   (``dbt compile`` does not compile unit tests; their fixtures are DuckDB SQL on purpose.)

Exit 0 when everything compiled and is clean, 1 with one line per finding otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from civstat import paths

DIALECT = "trino"
DENYLIST = Path(__file__).with_name("sqlport_denylist.yaml")

PROFILE = """\
civstat:
  target: trino
  outputs:
    trino:
      type: trino
      method: none
      user: civstat
      host: 127.0.0.1
      port: 9          # nothing listens: compiling must not need a server
      database: civstat
      schema: main
      threads: 1
"""


@dataclass(frozen=True)
class Finding:
    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


def _offline_trino() -> None:
    """The trino adapter sees an empty catalog instead of asking a server."""
    from dbt.adapters.trino.impl import TrinoAdapter

    TrinoAdapter.list_relations_without_caching = lambda self, schema_relation: []
    TrinoAdapter.get_columns_in_relation = lambda self, relation: []


def compile_project(project_dir: Path, out: Path) -> tuple[bool, str]:
    """``dbt compile`` for trino into ``out/target``; (success, dbt's error if any)."""
    from dbt.cli.main import dbtRunner

    _offline_trino()
    (out / "profiles.yml").write_text(PROFILE, encoding="utf-8")
    result = dbtRunner().invoke([
        "compile", "--project-dir", str(project_dir), "--profiles-dir", str(out),
        "--target-path", str(out / "target"), "--log-path", str(out / "logs"),
        "--no-partial-parse", "--no-populate-cache", "--quiet",
    ])
    return result.success, "" if result.success else str(result.exception or result.result)


def load_denylist(path: Path = DENYLIST) -> list[tuple[str, re.Pattern]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(i["name"], re.compile(i["pattern"], re.IGNORECASE)) for i in items]


_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r"'(?:[^']|'')*'")


def _code_only(sql: str) -> str:
    """The SQL without comments and string literals (so a word in a message is no finding)."""
    return _STRING.sub("''", _COMMENT.sub(" ", sql))


def check_sql(name: str, sql: str, denylist: list[tuple[str, re.Pattern]]) -> list[Finding]:
    import sqlglot
    from sqlglot.errors import ParseError

    code = _code_only(sql)
    found = [Finding(name, f"DuckDB-only SQL: {label} ({m.group(0).strip()!r})")
             for label, pattern in denylist for m in [pattern.search(code)] if m]
    try:
        sqlglot.parse(sql, read=DIALECT, error_level=sqlglot.ErrorLevel.RAISE)
    except ParseError as exc:
        first = str(exc).splitlines()[0]
        found.append(Finding(name, f"does not parse as {DIALECT} SQL: {first}"))
    return found


def check_compiled(target: Path, denylist=None) -> tuple[int, list[Finding]]:
    """(number of files checked, findings) for every compiled .sql under ``target/compiled``."""
    denylist = denylist or load_denylist()
    files = sorted((target / "compiled").rglob("*.sql"))
    findings = []
    for f in files:
        findings += check_sql(str(f.relative_to(target / "compiled")), f.read_text("utf-8"),
                              denylist)
    return len(files), findings


def run(project_dir: Path, out: Path) -> int:
    ok, error = compile_project(project_dir, out)
    if not ok:
        print(f"dbt compile --target trino failed: {error}")
        return 1
    n, findings = check_compiled(out / "target")
    for f in findings:
        print(f)
    print(f"{n} compiled files checked for {DIALECT}: "
          + ("portable" if not findings and n else f"{len(findings)} findings"))
    return 0 if n and not findings else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project-dir", type=Path, default=paths.DBT_PROJECT_DIR)
    ap.add_argument("--keep", type=Path, help="keep the compiled SQL in this folder")
    args = ap.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.project_dir.resolve(), args.keep.resolve())
    with tempfile.TemporaryDirectory(prefix="civstat-sqlport-") as tmp:
        return run(args.project_dir.resolve(), Path(tmp))


if __name__ == "__main__":
    sys.exit(main())

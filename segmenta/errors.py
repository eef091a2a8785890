"""One root error for everything segmenta reports to a person.

Each error renders as one line (``str(e)``) that says what went wrong and where; the CLI prints
it once on stderr and exits 1, the TUI shows it once. Driver errors (duckdb, sqlglot) are
wrapped at the boundary with ``raise ... from e``.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LANGUAGE: ContextVar[str] = ContextVar("segmenta_language", default="en")
"""The language of the request being answered: what a message for a person is said in."""


def say(en: str, es: str) -> str:
    """A message for a person in the language of the request being answered (English outside one).

    >>> say("no rows", "sin filas")
    'no rows'
    >>> with speaking("es"):
    ...     say("no rows", "sin filas")
    'sin filas'
    """
    return es if _LANGUAGE.get() == "es" else en


def current_language() -> str:
    """``es`` or ``en``: the language messages are said in now."""
    return "es" if _LANGUAGE.get() == "es" else "en"


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Say the messages raised inside the block in ``lang`` (the request's language)."""
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def speak(lang: str) -> None:
    """Say every later message of this command in ``lang`` (a CLI command, once it read the request)."""
    _LANGUAGE.set(lang)


def cannot_write(path: object, e: OSError) -> str:
    """``cannot write out/x.csv: out is a file, not a folder``: the user's path and what is in the way."""
    from pathlib import Path

    blocker = next((p for p in Path(str(path)).parents if p.is_file()), None)
    if blocker is not None:
        return say(
            f"cannot write {path}: {blocker} is a file, not a folder",
            f"no puedo escribir {path}: {blocker} es un fichero, no una carpeta",
        )
    if isinstance(e, PermissionError):
        return say(
            f"cannot write {path}: permission denied (choose a folder you can write to)",
            f"no puedo escribir {path}: permiso denegado (elige una carpeta en la que puedas escribir)",
        )
    reason = _REASONS_ES.get(e.errno or 0, str(e.strerror or e))
    if isinstance(e, FileNotFoundError) and not Path(str(path)).parent.exists():
        reason = f"la carpeta {Path(str(path)).parent} no existe"
    return say(f"cannot write {path}: {e.strerror or e}", f"no puedo escribir {path}: {reason}")


_REASONS_ES = {
    errno.ENOENT: "no existe ese fichero o carpeta",
    errno.ENOSPC: "no queda espacio en el disco",
    errno.EROFS: "el sistema de ficheros es de solo lectura",
    errno.EISDIR: "es una carpeta",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
    errno.EDQUOT: "se ha superado la cuota de disco",
}
"""What the system said, in Spanish, for the reasons a file cannot be written."""


TITLES_ES = {
    "Error": "Error",
    "Warehouse": "Almacén",
    "Config": "Configuración",
    "Import": "Importación",
    "Query": "Consulta",
    "Validation": "Validación",
    "Request": "Petición",
    "Not understood": "No entendido",
    "Export": "Exportación",
    "Segments": "Segmentos",
    "Language model": "Modelo de lenguaje",
    "Explanation": "Explicación",
    "Glossary": "Glosario",
    "Catalog": "Catálogo",
    "Plan": "Plan",
    "Report": "Informe",
    "Workflow": "Workflow",
    "Time window": "Periodo",
}


class SegmentaError(Exception):
    """Root of segmenta's errors: a message for a person, with an optional title.

    Raise sites say their message through :func:`say`, so it is in the request's language.
    """

    title = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.language = current_language()

    @property
    def heading(self) -> str:
        """The title in the language the message was said in (the request's, when it was raised)."""
        return TITLES_ES.get(self.title, self.title) if self.language == "es" else self.title

    def __str__(self) -> str:
        return self.message


class WarehouseError(SegmentaError):
    """The warehouse file is missing, locked, of another schema version, or unreadable."""

    title = "Warehouse"


class ConfigError(SegmentaError):
    """The TOML config beside the warehouse is malformed or holds an impossible value."""

    title = "Config"


class ImportProblem:
    """One problem found in a shop's files: where (file, line, column) and what."""

    __slots__ = ("file", "line", "column", "value", "message")

    def __init__(
        self,
        file: str,
        message: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.message = message

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.message}{val}"

    def __repr__(self) -> str:
        return f"ImportProblem({str(self)!r})"


class ShopImportError(SegmentaError):
    """An import refused: the first problems and how many there were in all."""

    title = "Import"

    def __init__(self, problems: list[ImportProblem], total: int | None = None, shown: int = 20) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        head = problems[:shown]
        lines = [f"import refused: {self.total} problem{'s' if self.total != 1 else ''} found"]
        lines += [f"  - {p}" for p in head]
        if self.total > len(head):
            lines.append(f"  ... and {self.total - len(head)} more")
        lines.append("The previous warehouse was left as it was.")
        super().__init__("\n".join(lines))


class QueryError(SegmentaError):
    """SQL was refused by the validator or failed when run."""

    title = "Query"


class SqlValidationError(QueryError):
    """SQL that is not a single safe SELECT over known tables and columns."""

    title = "Validation"


class RequestError(SegmentaError):
    """A request that cannot be read at all: too long, or empty once cleaned."""

    title = "Request"


class ParseFailure(SegmentaError):
    """A request the engine could not turn into a Plan."""

    title = "Not understood"


class ExportError(SegmentaError):
    """An audience export that could not be written."""

    title = "Export"

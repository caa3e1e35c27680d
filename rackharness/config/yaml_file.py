"""Reading a user's YAML file (a config, an inventory, a secrets file) so that any content ends in a clear error.

:func:`compose_file` returns the file's node tree, or raises :class:`~rackharness.errors.ConfigError`
(exit 2) naming the file and line, for every way a file can be wrong: missing, unreadable, a
directory, too large, not UTF-8 (binary, Latin-1), control characters, invalid YAML, nested deeper
than any of our files needs, a key given twice in one mapping (YAML would keep the last silently),
aliases and merge keys (one value standing for another). The parser's own message is not quoted
back for a file that holds secrets (``secret=True``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rackharness.errors import ConfigError

#: larger than any config or inventory we know of; a bigger file is a wrong path (a log, an image)
MAX_BYTES = 1 << 20
#: mappings and lists nested deeper than this are refused (our deepest file nests 4 levels)
MAX_DEPTH = 32


def compose_file(path: Path, what: str, *, secret: bool = False) -> yaml.Node | None:
    """The YAML node tree of ``path`` (``what``: "config file", "inventory", ...); None for an empty file."""
    text = _read_text(path, what)
    _check_nesting(text, path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or (type(exc).__name__ if secret else str(exc))
        raise ConfigError(
            f"{where}: {what} is not valid YAML: {problem}", hint="check the indentation and quoting around that line"
        ) from None
    except RecursionError:
        raise ConfigError(
            f"{path}: {what} is nested too deeply to be one of ours",
            hint=f"at most {MAX_DEPTH} levels of mappings and lists",
        ) from None
    if root is not None:
        _check_tree(root, path, what)
    return root


def _read_text(path: Path, what: str) -> str:
    try:
        if path.is_dir():
            raise ConfigError(f"{what} {path} is a directory", hint="give the path of a YAML file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(
                f"{what} {path} is {size} bytes: larger than any {what} ({MAX_BYTES} bytes at most)",
                hint="check the path: is it the YAML file you meant?",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{what} {path} does not exist", hint=f"check the path (a relative one starts in {Path.cwd()})"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="save it as UTF-8 (a binary file, or Latin-1 text, is not YAML we can read)",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, line_text in enumerate(text.splitlines(), 1):
        bad = next((ch for ch in line_text if (ord(ch) < 32 and ch != "\t") or ord(ch) == 127), None)
        if bad is not None:
            raise ConfigError(
                f"{path}:{number}: {what} holds a control character (0x{ord(bad):02x})",
                hint='a YAML file is plain text: remove it, or quote it as an escape ("\\x..")',
            )
    return text


def _check_nesting(text: str, path: Path) -> None:
    """Refuse flow collections (``[[[...``) nested past MAX_DEPTH before the parser recurses into them.

    Brackets inside quotes and comments count too: a file that trips this on them is no file of ours.
    """
    depth = 0
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(
                    f"{path}:{line}: nested deeper than {MAX_DEPTH} levels",
                    hint="none of our files needs that: check the brackets",
                )
        elif ch in "]}":
            depth = max(0, depth - 1)


def _check_tree(root: yaml.Node, path: Path, what: str) -> None:
    """Depth and duplicate keys, walked without recursion; a node an alias repeats is walked once."""
    pending: list[tuple[yaml.Node, int]] = [(root, 1)]
    walked: set[int] = set()
    while pending:
        node, depth = pending.pop()
        if id(node) in walked:
            raise ConfigError(
                f"{path}:{node.start_mark.line + 1}: aliases (*name) are not supported in a {what}",
                hint="write the value out where it is used",
            )
        walked.add(id(node))
        if depth > MAX_DEPTH:
            raise ConfigError(
                f"{path}:{node.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels",
                hint="none of our files needs that: check the indentation",
            )
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ConfigError(
                        f"{path}:{key_node.start_mark.line + 1}: a key must be a plain name, not a mapping or a list"
                    )
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key == "<<":
                    raise ConfigError(
                        f"{path}:{line}: merge keys (<<) are not supported in a {what}", hint="write the keys out"
                    )
                if key in seen:
                    raise ConfigError(
                        f"{path}:{line}: {key!r} is given twice in one mapping (first at line {seen[key]})",
                        hint="keep one of them: YAML would silently use the last",
                    )
                seen[key] = line
                pending.append((value_node, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((item, depth + 1) for item in node.value)

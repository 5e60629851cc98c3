"""Reading the project's YAML files (the organisation file, drill scenarios) the same
careful way, and saying what is wrong with them in the file's own terms.

`read_text` refuses files too big or not UTF-8; `parse_yaml` refuses duplicate keys
and aliases (a "billion laughs" expands a few kilobytes into gigabytes);
`format_validation_errors` turns pydantic's errors into one line per problem,
prefixed with its key path (`units[0].notfy: unknown key (did you mean notify?)`).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from core.registry import PLATFORMS


class YamlProblem(Exception):
    """The file cannot be read as YAML at all; the message is one line for its reader."""


def read_text(path: Path, max_bytes: int, what: str) -> str:
    try:
        if path.stat().st_size > max_bytes:
            raise YamlProblem(f"{path}: larger than {max_bytes:,} bytes; is this {what}?")
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlProblem(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise YamlProblem(f"{path}: not UTF-8 text") from None


def parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(f"{where}YAML: {problem}") from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys instead of keeping the last, and aliases.

    A 4 KB file of nested aliases (a "billion laughs") expands to gigabytes; an
    organisation file has no need of them, so `*name` is refused where it stands.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed here: write the values out", event.start_mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "ids":
            continue  # platform ids are keys of their own in the file (schema._OnPlatforms)
        elif str(part).startswith(("function-", "literal[", "list[")):
            continue  # pydantic's names for union branches, meaningless to a reader
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


def keys_at(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    """The keys the schema allows where `loc` points (for "did you mean")."""
    model: Any = root
    for part in loc:
        if isinstance(part, int) or part == "ids":
            continue
        declared = model.model_fields.get(str(part))
        if declared is None:
            return []
        model = _model_in(declared.annotation)
        if model is None:
            return []
    keys = [name for name in model.model_fields if name != "ids"]
    return keys + (PLATFORMS.with_ids() if "ids" in model.model_fields else [])


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, through list[…], … | None and Annotated[…]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in get_args(annotation):
        if (found := _model_in(inner)) is not None:
            return found
    return None


def format_validation_errors(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """Every problem pydantic found, one line each, prefixed with its key path in the file;
    an unknown key answered with the key meant."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        path = key_path(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            close = difflib.get_close_matches(str(error["loc"][-1]), keys_at(error["loc"][:-1], root), n=1, cutoff=0.6)
            message = f"unknown key (did you mean {close[0]}?)" if close else "unknown key"
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "literal_error" and isinstance(error.get("input"), str):
            # A misspelt choice ("chat_remindr") gets the choice meant, as a misspelt key does.
            choices = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
            close = difflib.get_close_matches(error["input"], choices, n=1, cutoff=0.6)
            message = error["msg"] + (f" (did you mean {close[0]}?)" if close else "")
        elif kind == "string_type" and isinstance(error.get("input"), (int, float)):
            message = "must be a string in quotes (ids are strings)"
        else:
            message = error["msg"].removeprefix("Value error, ")
        line = f"{path}: {message}"
        if line not in problems:  # unions report the same problem once per branch
            problems.append(line)
    return problems

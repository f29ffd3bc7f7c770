"""Reading YAML as untrusted input, and pydantic errors as one line with the file's line.

YAML is read with a subclass of the safe loader that also bounds size, nesting and aliases
and refuses duplicate keys, tags beyond the core schema and non-finite numbers
(`parse_yaml`); the node tree it returns lets `validate` name the line of the first problem
pydantic finds, with the field and the allowed values.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import InputError, allowed, did_you_mean
from sim.files import YAML_LIMIT, read_text


def node_line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at `loc`, or of the deepest parent found."""
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


#: Limits on a YAML file's structure (each an InputError when exceeded).
MAX_DEPTH = 40  # nesting of mappings and lists
MAX_ALIASES = 100  # `*name` references
MAX_NODES = 100_000  # values after aliases are expanded
#: Explicit tags allowed: YAML's core schema only (no Python objects, sets, binary, dates).
CORE_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")
}


#: libyaml's scanner and parser where PyYAML was built with it (several times faster than
#: the pure-Python ones); composing stays in Python so that every node passes the checks below.
try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml
    _Parser = None


class _StrictLoader(
    yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
):
    """`yaml.SafeLoader` that also bounds nesting depth and alias count while composing and
    refuses explicit tags outside the core schema (checked per node, before construction)."""

    def __init__(self, stream):
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0
        self._aliases = 0

    def dispose(self):
        pass

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(
                    f"more than {MAX_ALIASES} aliases (*name)", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ("!",) and tag not in CORE_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                f"YAML tag '{shown}' is not allowed; plain values only "
                "(text, numbers, true/false, lists, mappings)",
                event.start_mark,
            )
        if tag == "!":
            raise _Refused("the non-specific tag '!' is not allowed", event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PyStrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _StrictLoader):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _StrictLoader.__init__(self, stream)


if _Parser is not None:

    class _CStrictLoader(_StrictLoader, _Parser):
        """Python composer over libyaml's events (the composer's methods come first)."""

        def __init__(self, stream):
            _Parser.__init__(self, stream)
            _StrictLoader.__init__(self, stream)


def _loader(text: str):
    return (_CStrictLoader if _Parser is not None else _PyStrictLoader)(text)


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"


def _check_tree(root: yaml.Node) -> None:
    """Refuse recursive or oversized alias expansion, duplicate or non-scalar keys and
    non-finite numbers, each at its line."""
    size: dict[int, int] = {}
    busy: set[int] = set()

    def walk(node: yaml.Node) -> int:
        key = id(node)
        if key in size:
            return size[key]
        if key in busy:
            raise _Refused("an alias refers to a value containing itself", node.start_mark)
        busy.add(key)
        n = 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _FLOAT and _non_finite(node.value):
                raise _Refused(f"'{node.value}' is not a finite number", node.start_mark)
            if node.tag in (_FLOAT, _INT) and len(node.value) > 64:
                raise _Refused(
                    f"a number of {len(node.value)} characters is too long (at most 64)",
                    node.start_mark,
                )
        elif isinstance(node, yaml.SequenceNode):
            n += sum(walk(v) for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for k, v in node.value:
                if k.tag == _MERGE:
                    n += walk(v)
                    continue
                if not isinstance(k, yaml.ScalarNode):
                    raise _Refused(
                        "a key must be plain text or a number, not a list or mapping", k.start_mark
                    )
                ident = (k.tag, k.value)
                if ident in seen:
                    raise _Refused(
                        f"duplicate key '{k.value}' (first at line {seen[ident].line + 1})",
                        k.start_mark,
                    )
                seen[ident] = k.start_mark
                n += walk(k) + walk(v)
        busy.discard(key)
        size[key] = n
        if n > MAX_NODES:
            raise _Refused(f"expands to more than {MAX_NODES} values (aliases?)", node.start_mark)
        return n

    walk(root)


def _non_finite(text: str) -> bool:
    t = text.strip().lower().lstrip("+-")
    return t in (".nan", ".inf") or t in ("nan", "inf", "infinity")


def parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text as untrusted input: safe constructors only, bounded depth and aliases,
    no duplicate keys, no non-finite numbers, core-schema tags only."""
    try:
        loader = _loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            _check_tree(node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError:
        raise InputError(file, "", f"nested deeper than {MAX_DEPTH} levels") from None
    except yaml.YAMLError as exc:
        raise _input_error(exc, file) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an impossible !!int
        raise InputError(file, "", f"malformed YAML: {exc}") from None
    _check_values(data, node, file)
    return data, node


def _input_error(exc: yaml.YAMLError, file: str) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if context and not isinstance(exc, _Refused):
        problem = f"{context} {problem}"
    return InputError(
        file,
        "",
        f"malformed YAML: {problem}" if not isinstance(exc, _Refused) else problem,
        line,
    )


def read_top_text(path: Path, key: str) -> str | None:
    """The text of top-level `key` of the YAML mapping in `path`, read from the parser's
    events up to it, as written (nothing is composed or constructed, so no size, alias or
    tag can cost anything): what a listing needs from every file of a folder. None when the
    file is not a mapping, lacks the key or gives it a list or mapping. The file is read
    under the same limits as `read_yaml`; a file malformed before the key raises as it does."""
    text = read_text(path, YAML_LIMIT, "YAML file")
    parser = _Parser(text) if _Parser is not None else yaml.SafeLoader(text)
    try:
        depth, at_key = 0, True  # inside the top-level mapping: the next scalar is a key
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.StreamEndEvent | yaml.DocumentEndEvent):
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth == 1 and not isinstance(event, yaml.MappingStartEvent):
                    return None
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                if depth == 0:
                    return None
                if depth == 1:  # a list or mapping was a key or a value: skipped whole
                    at_key = not at_key
                continue
            if depth != 1:
                continue
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                if at_key and isinstance(event, yaml.ScalarEvent) and event.value == key:
                    value = parser.get_event()
                    return value.value if isinstance(value, yaml.ScalarEvent) else None
                at_key = not at_key
        return None
    except yaml.YAMLError as exc:
        raise _input_error(exc, str(path)) from None
    finally:
        parser.dispose()


def _check_values(data: Any, node: yaml.Node, file: str) -> None:
    """After construction: no float that is not finite (e.g. 1e999 read as inf)."""
    import math

    stack = [(data, ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(
                file, field_name(loc), f"{value} is not a finite number", node_line(node, loc)
            )
        if isinstance(value, dict):
            stack.extend((v, loc + (k,)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, loc + (i,)) for i, v in enumerate(value))


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse `path` as untrusted YAML (see `parse_yaml`; at most `YAML_LIMIT` bytes of
    UTF-8); return (data, node tree for line lookups)."""
    text = read_text(path, YAML_LIMIT, "YAML file")
    return parse_yaml(text, str(path))


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at `loc` (the parent of an unknown key)."""
    ann: Any = model
    for key in loc:
        ann = _unwrap(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            f = ann.model_fields.get(str(key))
            if f is None:
                return []
            ann = f.annotation
        elif typing.get_origin(ann) in (dict, list, tuple):
            ann = typing.get_args(ann)[-1]
        else:
            return []
    ann = _unwrap(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return list(ann.model_fields)
    return []


def _unwrap(ann: Any) -> Any:
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else args[0]
    if origin is typing.Annotated:
        return typing.get_args(ann)[0]
    return ann


def field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def validate(model: type[BaseModel], data: Any, path: Path, node: yaml.Node | None, at=()):
    """Validate `data` against `model`, raising a one-line InputError on the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        err = errors[0]
        if err["type"] == "missing":  # a misspelled required key: name it, with the right one
            parent = tuple(err["loc"][:-1])
            err = next(
                (
                    e
                    for e in errors
                    if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent
                ),
                err,
            )
        loc = tuple(k for k in err["loc"] if k not in ("[key]",))
        # pydantic appends validator-type tags such as 'literal[...]' or 'int'; drop them
        loc = tuple(k for k in loc if not (isinstance(k, str) and ("[" in k or k in _TAGS)))
        full = tuple(at) + loc
        line = node_line(node, full)
        field = field_name(full)
        etype, msg = err["type"], err["msg"]
        if etype == "extra_forbidden":
            names = _fields_at(model, loc[:-1])
            msg = f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), names)}; {allowed(names)}"
        elif etype == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            bad = err.get("input")
            hint = did_you_mean(str(bad), [s.strip(" '") for s in expected.split(",")])
            msg = f"'{bad}' is not allowed{hint}; allowed: {expected.replace(' or ', ', ')}"
        elif etype == "missing":
            msg = "required field is missing"
        elif etype.startswith(("greater", "less")):
            msg = f"{msg} (got {err.get('input')})"
        elif etype == "value_error":
            msg = msg.removeprefix("Value error, ")
        raise InputError(str(path), field, msg, line) from None


_TAGS = {"int", "str", "float", "bool", "function-after", "function-before", "list", "dict"}

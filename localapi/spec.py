"""The Bot API specification and the check of every call against it.

``telegram-bot-api.json`` is the Bot API 10.1 specification as JSON, file ``api.min.json`` of the public
project PaulSonOfLars/telegram-bot-api-spec (MIT licence), copied here so the project is self-contained.

A call is checked the way the form-encoded wire format needs it: every value may arrive as a string
(python-telegram-bot JSON-encodes every non-string parameter), so scalars are coerced by their declared
type and objects are parsed from JSON, then checked field by field against the declared types. Unknown
parameters are refused, although real Telegram silently ignores them: a misspelt parameter is a bug.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from localapi.errors import ApiError, bad_request

SPEC_PATH = Path(__file__).with_name("telegram-bot-api.json")
SCALARS = {"Integer", "Float", "Boolean", "True", "String", "InputFile"}
ARRAY = "Array of "
INTEGER = re.compile(r"-?\d+")
# Subtypes say which they are in a field described as 'must be chat' or 'always "emoji"'.
DISCRIMINATOR_FIELDS = ("type", "source", "status")
DISCRIMINATOR = re.compile(r'(?:must be|always) ["“]?(\w+)')


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart/form-data request."""

    filename: str
    content_type: str
    content: bytes


class Spec:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw["version"]
        self.types: dict[str, dict[str, Any]] = raw["types"]
        self._methods = {name.lower(): method for name, method in raw["methods"].items()}
        self._discriminators = {name: _discriminator(spec) for name, spec in self.types.items()}

    def method_name(self, name: str) -> str | None:
        """The canonical name of a method; Telegram matches method names case-insensitively."""
        method = self._methods.get(name.lower())
        return method["name"] if method else None

    def check_call(self, method_name: str, params: dict[str, Any]) -> dict[str, Any]:
        """Coerces and checks the parameters of a known method; raises ``ApiError`` on the first fault."""
        fields = {field["name"]: field for field in self._methods[method_name.lower()].get("fields", [])}
        unknown = sorted(set(params) - set(fields))
        if unknown:
            raise bad_request(f'unknown parameter "{unknown[0]}" for method {method_name}')
        checked: dict[str, Any] = {}
        for name, field in fields.items():
            if name in params:
                checked[name] = self._parameter(name, field["types"], params[name])
            elif field["required"]:
                raise bad_request(f'parameter "{name}" is required for method {method_name}')
        return checked

    def errors(self, type_name: str, value: Any) -> list[str]:
        """What is wrong with an already parsed JSON value of the given spec type ([] when valid)."""
        if type_name.startswith(ARRAY):
            if not isinstance(value, list):
                return [f"expected an array of {type_name[len(ARRAY) :]}"]
            return [error for item in value for error in self.errors(type_name[len(ARRAY) :], item)]
        if type_name in SCALARS:
            return [] if _is_scalar(type_name, value) else [f"expected {type_name}, got {value!r}"]
        spec = self.types[type_name]
        if "subtypes" in spec:
            subtype = self._subtype_of(spec["subtypes"], value)
            return self.errors(subtype, value) if subtype else self._union_errors(spec["subtypes"], value)
        return self._object_errors(type_name, spec.get("fields", []), value)

    def _parameter(self, name: str, types: list[str], value: Any) -> Any:
        if isinstance(value, Upload):
            if "InputFile" in types:
                return value
            raise bad_request(f'parameter "{name}" can not be a file')
        for type_name in types:
            coerced = _coerce_scalar(type_name, value)
            if coerced is not None:
                return coerced
        objects = [t for t in types if t not in SCALARS]
        if not objects:
            raise bad_request(f'parameter "{name}" must be {" or ".join(types)}, got {value!r}')
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        errors = self._union_errors(objects, value)
        if errors:
            raise bad_request(f"can't parse {name} JSON object: {errors[0]}")
        return value

    def _subtype_of(self, subtypes: list[str], value: Any) -> str | None:
        if isinstance(value, dict):
            for subtype in subtypes:
                discriminator = self._discriminators[subtype]
                if discriminator and value.get(discriminator[0]) == discriminator[1]:
                    return subtype
        return None

    def _union_errors(self, candidates: list[str], value: Any) -> list[str]:
        """Valid when one candidate fits; otherwise the errors of the candidate that came closest."""
        best: list[str] | None = None
        for candidate in candidates:
            errors = self.errors(candidate, value)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or []

    def _object_errors(self, type_name: str, fields: list[dict[str, Any]], value: Any) -> list[str]:
        if not isinstance(value, dict):
            return [f"expected a {type_name} object"]
        known = {field["name"]: field for field in fields}
        errors = [f'unknown field "{key}" in {type_name}' for key in value if key not in known]
        for name, field in known.items():
            if name not in value:
                if field["required"]:
                    errors.append(f'field "{name}" of {type_name} is required')
                continue
            field_errors = self._union_errors(field["types"], value[name])
            errors.extend(f"{type_name}.{name}: {error}" for error in field_errors[:1])
        return errors


def _discriminator(spec: dict[str, Any]) -> tuple[str, str] | None:
    for field in spec.get("fields", []):
        match = DISCRIMINATOR.search(field["description"]) if field["name"] in DISCRIMINATOR_FIELDS else None
        if match:
            return field["name"], match[1]
    return None


def _coerce_scalar(type_name: str, value: Any) -> Any:
    """The value as the scalar type, accepting the string forms of form-encoded requests; else None."""
    if type_name in ("Integer", "Float", "Boolean", "True") and isinstance(value, str):
        value = _parse_scalar_string(type_name, value)
    if type_name == "InputFile" or not _is_scalar(type_name, value):
        return None
    return value


def _parse_scalar_string(type_name: str, text: str) -> Any:
    if type_name == "Integer":
        return int(text) if INTEGER.fullmatch(text) else None
    if type_name == "Float":
        try:
            return float(text)
        except ValueError:
            return None
    return {"true": True, "false": False}.get(text.lower())


def _is_scalar(type_name: str, value: Any) -> bool:
    match type_name:
        case "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "Float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "Boolean":
            return isinstance(value, bool)
        case "True":
            return value is True
        case "String":
            return isinstance(value, str)
        case "InputFile":
            return isinstance(value, Upload)
    return False


@cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    return Spec(json.loads(path.read_text(encoding="utf-8")))


def known_method(spec: Spec, name: str) -> str:
    """The canonical method name, or the 404 Telegram answers for a method it does not have."""
    canonical = spec.method_name(name)
    if canonical is None:
        raise ApiError(404, "Not Found")
    return canonical

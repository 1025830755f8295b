"""Discord's rules for application commands: registrations (names, descriptions, options) and autocomplete choices.

Separate from bot.sandbox.limits because commands are checked when a bot registers them or answers an
autocomplete, not when it sends a message; the numbers and the error shapes stay in bot.sandbox.limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.sandbox.limits import (
    AUTOCOMPLETE_CHOICES_MAX,
    CHOICE_NAME_MAX,
    CHOICE_VALUE_MAX,
    COMMAND_DESCRIPTION_MAX,
    COMMAND_NAME_MAX,
    COMMAND_OPTIONS_MAX,
    COMMANDS_MAX,
    DiscordError,
    FormError,
    _check_string,
)

_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def validate_autocomplete(data: Any) -> None:
    errors = FormError()
    choices = data.get("choices") if isinstance(data, Mapping) else None
    if not isinstance(choices, list):
        errors.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        raise errors
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", f"Must be {AUTOCOMPLETE_CHOICES_MAX} or fewer in length.")
    for index, choice in enumerate(choices):
        path = ("data", "choices", index)
        if not isinstance(choice, Mapping):
            errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_string(errors, path + ("name",), choice.get("name"), max_length=CHOICE_NAME_MAX, min_length=1,
                      required=True)
        value = choice.get("value")
        if isinstance(value, str):
            _check_string(errors, path + ("value",), value, max_length=CHOICE_VALUE_MAX)
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.add(path + ("value",), "BASE_TYPE_REQUIRED", "This field is required")
    if errors:
        raise errors


def _validate_command_options(errors: FormError, path: tuple, options: Any, depth: int) -> None:
    if options is None:
        return
    if not isinstance(options, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(options) > COMMAND_OPTIONS_MAX:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {COMMAND_OPTIONS_MAX} or fewer in length.")
    seen_optional = False
    for index, option in enumerate(options):
        option_path = path + (index,)
        if not isinstance(option, Mapping):
            errors.add(option_path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        name = option.get("name")
        if not isinstance(name, str) or not _COMMAND_NAME.match(name) or name != name.lower():
            errors.add(option_path + ("name",), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        _check_string(errors, option_path + ("description",), option.get("description"),
                      max_length=COMMAND_DESCRIPTION_MAX, min_length=1, required=True)
        choices = option.get("choices")
        if isinstance(choices, list) and len(choices) > AUTOCOMPLETE_CHOICES_MAX:
            errors.add(option_path + ("choices",), "BASE_TYPE_MAX_LENGTH",
                       f"Must be {AUTOCOMPLETE_CHOICES_MAX} or fewer in length.")
        if option.get("type") in (1, 2):
            if depth >= 2:
                errors.add(option_path + ("type",), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                           "Subcommands cannot be nested this deep")
            _validate_command_options(errors, option_path + ("options",), option.get("options"), depth + 1)
        else:
            if option.get("required"):
                if seen_optional:
                    errors.add(option_path + ("required",), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                               "Required options must be placed before non-required options")
            else:
                seen_optional = True


def validate_commands(commands: Any) -> None:
    errors = FormError()
    if not isinstance(commands, list):
        raise DiscordError(400, 50109, "The request body contains invalid JSON.")
    if len(commands) > COMMANDS_MAX:
        errors.add((), "BASE_TYPE_MAX_LENGTH", f"Must be {COMMANDS_MAX} or fewer in length.")
    for index, command in enumerate(commands):
        validate_command(command, errors=errors, path=(index,))
    if errors:
        raise errors


def validate_command(command: Any, *, errors: FormError | None = None, path: tuple = ()) -> None:
    own = errors is None
    errors = errors if errors is not None else FormError()
    if not isinstance(command, Mapping):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
    else:
        name = command.get("name")
        command_type = command.get("type", 1)
        if command_type == 1:
            if not isinstance(name, str) or not _COMMAND_NAME.match(name) or name != name.lower():
                errors.add(path + ("name",), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            _check_string(errors, path + ("description",), command.get("description"),
                          max_length=COMMAND_DESCRIPTION_MAX, min_length=1, required=True)
        else:
            _check_string(errors, path + ("name",), name, max_length=COMMAND_NAME_MAX, min_length=1, required=True)
        _validate_command_options(errors, path + ("options",), command.get("options"), 0)
    if own and errors:
        raise errors

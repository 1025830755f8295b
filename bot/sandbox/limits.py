"""Discord's rules for payloads: its numbers, its error bodies, and the checks of messages and modals.

Validation answers like Discord: HTTP 400 with {"code": 50035, "message": "Invalid Form Body", "errors": {...}},
the errors nested by field path (`embeds.0.title`), each leaf carrying `_errors: [{"code", "message"}]`.
Application commands and autocomplete choices are checked in bot.sandbox.command_limits, rate limits and injected
faults live in bot.sandbox.rate_limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

# Discord's numbers (https://discord.com/developers/docs): kept in one place so the tests can name them.
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_PLACEHOLDER_MAX = 100
TEXT_INPUT_VALUE_MAX = 4000
LABEL_DESCRIPTION_MAX = 100
TEXT_DISPLAY_TOTAL_MAX = 4000
COMPONENTS_V2_TOTAL_MAX = 40
POLL_QUESTION_MAX = 300
POLL_ANSWER_MAX = 55
POLL_ANSWERS_MAX = 10
POLL_DURATION_HOURS_MAX = 768
THREAD_NAME_MAX = 100
NONCE_MAX = 25
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMANDS_MAX = 100
ATTACHMENTS_MAX = 10
ALLOWED_MESSAGE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15)


class FormError(Exception):
    """Invalid Form Body: collects errors by path, rendered in Discord's nested shape."""

    def __init__(self) -> None:
        super().__init__("Invalid Form Body")
        self.errors: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.errors
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.errors)

    def body(self) -> dict[str, Any]:
        return {"code": 50035, "message": "Invalid Form Body", "errors": self.errors}


class DiscordError(Exception):
    """Any other Discord JSON error: status, code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code}


def _check_string(errors: FormError, path: tuple, value: Any, *, max_length: int, min_length: int = 0,
                  required: bool = False) -> None:
    if value is None:
        if required:
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
        return
    if len(value) > max_length:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {max_length} or fewer in length.")
    elif len(value) < min_length:
        if min_length == 1 and required:
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        else:
            errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {min_length} and {max_length} in length.")


def _check_url(errors: FormError, path: tuple, value: Any, *, schemes: tuple[str, ...] = ("http", "https")) -> None:
    if value is None:
        return
    if not isinstance(value, str) or len(value) > 2048:
        errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        return
    parts = urlsplit(value)
    if parts.scheme not in schemes or (parts.scheme in ("http", "https") and not parts.netloc):
        errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts towards the 6000 total: title, description, field names and values, footer, author."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for embed_field in embed.get("fields") or []:
        if isinstance(embed_field, Mapping):
            total += len(embed_field.get("name") or "") + len(embed_field.get("value") or "")
    footer = embed.get("footer")
    if isinstance(footer, Mapping):
        total += len(footer.get("text") or "")
    author = embed.get("author")
    if isinstance(author, Mapping):
        total += len(author.get("name") or "")
    return total


def validate_embeds(errors: FormError, embeds: Any) -> None:
    if not isinstance(embeds, list):
        errors.add(("embeds",), "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > EMBEDS_MAX:
        errors.add(("embeds",), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        path = ("embeds", index)
        if not isinstance(embed, Mapping):
            errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_string(errors, path + ("title",), embed.get("title"), max_length=EMBED_TITLE_MAX)
        _check_string(errors, path + ("description",), embed.get("description"), max_length=EMBED_DESCRIPTION_MAX)
        _check_url(errors, path + ("url",), embed.get("url"))
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or isinstance(color, bool) or not 0 <= color <= 0xFFFFFF):
            errors.add(path + ("color",), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.")
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.add(path + ("fields",), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBED_FIELDS_MAX} or fewer in length.")
        for field_index, embed_field in enumerate(fields):
            field_path = path + ("fields", field_index)
            if not isinstance(embed_field, Mapping):
                errors.add(field_path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                continue
            _check_string(errors, field_path + ("name",), embed_field.get("name"), max_length=EMBED_FIELD_NAME_MAX,
                          min_length=1, required=True)
            _check_string(errors, field_path + ("value",), embed_field.get("value"), max_length=EMBED_FIELD_VALUE_MAX,
                          min_length=1, required=True)
        footer = embed.get("footer")
        if isinstance(footer, Mapping):
            _check_string(errors, path + ("footer", "text"), footer.get("text"), max_length=EMBED_FOOTER_MAX,
                          min_length=1, required=True)
            _check_url(errors, path + ("footer", "icon_url"), footer.get("icon_url"),
                       schemes=("http", "https", "attachment"))
        author = embed.get("author")
        if isinstance(author, Mapping):
            _check_string(errors, path + ("author", "name"), author.get("name"), max_length=EMBED_AUTHOR_MAX,
                          min_length=1, required=True)
            _check_url(errors, path + ("author", "url"), author.get("url"))
            _check_url(errors, path + ("author", "icon_url"), author.get("icon_url"),
                       schemes=("http", "https", "attachment"))
        for media in ("image", "thumbnail"):
            part = embed.get(media)
            if isinstance(part, Mapping):
                _check_url(errors, path + (media, "url"), part.get("url"), schemes=("http", "https", "attachment"))
        timestamp = embed.get("timestamp")
        if timestamp is not None and not isinstance(timestamp, str):
            errors.add(path + ("timestamp",), "DATE_TYPE_PARSE", "Could not parse timestamp.")
        total += embed_length(embed)
    if total > EMBED_TOTAL_MAX:
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")


class _ComponentChecker:
    def __init__(self, errors: FormError) -> None:
        self.errors = errors
        self.custom_ids: dict[str, tuple] = {}
        self.count = 0
        self.text_display_length = 0

    def custom_id(self, path: tuple, value: Any, *, required: bool = True) -> None:
        _check_string(self.errors, path + ("custom_id",), value, max_length=CUSTOM_ID_MAX, min_length=1,
                      required=required)
        if isinstance(value, str):
            if value in self.custom_ids:
                self.errors.add(path + ("custom_id",), "COMPONENT_CUSTOM_ID_DUPLICATED",
                                "Component custom id cannot be duplicated")
            self.custom_ids[value] = path

    def button(self, path: tuple, button: Mapping[str, Any]) -> None:
        style = button.get("style")
        if style not in (1, 2, 3, 4, 5, 6):
            self.errors.add(path + ("style",), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
        _check_string(self.errors, path + ("label",), button.get("label"), max_length=BUTTON_LABEL_MAX)
        if style == 5:
            if not button.get("url"):
                self.errors.add(path + ("url",), "BASE_TYPE_REQUIRED", "This field is required")
            else:
                _check_url(self.errors, path + ("url",), button.get("url"), schemes=("http", "https", "discord"))
            if button.get("custom_id") is not None:
                self.errors.add(path + ("custom_id",), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                                "A custom id cannot be set on link buttons")
        elif style == 6:
            if not button.get("sku_id"):
                self.errors.add(path + ("sku_id",), "BASE_TYPE_REQUIRED", "This field is required")
        else:
            self.custom_id(path, button.get("custom_id"))
            if button.get("label") is None and button.get("emoji") is None:
                self.errors.add(path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                                "A label or an emoji is required")

    def select(self, path: tuple, select: Mapping[str, Any]) -> None:
        self.custom_id(path, select.get("custom_id"))
        _check_string(self.errors, path + ("placeholder",), select.get("placeholder"),
                      max_length=SELECT_PLACEHOLDER_MAX)
        min_values = select.get("min_values", 1)
        max_values = select.get("max_values", 1)
        if not isinstance(min_values, int) or not 0 <= min_values <= 25:
            self.errors.add(path + ("min_values",), "NUMBER_TYPE_MAX", "int value should be less than or equal to 25.")
        if not isinstance(max_values, int) or not 1 <= max_values <= 25:
            self.errors.add(path + ("max_values",), "NUMBER_TYPE_MAX", "int value should be less than or equal to 25.")
        if select.get("type") == 3:
            options = select.get("options")
            if not isinstance(options, list) or not options:
                self.errors.add(path + ("options",), "BASE_TYPE_REQUIRED", "This field is required")
                return
            if len(options) > SELECT_OPTIONS_MAX:
                self.errors.add(path + ("options",), "BASE_TYPE_BAD_LENGTH",
                                f"Must be between 1 and {SELECT_OPTIONS_MAX} in length.")
            values = set()
            for index, option in enumerate(options):
                option_path = path + ("options", index)
                if not isinstance(option, Mapping):
                    self.errors.add(option_path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                    continue
                _check_string(self.errors, option_path + ("label",), option.get("label"),
                              max_length=SELECT_OPTION_TEXT_MAX, min_length=1, required=True)
                _check_string(self.errors, option_path + ("value",), option.get("value"),
                              max_length=SELECT_OPTION_TEXT_MAX, min_length=1, required=True)
                _check_string(self.errors, option_path + ("description",), option.get("description"),
                              max_length=SELECT_OPTION_TEXT_MAX)
                if option.get("value") in values:
                    self.errors.add(option_path + ("value",), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                                    "Option values must be unique")
                values.add(option.get("value"))
            if isinstance(max_values, int) and max_values > len(options):
                self.errors.add(path + ("max_values",), "SELECT_COMPONENT_MAX_VALUES_TOO_HIGH",
                                "max_values must be at most the number of options")

    def text_input(self, path: tuple, text_input: Mapping[str, Any], *, in_label: bool) -> None:
        self.custom_id(path, text_input.get("custom_id"))
        if text_input.get("style") not in (1, 2):
            self.errors.add(path + ("style",), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
        if not in_label or text_input.get("label") is not None:
            _check_string(self.errors, path + ("label",), text_input.get("label"), max_length=TEXT_INPUT_LABEL_MAX,
                          min_length=1, required=not in_label)
        _check_string(self.errors, path + ("placeholder",), text_input.get("placeholder"),
                      max_length=TEXT_INPUT_PLACEHOLDER_MAX)
        _check_string(self.errors, path + ("value",), text_input.get("value"), max_length=TEXT_INPUT_VALUE_MAX)
        min_length = text_input.get("min_length")
        max_length = text_input.get("max_length")
        if min_length is not None and (not isinstance(min_length, int) or not 0 <= min_length <= TEXT_INPUT_VALUE_MAX):
            self.errors.add(path + ("min_length",), "NUMBER_TYPE_MAX",
                            f"int value should be less than or equal to {TEXT_INPUT_VALUE_MAX}.")
        if max_length is not None and (not isinstance(max_length, int) or not 1 <= max_length <= TEXT_INPUT_VALUE_MAX):
            self.errors.add(path + ("max_length",), "NUMBER_TYPE_MAX",
                            f"int value should be less than or equal to {TEXT_INPUT_VALUE_MAX}.")

    def row(self, path: tuple, row: Any, *, modal: bool) -> None:
        children = row.get("components")
        if not isinstance(children, list) or not children:
            self.errors.add(path + ("components",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
            return
        if len(children) > ROW_BUTTONS_MAX:
            self.errors.add(path + ("components",), "BASE_TYPE_BAD_LENGTH",
                            f"Must be between 1 and {ROW_BUTTONS_MAX} in length.")
        kinds = set()
        for index, child in enumerate(children):
            child_path = path + ("components", index)
            if not isinstance(child, Mapping):
                self.errors.add(child_path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                continue
            self.count += 1
            kind = child.get("type")
            kinds.add(kind)
            if modal:
                if kind != 4:
                    self.errors.add(child_path + ("type",), "COMPONENT_TYPE_INVALID",
                                    "Only text inputs can be placed in modal action rows")
                else:
                    self.text_input(child_path, child, in_label=False)
            elif kind == 2:
                self.button(child_path, child)
            elif kind in (3, 5, 6, 7, 8):
                self.select(child_path, child)
            else:
                self.errors.add(child_path + ("type",), "UNION_TYPE_CHOICES",
                                "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).")
        if kinds & {3, 5, 6, 7, 8} and len(children) > 1:
            self.errors.add(path + ("components",), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                            "The specified component exceeds the maximum width")

    def v2(self, path: tuple, component: Mapping[str, Any]) -> None:
        """Components v2 (flag IS_COMPONENTS_V2): checked for shape and the 4000-character text total."""
        self.count += 1
        kind = component.get("type")
        if kind == 1:
            self.row(path, component, modal=False)
        elif kind == 10:
            content = component.get("content")
            _check_string(self.errors, path + ("content",), content, max_length=TEXT_DISPLAY_TOTAL_MAX, min_length=1,
                          required=True)
            if isinstance(content, str):
                self.text_display_length += len(content)
        elif kind in (9, 17):
            for index, child in enumerate(component.get("components") or []):
                if isinstance(child, Mapping):
                    self.v2(path + ("components", index), child)
            accessory = component.get("accessory")
            if isinstance(accessory, Mapping):
                self.count += 1
                if accessory.get("type") == 2:
                    self.button(path + ("accessory",), accessory)
        elif kind in (11, 12, 13, 14):
            pass
        else:
            self.errors.add(path + ("type",), "UNION_TYPE_CHOICES", "Invalid component type")


def validate_components(errors: FormError, components: Any, *, flags: int = 0) -> None:
    if not isinstance(components, list):
        errors.add(("components",), "BASE_TYPE_ARRAY", "Must be an array.")
        return
    checker = _ComponentChecker(errors)
    if flags & (1 << 15):
        for index, component in enumerate(components):
            if isinstance(component, Mapping):
                checker.v2(("components", index), component)
        if checker.count > COMPONENTS_V2_TOTAL_MAX:
            errors.add(("components",), "BASE_TYPE_MAX_LENGTH", f"Must be {COMPONENTS_V2_TOTAL_MAX} or fewer in length.")
        if checker.text_display_length > TEXT_DISPLAY_TOTAL_MAX:
            errors.add(("components",), "MAX_TEXT_DISPLAY_LENGTH_EXCEEDED",
                       f"Text display content exceeds {TEXT_DISPLAY_TOTAL_MAX} characters")
        return
    if len(components) > ACTION_ROWS_MAX:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS_MAX} or fewer in length.")
    for index, row in enumerate(components):
        path = ("components", index)
        if not isinstance(row, Mapping) or row.get("type") != 1:
            errors.add(path + ("type",), "UNION_TYPE_CHOICES",
                       "Top-level components must be action rows (type 1) without the components v2 flag")
            continue
        checker.row(path, row, modal=False)


def validate_poll(errors: FormError, poll: Any) -> None:
    """The poll object's rules live with the rest of native polls (bot/sandbox/polls.py)."""
    from bot.sandbox.polls import validate_poll_request

    validate_poll_request(errors, poll)


def validate_allowed_mentions(errors: FormError, allowed: Any) -> None:
    if allowed is None:
        return
    if not isinstance(allowed, Mapping):
        errors.add(("allowed_mentions",), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    parse = allowed.get("parse") or []
    for index, value in enumerate(parse):
        if value not in ("users", "roles", "everyone"):
            errors.add(("allowed_mentions", "parse", index), "BASE_TYPE_CHOICES",
                       "Value must be one of ('users', 'roles', 'everyone').")
    for kind in ("users", "roles"):
        listed = allowed.get(kind) or []
        if listed and kind in parse:
            errors.add(("allowed_mentions", "parse"), "SET_TYPE_ALREADY_CONTAINS_VALUE",
                       f"parse:[\"{kind}\"] and {kind}: [ids...] are mutually exclusive.")
        if len(listed) > 100:
            errors.add(("allowed_mentions", kind), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")


def validate_message(payload: Any, *, creating: bool, file_count: int = 0, interaction: bool = False) -> None:
    """Raise FormError (400, 50035) or DiscordError (e.g. 50006 empty message) like Discord would."""
    if not isinstance(payload, Mapping):
        raise DiscordError(400, 50109, "The request body contains invalid JSON.")
    errors = FormError()
    content = payload.get("content")
    if content is not None:
        _check_string(errors, ("content",), content, max_length=CONTENT_MAX)
    if payload.get("embeds") is not None:
        validate_embeds(errors, payload["embeds"])
    flags = payload.get("flags") or 0
    if not isinstance(flags, int) or isinstance(flags, bool):
        errors.add(("flags",), "NUMBER_TYPE_COERCE", "Value is not int.")
        flags = 0
    elif flags & ~ALLOWED_MESSAGE_FLAGS or (flags & (1 << 6) and not interaction):
        errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags")
    if payload.get("components") is not None:
        validate_components(errors, payload["components"], flags=flags)
    if payload.get("poll") is not None:
        validate_poll(errors, payload["poll"])
    validate_allowed_mentions(errors, payload.get("allowed_mentions"))
    nonce = payload.get("nonce")
    if nonce is not None:
        if isinstance(nonce, bool) or not isinstance(nonce, (str, int)):
            errors.add(("nonce",), "BASE_TYPE_STRING", "Must be a string or an integer.")
        elif len(str(nonce)) > NONCE_MAX:
            errors.add(("nonce",), "BASE_TYPE_MAX_LENGTH", f"Must be {NONCE_MAX} or fewer in length.")
    attachments = payload.get("attachments")
    if attachments is not None and (not isinstance(attachments, list) or len(attachments) > ATTACHMENTS_MAX):
        errors.add(("attachments",), "BASE_TYPE_MAX_LENGTH", f"Must be {ATTACHMENTS_MAX} or fewer in length.")
    if file_count > ATTACHMENTS_MAX:
        errors.add(("files",), "BASE_TYPE_MAX_LENGTH", f"Must be {ATTACHMENTS_MAX} or fewer in length.")
    if errors:
        raise errors
    if creating:
        has_text_display = bool(flags & (1 << 15) and payload.get("components"))
        if not (content or payload.get("embeds") or file_count or payload.get("sticker_ids") or payload.get("poll")
                or payload.get("components") or has_text_display):
            raise DiscordError(400, 50006, "Cannot send an empty message")


def validate_modal(data: Any) -> None:
    errors = FormError()
    if not isinstance(data, Mapping):
        errors.add(("data",), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        raise errors
    checker = _ComponentChecker(errors)
    checker.custom_id(("data",), data.get("custom_id"))
    _check_string(errors, ("data", "title"), data.get("title"), max_length=MODAL_TITLE_MAX, min_length=1,
                  required=True)
    components = data.get("components")
    if not isinstance(components, list) or not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        errors.add(("data", "components"), "BASE_TYPE_BAD_LENGTH",
                   f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.")
        raise errors
    for index, component in enumerate(components):
        path = ("data", "components", index)
        if not isinstance(component, Mapping):
            errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        kind = component.get("type")
        if kind == 1:
            checker.row(path, component, modal=True)
        elif kind == 18:
            _check_string(errors, path + ("label",), component.get("label"), max_length=TEXT_INPUT_LABEL_MAX,
                          min_length=1, required=True)
            _check_string(errors, path + ("description",), component.get("description"),
                          max_length=LABEL_DESCRIPTION_MAX)
            inner = component.get("component")
            if not isinstance(inner, Mapping):
                errors.add(path + ("component",), "BASE_TYPE_REQUIRED", "This field is required")
            elif inner.get("type") == 4:
                checker.text_input(path + ("component",), inner, in_label=True)
            elif inner.get("type") in (3, 5, 6, 7, 8):
                checker.select(path + ("component",), inner)
            else:
                checker.custom_id(path + ("component",), inner.get("custom_id"), required=False)
        elif kind == 10:
            _check_string(errors, path + ("content",), component.get("content"), max_length=TEXT_DISPLAY_TOTAL_MAX,
                          min_length=1, required=True)
        else:
            errors.add(path + ("type",), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1, 10, 18).")
    if errors:
        raise errors


def validate_thread_name(name: Any) -> None:
    errors = FormError()
    _check_string(errors, ("name",), name, max_length=THREAD_NAME_MAX, min_length=1, required=True)
    if errors:
        raise errors

"""Keeping the api key out of everything the library shows.

The key is removed from what a caller can see (messages, the body previews errors keep,
the text values of an answer, the requests an error chains to), after decoding, in any
letter case and in the forms it travels in (url-encoded, JSON-escaped). The answer's
bytes are never edited: numbers, and text that is a number, are never touched, so
scrubbing cannot change what an answer says.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus, unquote, unquote_to_bytes

from ._errors import error_chain

__all__ = ["KEY_PLACEHOLDER", "SHORTEST_SCRUBBED_KEY", "KeyScrubber"]

KEY_PLACEHOLDER = "[api key removed]"
SHORTEST_SCRUBBED_KEY = 8
"""A key shorter than this cannot be told from ordinary text and is not scrubbed."""
DISTINCTIVE_KEY = 16
"""A key this long, and not all digits, is removed wherever it occurs; a shorter one only
where it stands alone, not inside a longer word or number."""

_NUMBER = re.compile(r"\s*[-+]?\d+(?:[.,]\d+)*\s*")
# A JSON \u escape of an ASCII character can spell the key without any of its forms.
_ASCII_ESCAPE = re.compile(rb"\\u00[0-7][0-9a-fA-F]")


class KeyScrubber:
    """Removes one api key from texts, decoded answers, byte strings and exceptions."""

    def __init__(self, key: str) -> None:
        in_json = json.dumps(key)[1:-1]
        forms = {key, quote_plus(key), quote(key, safe=""), in_json, in_json.replace("/", "\\/")}
        if len(key) < SHORTEST_SCRUBBED_KEY:
            forms = set()
        alone = len(key) < DISTINCTIVE_KEY or key.isdigit()
        ordered = sorted(forms, key=len, reverse=True)
        pattern = "|".join(_bounded(form, alone) for form in ordered)
        self._text = re.compile(pattern, re.IGNORECASE) if forms else None
        self._bytes = re.compile(pattern.encode(), re.IGNORECASE) if forms else None
        self.longest = max(map(len, forms), default=0)

    def text(self, text: str) -> str:
        """`text` with the key replaced by ``[api key removed]``; a text that spells the
        key partly %-encoded is shown decoded, without it."""
        if self._text is None:
            return text
        if "%" in text and self._text.search(unquote(text)):
            text = unquote(text)
        return self._text.sub(KEY_PLACEHOLDER, text)

    def raw(self, body: bytes) -> bytes:
        """`body` with the key replaced, for the raw requests an error keeps."""
        if self._bytes is None:
            return body
        return self._bytes.sub(KEY_PLACEHOLDER.encode(), body)

    def could_hide_in(self, body: bytes) -> bool:
        """Whether the key could be in `body` once decoded: False proves it is not."""
        if self._bytes is None:
            return False
        if self._bytes.search(body) is not None or _ASCII_ESCAPE.search(body) is not None:
            return True
        return b"%" in body and self._bytes.search(unquote_to_bytes(body)) is not None

    def value(self, payload: object) -> object:
        """A decoded JSON answer with the key removed from its texts (keys included);
        numbers and texts that are numbers are left exactly as they are."""
        if isinstance(payload, str):
            return payload if _NUMBER.fullmatch(payload) else self.text(payload)
        if isinstance(payload, list):
            return [self.value(item) for item in payload]
        if isinstance(payload, dict):
            return {self.value(name): self.value(item) for name, item in payload.items()}
        return payload

    def forget_key(self, exc: BaseException) -> BaseException:
        """Scrub the key from a requests exception and its causes (their texts, such as
        a status line the panel sent, and the requests they keep), since the error raised
        to the caller chains to it."""
        for error in error_chain(exc):
            error.args = tuple(
                self.text(arg) if isinstance(arg, str) else arg for arg in error.args
            )
            if isinstance(getattr(error, "line", None), str):  # http.client's BadStatusLine
                error.line = self.text(error.line)  # type: ignore[attr-defined]
            response = getattr(error, "response", None)
            for request in (getattr(error, "request", None), getattr(response, "request", None)):
                body = getattr(request, "body", None)
                if isinstance(body, str):
                    request.body = self.text(body)  # type: ignore[union-attr]
                elif isinstance(body, bytes):
                    request.body = self.raw(body)  # type: ignore[union-attr]
        return exc

    def __repr__(self) -> str:
        return "KeyScrubber(...)"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a KeyScrubber holds the api key and is not pickled")


def _bounded(form: str, alone: bool) -> str:
    pattern = re.escape(form)
    if alone and form[:1].isalnum():
        pattern = r"(?<![0-9A-Za-z])" + pattern
    if alone and form[-1:].isalnum():
        pattern += r"(?![0-9A-Za-z])"
    return pattern

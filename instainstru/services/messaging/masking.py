"""Contact details hidden until a pair's first paid lesson, so that deals stay on the platform (as Wyzant does).

Messages are stored as written; `mask` runs when one is shown. It hides email addresses (also spelled out: "sam at
gmail dot com", "sam (at) gmail [dot] com") and phone numbers (10 to 15 digits with the usual separators, "+1 (212)
555-0100", "212.555.0100", and local "555-0100"). Prices, times and dates are left alone.
"""

import re

EMAIL_HIDDEN = "[email hidden until a lesson is booked]"
PHONE_HIDDEN = "[phone number hidden until a lesson is booked]"

_DOT = r"(?:\s*\.\s*|\s*[\(\[\{]\s*dot\s*[\)\]\}]\s*|\s+dot\s+)"
_EMAIL = re.compile(rf"[\w.+-]+\s*@\s*[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,24}}\b", re.IGNORECASE)
# Spelled out ("sam at gmail dot com"): only with a common ending, so "meet me at school. Then" is left alone.
_SPELLED_AT = r"(?:\s*[\(\[\{]\s*at\s*[\)\]\}]\s*|\s+at\s+)"
_ENDINGS = r"(?:com|net|org|edu|gov|io|co|us|me|info|biz)"
_SPELLED = re.compile(rf"[\w.+-]+{_SPELLED_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_ENDINGS}\b", re.IGNORECASE)
# 10 to 15 digits, separated by spaces, dots, dashes or brackets, with an optional leading "+".
_LONG_PHONE = re.compile(r"(?<![\w$.,:/])\+?\(?\d(?:[\s().-]{0,3}\d){9,14}(?![\w%])")
# A local number: 555-0100, 555.0100, 555 0100.
_LOCAL_PHONE = re.compile(r"(?<![\w$.,:/-])\d{3}[\s.-]\d{4}(?![\w%.,:-]\d|\w)")


def mask(text: str) -> str:
    """`text` with its email addresses and phone numbers replaced by a note saying they are hidden."""
    text = _SPELLED.sub(EMAIL_HIDDEN, _EMAIL.sub(EMAIL_HIDDEN, text))
    text = _LONG_PHONE.sub(PHONE_HIDDEN, text)
    return _LOCAL_PHONE.sub(PHONE_HIDDEN, text)

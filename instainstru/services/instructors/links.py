"""The one rule for an online lessons' meeting link, the profile's and each service's alike."""

from urllib.parse import urlsplit

MAX_MEETING_URL = 300
MEETING_URL_MESSAGE = "Enter the full https:// link of your online lessons, like https://meet.example.com/your-room."


def meeting_url_ok(url: str) -> bool:
    """Whether `url` is a full https link to a named host (no spaces, no credentials, at most 300 characters)."""
    if len(url) > MAX_MEETING_URL or any(ch.isspace() or ch in "<>\"'" for ch in url):
        return False
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme == "https" and "." in host and not parts.username and port_ok

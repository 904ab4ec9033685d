"""What an event handler sends back to the browser."""

from reflex.event import EventSpec

# One event (a toast, a redirect), several, or nothing.
Answer = EventSpec | list[EventSpec] | None

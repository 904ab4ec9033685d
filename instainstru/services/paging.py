"""Long lists shown a page at a time: the service decides the page size and which page there is."""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
PAGE_SIZE = 10


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 1), how many pages and items there are in all."""

    items: list[T]
    number: int
    pages: int
    total: int
    size: int


def page_number(total: int, number: int | str | None, size: int = PAGE_SIZE) -> tuple[int, int]:
    """(how many pages `total` items make, the page `number` asks for): a number that is not a page there is gives
    the nearest one (for a list paged in SQL)."""
    pages = max(1, -(-total // size))
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    return pages, min(max(wanted, 1), pages)


def page_of(items: list[T], number: int | str | None, size: int = PAGE_SIZE) -> Page[T]:
    """The `number`-th page of `items` (from 1); a number that is not a page there is gives the nearest one."""
    pages, number = page_number(len(items), number, size)
    return Page(items[(number - 1) * size : number * size], number, pages, len(items), size)

"""State fields the type checker reads as Reflex means them: a Var on the state class, the value on an instance.

Every state field a page reads is declared `name: Field[T] = field(default)` (or `field(default_factory=...)` for a
list or a dict). At run time `Field` and `field` are Reflex's own `rx.Field` and `rx.field`, unchanged. To mypy,
`rx.Field.__get__` picks the Var of a list or a dict through overloads whose `self` is a union (`Field[list[V]] |
Field[set[V]] | ...`), which mypy solves to `Never` (so `State.rows` would be `ArrayVar[Sequence[Never]]`, and a
dict an `ArrayVar` too); the `Field` below states the same mapping in overloads mypy solves: `State.rows` is an
`ArrayVar[list[Row]]`, `State.totals` an `ObjectVar[dict[str, str]]`, `State.busy` a `BooleanVar`, while
`self.rows` in a handler is the `list[Row]` itself.
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Generic, TypeVar, overload

import reflex as rx

if TYPE_CHECKING:
    from reflex.vars import ArrayVar, BooleanVar, NumberVar, ObjectVar, StringVar

    T = TypeVar("T")
    V = TypeVar("V")
    M = TypeVar("M", bound=Mapping)

    class Field(Generic[T]):
        """A state field holding a `T`: its Var on the class, its value on an instance."""

        @overload
        def __get__(self: "Field[bool]", instance: None, owner: type) -> BooleanVar: ...
        @overload
        def __get__(self: "Field[int]", instance: None, owner: type) -> NumberVar[int]: ...
        @overload
        def __get__(self: "Field[str]", instance: None, owner: type) -> StringVar: ...
        @overload
        def __get__(self: "Field[list[V]]", instance: None, owner: type) -> ArrayVar[list[V]]: ...
        @overload
        def __get__(self: "Field[M]", instance: None, owner: type) -> ObjectVar[M]: ...
        @overload
        def __get__(self, instance: None, owner: type) -> rx.Var[T]: ...
        @overload
        def __get__(self, instance: object, owner: type) -> T: ...
        def __get__(self, instance: object, owner: type) -> object:
            """The Var standing for the field (on the class) or the value it holds (on an instance)."""

        def __set__(self, instance: object, value: T) -> None:
            """Hold a new value (the page shows it)."""

    @overload
    def field(default: T) -> Field[T]: ...
    @overload
    def field(*, default_factory: Callable[[], T]) -> Field[T]: ...
    def field(default: T | None = None, *, default_factory: Callable[[], T] | None = None) -> Field[T]:
        """A state field starting at `default`, or at what `default_factory()` makes (a new list or dict for each
        browser session)."""
        return Field()

else:
    Field = rx.Field
    field = rx.field

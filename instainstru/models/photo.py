"""Profile photos kept in the database (PHOTO_STORE=db), where every worker on every machine reads them."""

from sqlalchemy import Column, LargeBinary, String
from sqlmodel import Field, SQLModel


class Photo(SQLModel, table=True):
    """One profile photo's JPEG thumbnail, under the name the profile points to (which carries a random token: a
    name is never reused, so what it serves never changes)."""

    __tablename__ = "photos"
    __table_args__ = {"extend_existing": True}

    name: str = Field(sa_column=Column(String(64), primary_key=True))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))

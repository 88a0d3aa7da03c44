"""The generation of all data: one row, incremented by every transaction that writes (`app.uow`)."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class DataGeneration(SQLModel, table=True):
    """Signed-in pages a worker keeps are valid only while this count has not moved."""

    __tablename__ = "data_generation"

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_type=BigInteger)

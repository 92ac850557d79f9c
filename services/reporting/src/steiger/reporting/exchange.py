"""The exchange-network feed: aggregated outcomes per organisation, programme and period
(schema below, versioned), written as files and published to Kafka, for the network's
shared learning. Only participants who consented to research use; no participant ids; cells
under the minimum size suppressed, without a count (steiger.shared.contracts.exchange)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Literal
from uuid import NAMESPACE_URL, uuid5

from aiokafka import AIOKafkaProducer
from pydantic import BaseModel, Field

from steiger.reporting.domain.figures import exchange_rows
from steiger.reporting.domain.progress import Progress
from steiger.reporting.exports import write_csv, write_json
from steiger.shared import cloudevents
from steiger.shared.contracts.exchange import (
    EXCHANGE_EVENT_TYPE,
    EXCHANGE_SCHEMA_VERSION,
    EXCHANGE_TOPIC,
    MINIMUM_CELL,
    ExchangeRow,
)
from steiger.shared.kafka import ensure_topics, stop_client

DATASCHEMA = f"urn:steiger:exchange-dataset:{EXCHANGE_SCHEMA_VERSION}"


class ExchangeDataset(BaseModel):
    schema_version: Literal["2.0"] = EXCHANGE_SCHEMA_VERSION
    organisation: str
    period: str = Field(description="YYYY, YYYY-Qn or YYYY-MM")
    generated_at: dt.datetime
    minimum_cell: int = MINIMUM_CELL
    rows: list[ExchangeRow]


class InvalidPeriod(ValueError):
    """Not a period: YYYY, YYYY-Qn or YYYY-MM."""


PERIOD_PATTERN = r"^20\d{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
"""A year, quarter or month from 2000 to 2099: no programme's figures lie outside."""


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    if not re.fullmatch(PERIOD_PATTERN, period):
        raise InvalidPeriod(
            f"{period!r} is not a period from 2000 to 2099: YYYY, YYYY-Qn or YYYY-MM"
        )
    if m := re.fullmatch(r"(\d{4})", period):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
    elif m := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", period):
        start, quarter = dt.date(int(m[1]), int(m[2]), 1), 0
    else:
        raise InvalidPeriod(f"{period!r} is not a period: use YYYY, YYYY-Qn or YYYY-MM")
    months = 3 if quarter else 1
    following = dt.date(
        start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 1
    )
    return start, following - dt.timedelta(days=1)


def last_completed_quarter(today: dt.date) -> str:
    quarter = (today.month - 1) // 3  # the current quarter's index, 0-based
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


def dataset(everyone: list[Progress], organisation: str, period: str) -> ExchangeDataset:
    rows = exchange_rows(everyone, organisation, period_bounds(period))
    return ExchangeDataset(
        organisation=organisation,
        period=period,
        generated_at=dt.datetime.now(dt.UTC),
        rows=[ExchangeRow(**row) for row in rows],
    )


def write_files(directory: Path, data: ExchangeDataset) -> list[Path]:
    stem = directory / f"exchange-{data.organisation}-{data.period}"
    rows = [row.model_dump(mode="json") for row in data.rows]
    return [
        write_json(stem.with_suffix(".json"), data.model_dump(mode="json")),
        write_csv(stem.with_suffix(".csv"), list(ExchangeRow.model_fields), rows),
    ]


async def publish(bootstrap_servers: str, source: str, data: ExchangeDataset) -> int:
    """One CloudEvent per row, key and subject `<organisation>:<period>:<programme>`: a
    republished period replaces its rows for a consumer that keeps the latest per key."""
    await ensure_topics(bootstrap_servers, [EXCHANGE_TOPIC], 1)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        for row in data.rows:
            subject = f"{row.organisation}:{data.period}:{row.programme}"
            record = cloudevents.encode_data(
                row.model_dump(mode="json"),
                event_type=EXCHANGE_EVENT_TYPE,
                subject=subject,
                event_id=str(uuid5(NAMESPACE_URL, f"{subject}@{data.generated_at}")),
                source=source,
                time=data.generated_at,
                extensions={
                    "dataschema": f"urn:steiger:exchange-dataset:{EXCHANGE_SCHEMA_VERSION}"
                },
            )
            headers = [(name, value.encode()) for name, value in record.headers.items()]
            await producer.send_and_wait(
                EXCHANGE_TOPIC, record.value, key=record.key, headers=headers
            )
    finally:
        await stop_client(producer)
    return len(data.rows)


def publish_now(bootstrap_servers: str, source: str, data: ExchangeDataset) -> int:
    return asyncio.run(publish(bootstrap_servers, source, data))

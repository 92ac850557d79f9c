"""Reporting's operations beside the views: the evaluation export, the exchange-network
feed and the replay. They read the live projections and write files or Kafka records."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path
from typing import Any
from uuid import UUID

from steiger.reporting.exchange import (
    ExchangeDataset,
    dataset,
    last_completed_quarter,
    publish_now,
    write_files,
)
from steiger.reporting.exports import write_csv, write_parquet
from steiger.reporting.rebuilding.generations import LiveProjections
from steiger.reporting.rebuilding.replay import NotAlone, Replay, ReplayStatus
from steiger.reporting.settings import Settings
from steiger.shared import clock
from steiger.shared.concurrency import off_the_loop
from steiger.shared.kafka import group_members


class ReportingOperations:
    def __init__(self, settings: Settings, live: LiveProjections, replay: Replay) -> None:
        self.settings, self.live, self.replay = settings, live, replay
        self._research_key = settings.research_key_bytes()

    async def start_replay(self, source: str) -> ReplayStatus:
        """Starts a replay, unless another process of reporting runs (only PostgreSQL's store
        can have more than one): the swap replaces this process's projections, and another
        one would go on feeding the old generation and miss what it consumed meanwhile."""
        if self.settings.database_url:
            try:
                members = await group_members(
                    self.settings.kafka_bootstrap_servers, "steiger-reporting"
                )
            except Exception as error:
                raise NotAlone(
                    f"could not ask the broker how many processes of reporting run ({error!r});"
                    " try again when it answers"
                ) from error
            if members > 1:
                raise NotAlone(
                    f"{members} processes of reporting are running: a replay rebuilds this "
                    "one's projections only. Scale reporting to one process, replay, then scale "
                    "it up again"
                )
        return await off_the_loop(self.replay.start, source)

    def research_id(self, participant_id: UUID) -> str:
        """A pseudonym for research only: the same participant gets the same id in every
        export under one key, and it cannot be turned back into the platform's id."""
        mac = hmac.new(self._research_key, str(participant_id).encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def export_evaluation(self, today: dt.date, file_format: str) -> Path:
        names, rows = self.live.application.evaluation(today, self.research_id)
        path = self.settings.exports / f"evaluation-{today.isoformat()}.{file_format}"
        writer = write_parquet if file_format == "parquet" else write_csv
        return writer(path, names, rows)

    def exchange(self, period: str) -> ExchangeDataset:
        return dataset(self.live.application.everyone(), self.settings.oin, period)

    def publish_exchange(self, period: str) -> dict[str, Any]:
        data = self.exchange(period)
        files = write_files(self.settings.exports, data)
        records = publish_now(self.settings.kafka_bootstrap_servers, self.settings.source, data)
        return {"period": period, "records": records, "files": [str(f) for f in files]}

    def publish_due_exchange(self) -> int:
        """The last completed quarter's dataset, once: its file marks it as published."""
        period = last_completed_quarter(clock.today())
        if (self.settings.exports / f"exchange-{self.settings.oin}-{period}.json").exists():
            return 0
        self.publish_exchange(period)
        return 1

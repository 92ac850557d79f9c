"""Rebuild reporting's projections into a fresh store from Kafka without a running service,
and print how fast (JSON): `python -m steiger.reporting.rebuilding.offline --var-dir DIR
--bootstrap-servers HOST:PORT`. For an operator who wants a store built aside; the
benchmark (`steiger bench --suite replay`) runs it as a process, as the CLI imports no
service."""

from __future__ import annotations

import argparse
import json
import time

from steiger.reporting.application import ReportingApplication
from steiger.reporting.rebuilding.fill import fill_from_kafka
from steiger.reporting.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.kafka import use_connection
from steiger.shared.topics import CONSUMES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--var-dir", required=True)
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    settings = Settings(var_dir=args.var_dir, kafka_bootstrap_servers=args.bootstrap_servers)
    use_connection(settings.kafka_connection())
    env = store_environment(settings)
    applied: list[int] = []
    began = time.monotonic()
    fill_from_kafka(
        env,
        settings.kafka_bootstrap_servers,
        CONSUMES["reporting"],
        settings.kafka_partitions,
        settings.signing_key(),
        applied.append,
        workers=args.workers,
    )
    seconds = time.monotonic() - began
    events = sum(applied)
    participants = len(ReportingApplication(env).participants())
    print(
        json.dumps(
            {
                "events": events,
                "seconds": round(seconds, 2),
                "events_per_second": round(events / seconds, 1),
                "workers": args.workers,
                "participants": participants,
            }
        )
    )


if __name__ == "__main__":
    main()

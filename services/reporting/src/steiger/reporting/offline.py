"""Rebuild reporting's projections into a fresh store from Kafka, outside the service, and
print how fast (JSON): `python -m steiger.reporting.offline --var-dir DIR`. The benchmark
(`steiger bench --suite replay`) runs this."""

from __future__ import annotations

import argparse
import json
import time

from steiger.reporting.application import ReportingApplication
from steiger.reporting.history import from_kafka
from steiger.reporting.rebuild import Rebuild
from steiger.reporting.settings import Settings
from steiger.shared.eventstore import store_environment
from steiger.shared.topics import CONSUMES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--var-dir", required=True)
    parser.add_argument("--bootstrap-servers", required=True)
    args = parser.parse_args()
    settings = Settings(var_dir=args.var_dir, kafka_bootstrap_servers=args.bootstrap_servers)
    application = ReportingApplication(store_environment(settings))
    rebuild = Rebuild(application)
    began = time.monotonic()
    rebuild.feed(from_kafka(settings.kafka_bootstrap_servers, CONSUMES["reporting"]))
    rebuild.record_positions()
    seconds = time.monotonic() - began
    participants = len(application.participants())
    print(
        json.dumps(
            {
                "events": rebuild.applied,
                "seconds": round(seconds, 2),
                "events_per_second": round(rebuild.applied / seconds, 1),
                "participants": participants,
            }
        )
    )


if __name__ == "__main__":
    main()

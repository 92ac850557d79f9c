"""The `steiger` command."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.table import Table

from steiger.cli.broker import EmbeddedBroker
from steiger.cli.runtime import System, web_port
from steiger.shared.services import SERVICES, url_of, urls_of
from steiger.shared.topics import CONSUMES

app = typer.Typer(
    help="Steiger: event-sourced case management for Mobility Mentoring.", no_args_is_help=True
)
console = Console()


@app.command()
def run(
    var_dir: Path = typer.Option(Path("var"), help="Where the SQLite stores and logs go."),
    broker_port: int = typer.Option(9092, help="Port of the embedded broker."),
) -> None:
    """Run the whole system: embedded broker (unless KAFKA_BOOTSTRAP_SERVERS is set) and the
    six services as separate processes. Ctrl-C stops everything."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    broker = None if external else EmbeddedBroker(port=broker_port)
    system = System(
        var_dir=var_dir,
        broker=broker,
        bootstrap_servers=external or f"127.0.0.1:{broker_port}",
        web_port=web_port(),
    )
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with console.status("starting broker and services…"):
        try:
            system.start()
        except Exception:
            system.stop()
            raise
    table = Table(title="Steiger is running")
    for column in ("service", "url", "docs", "log"):
        table.add_column(column)
    for name in SERVICES:
        service = system.services[name]
        table.add_row(name, service.url, f"{service.url}/docs", str(service.log_path))
    console.print(table)
    if system.web is not None:
        console.print(
            f"[bold]The mentors' web app: {system.web.url}[/bold] (sign in as a demo user)"
        )
    console.print(
        f"broker: {system.bootstrap_servers} "
        f"({'external' if external else 'embedded Tansu, in memory'})"
    )
    if system.issuer is not None:
        console.print(
            f"[bold red]DEVELOPMENT ISSUER at {system.issuer.url}: sign-in for the embedded "
            "defaults only, never for real people's data.[/bold red] Set STEIGER_OIDC_ISSUER "
            "to your organisation's issuer. A token: `uv run steiger token --role mentor "
            "--subject <mentor-id>`"
        )
    console.print("Try [bold]make demo[/bold] in another terminal. Ctrl-C stops everything.")
    try:
        while not stopping:
            for line in system.restart_what_exited():
                console.print(f"[red]{line}[/red]")
            time.sleep(0.5)
    finally:
        with console.status("stopping…"):
            system.stop()
        console.print("stopped")


REACHING_SERVICES = (
    "The services are found as `make run` starts them: on ports 8001-8006, or where "
    "STEIGER_<SERVICE>_PORT and STEIGER_<SERVICE>_HOST say (e.g. STEIGER_PARTICIPANT_PORT=9001)."
)


@app.command(epilog=REACHING_SERVICES)
def demo(participants: int = typer.Option(5, min=1, max=500)) -> None:
    """Play a realistic scenario against the running system and show what reporting sees."""
    from steiger.cli.demo import play

    play(console, participants=participants)


import_app = typer.Typer(help="Bulk import from an organisation's existing system.")
app.add_typer(import_app, name="import")


@import_app.command("participants")
def import_participants(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or JSON lines"),
    url: str = typer.Option(
        url_of("participant"), help="The participant service (default: as `make run` has it)."
    ),
    chunk_size: int = typer.Option(500, min=1, max=5000),
) -> None:
    """Import participants row by row; re-running the same file creates no duplicates."""
    from rich.progress import Progress

    from steiger.cli.importer import import_file

    with Progress(console=console) as progress:
        report = import_file(file, url, chunk_size, progress)
    console.print(
        f"{report['rows']} rows: {report['created']} created, "
        f"{report['already_present']} already present, {len(report['rejected'])} refused"
    )
    if report["rejected"]:
        table = Table(title="refused rows")
        table.add_column("line", justify="right")
        table.add_column("reason")
        for row in report["rejected"]:
            table.add_row(str(row["line"]), row["reason"])
        console.print(table)


@app.command()
def bench(
    output: Path = typer.Option(Path("bench-results/benchmarks.json")),
    duration: float = typer.Option(20.0, help="Seconds per measurement."),
    suite: list[str] = typer.Option(
        ["backbone", "import", "replay", "access", "memory", "web", "partners"],
        help="backbone, import, replay, access, memory, web, partners",
    ),
    replay_events: int = typer.Option(1_000_000, help="Events in the replay benchmark."),
    memory_events: int = typer.Option(
        1_000_000, help="Events each consuming service processes before its memory is read."
    ),
    memory_service: list[str] = typer.Option(
        [], help="Only these services in the memory benchmark (repeat; default: all)."
    ),
    participants: int = typer.Option(
        200, min=10, help="Participants the backbone load works with (registered first)."
    ),
) -> None:
    """Measure on fresh systems (embedded defaults): throughput and end-to-end latency
    (backbone, with sign-in and the audit trail on), the bulk import of 10,000 participants
    (import), rebuilding reporting from a generated history of a million events (replay),
    what checking a token costs a request (access), each consuming service's resident
    memory after it processed a million events (memory), the web app's pages for a mentor
    of 60 participants and a team lead of 2,000 (web), and webhooks to 20 chain partners for
    1,000 participants, half of them consenting (partners)."""
    from steiger.cli.bench import run_benchmarks

    run_benchmarks(
        console,
        output=output,
        duration=duration,
        suites=tuple(suite),
        replay_events=replay_events,
        memory_events=memory_events,
        memory_services=tuple(memory_service),
        participants=participants,
    )


replay_app = typer.Typer(
    help="Rebuild a service's projections from the full history.", epilog=REACHING_SERVICES
)
app.add_typer(replay_app, name="replay")


@replay_app.command("reporting")
def replay_reporting(
    source: str = typer.Option(
        "stores", help="stores (the producers' event stores; default) or kafka (the topics)"
    ),
    url: str = typer.Option(url_of("reporting"), help="The running reporting service."),
) -> None:
    """Rebuild every reporting projection from the full history, aside, then swap it in;
    the service keeps answering and consuming meanwhile."""
    from steiger.cli.credentials import bearer
    from steiger.cli.replay import replay_reporting as replay
    from steiger.shared.access import Role

    operator = bearer(Role.OPERATOR)
    status = replay(console, url, source, urls_of(CONSUMES["reporting"]), operator)
    if status["state"] != "done":
        console.print(f"[red]replay failed: {status['error']}[/red]")
        raise typer.Exit(1)
    console.print(
        f"generation {status['generation']} is live: {status['applied']:,} events, "
        f"{status['events_per_second']:,} events/s while reading the history"
    )


dead_letters_app = typer.Typer(
    help="What a service parked (its dead-letter topic), and sending a record back once the "
    "cause is fixed.",
    epilog=REACHING_SERVICES,
)
app.add_typer(dead_letters_app, name="dead-letters")
ServiceName = StrEnum("ServiceName", {name: name for name in SERVICES})  # type: ignore[misc]
Service = typer.Argument(..., help="The service.")
Position = typer.Argument(..., help="PARTITION/OFFSET, as `list` shows it.")


@dead_letters_app.command("list")
def dead_letters_list(service: ServiceName = Service) -> None:
    """Every record the service parked, oldest first, with the reasons."""
    from steiger.cli.dead_letters import list_parked

    _refusals_end_the_command(lambda: list_parked(console, service.value))


@dead_letters_app.command("show")
def dead_letters_show(service: ServiceName = Service, position: str = Position) -> None:
    """One parked record: its headers (where it came from, why) and its value."""
    from steiger.cli.dead_letters import show_parked

    _refusals_end_the_command(lambda: show_parked(console, service.value, position))


@dead_letters_app.command("retry")
def dead_letters_retry(service: ServiceName = Service, position: str = Position) -> None:
    """Send a parked record back: through the consumer again, or (a stored event the relay
    could not publish) published late. A second retry has no effect."""
    from steiger.cli.dead_letters import retry_parked

    _refusals_end_the_command(lambda: retry_parked(console, service.value, position))


partners_app = typer.Typer(
    help="Chain partners: what waits for each, their delivery log, resending deliveries.",
    epilog=REACHING_SERVICES,
)
app.add_typer(partners_app, name="partners")
PartnerKey = typer.Argument(..., help="The partner's key (as consents name it).")


@partners_app.command("list")
def partners_list() -> None:
    """Every partner with its subscriptions, lag, failing and parked deliveries."""
    from steiger.cli.partners import list_partners

    _refusals_end_the_command(lambda: list_partners(console))


@partners_app.command("log")
def partners_log(
    partner: str = PartnerKey,
    after: int = typer.Option(0, help="From after this position (as the log shows it)."),
) -> None:
    """The partner's delivery attempts: when, what the receiver answered, what comes next."""
    from steiger.cli.partners import show_log

    _refusals_end_the_command(lambda: show_log(console, partner, after))


@partners_app.command("resend")
def partners_resend(
    partner: str = PartnerKey,
    position: list[int] = typer.Argument(None, help="Positions of deliveries in the log."),
    parked: bool = typer.Option(False, "--parked", help="Every parked delivery."),
) -> None:
    """Send parked or past deliveries again, now, if the participant's consent still lets
    them go; prints what the receiver answered."""
    from steiger.cli.partners import resend

    _refusals_end_the_command(lambda: resend(console, partner, position or [], parked))


def _refusals_end_the_command(command: Callable[[], object]) -> None:
    from steiger.cli.credentials import NoToken
    from steiger.cli.dead_letters import Refused

    try:
        command()
    except (Refused, NoToken, httpx.HTTPError) as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(1) from refused


@app.command()
def retention(
    dry_run: bool = typer.Option(False, "--dry-run", help="List, erase nobody."),
    url: str = typer.Option(url_of("participant"), help="The running participant service."),
) -> None:
    """Erase everyone whose retention period after exit has ended (per programme,
    STEIGER_PARTICIPANT_RETENTION_YEARS); a restricted file is listed as held, not erased."""
    from steiger.cli.credentials import NoToken
    from steiger.cli.retention import Refused
    from steiger.cli.retention import retention as run

    try:
        run(console, url, dry_run)
    except (Refused, NoToken, httpx.HTTPError) as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(1) from refused


@app.command()
def contracts(
    out: Path = typer.Option(Path("shared/schemas"), help="Where to write the JSON Schemas."),
    asyncapi: Path = typer.Option(Path("docs/asyncapi.json")),
    partners_asyncapi: Path = typer.Option(Path("docs/partners-asyncapi.json")),
) -> None:
    """Generate the JSON Schemas of every integration event and of what chain partners
    receive (in <out>/partners), and the AsyncAPI documents of both."""
    from steiger.cli.contracts import write_asyncapi, write_partner_schemas, write_schemas

    written = write_schemas(out)
    for_partners = write_partner_schemas(out / "partners")
    write_asyncapi(asyncapi, partners_asyncapi)
    console.print(
        f"{len(written)} schemas in {out}, {len(for_partners)} in {out / 'partners'}; "
        f"AsyncAPI in {asyncapi} and {partners_asyncapi}"
    )


@app.command()
def manifests(
    out: Path = typer.Option(Path("deploy/k8s/base"), help="The Kustomize base to write."),
) -> None:
    """Write the Kubernetes base (Deployments, Services, budgets, network policies, Strimzi
    topics and users, the PostgreSQL cluster) from what the code says."""
    from steiger.cli.manifests import write_base

    written = write_base(out)
    console.print(f"{len(written)} files in {out}")


ROLES = (
    "mentor", "team-lead", "privacy-officer", "researcher", "operator", "administrator",
    "participant", "service",
)  # fmt: skip


@app.command()
def token(
    subject: str = typer.Option(..., help="Who the token names (a mentor's id, a person)."),
    role: list[str] = typer.Option(..., help=f"A role (repeat for more): {', '.join(ROLES)}."),
    team: list[str] = typer.Option([], help="A team the caller leads (team leads; repeat)."),
    var_dir: Path = typer.Option(Path("var"), help="Where `steiger run` keeps its state."),
) -> None:
    """Print an access token from the development issuer (embedded defaults only)."""
    from steiger.cli.issuer import DEFAULT_PORT, DevelopmentIssuer

    if os.environ.get("STEIGER_OIDC_ISSUER"):
        console.print("An issuer is configured (STEIGER_OIDC_ISSUER): ask it for a token.")
        raise typer.Exit(2)
    unknown = sorted(set(role) - set(ROLES))
    if unknown:
        console.print(f"Unknown role {', '.join(unknown)}; the roles: {', '.join(ROLES)}.")
        raise typer.Exit(2)
    port = os.environ.get("STEIGER_DEV_ISSUER_PORT") or DEFAULT_PORT
    url = os.environ.get("STEIGER_DEV_ISSUER_URL", f"http://127.0.0.1:{port}")
    print(DevelopmentIssuer(var_dir, url).mint(subject, role, teams=sorted(team)))


audit_app = typer.Typer(help="The audit trail: who read or changed what, when.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    service: list[str] = typer.Option(list(SERVICES), help="A service (repeat); all by default."),
    var_dir: Path = typer.Option(
        Path(os.environ.get("STEIGER_VAR_DIR", "var")), help="Where the SQLite stores are."
    ),
) -> None:
    """Check every entry of each service's trail against its chain (with STEIGER_AUDIT_KEY,
    or the key `steiger run` keeps in the var directory): an entry changed or removed is
    found. Exits 1 when one is."""
    from steiger.cli.audit import verify_trails

    broken = verify_trails(console, service, var_dir, os.environ.get("STEIGER_DATABASE_URL"))
    if broken:
        raise typer.Exit(1)

"""The bot's Prometheus metrics, on a registry of its own per bot.

Each `Liandong` has one `Metrics`, so several bots in one process (tests) count
apart and nothing lands in prometheus_client's global registry. Counters and the
latency histogram are updated where the work happens (pipeline, outbox sender,
timer loop); gauges about state (outbox depth and age, reachability, spool, pool)
are set from the database and the adapters when /metrics is scraped.

The names are what deploy/grafana-dashboard.json queries (a test checks both).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from core.events import Event
from core.platform import Reachability

CONTENT_TYPE = CONTENT_TYPE_LATEST
DELIVERY_RESULTS = ("ok", "retried", "rate_limited", "failed")
OUTBOX_STATUSES = ("pending", "sending", "delivered", "failed")
# A transaction takes about a millisecond on SQLite alone; seconds mean trouble.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def event_kind(event: Event) -> str:
    """`MessageEvent` → `message`: one label value per event class, a handful in all."""
    name = type(event).__name__
    return (name[: -len("Event")] if name.endswith("Event") else name).lower() or "event"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_handled = Counter(
            "liandong_events_handled", "Events handled and committed, by kind (message, command, button, …) "
            "and platform", ["kind", "platform"], registry=r)
        self.events_failed = Counter(
            "liandong_events_failed", "Events whose handling failed (the sender was told), by kind and platform",
            ["kind", "platform"], registry=r)
        self.events_spooled = Counter(
            "liandong_events_spooled", "Events kept in the local spool because the database did not take them",
            ["platform"], registry=r)
        self.transaction_seconds = Histogram(
            "liandong_transaction_seconds", "Time of one pipeline transaction: a batch of events (work=events), "
            "the work after them (work=after_commit) or one timer job (work=the job's name)", ["work"], buckets=LATENCY_BUCKETS, registry=r)
        self.deliveries = Counter(
            "liandong_deliveries", "Outbox delivery attempts by platform and result: ok, retried, "
            "rate_limited (the platform said 429), failed (for good)", ["platform", "result"], registry=r)
        self.escalations = Counter(
            "liandong_escalations_fired", "Unacknowledged orders escalated (a reminder, then an alert to the centre)",
            registry=r)
        self.timer_jobs_fired = Counter(
            "liandong_timer_jobs_fired", "Work done by the timer jobs (escalations, roll-call deadlines, …), by timer", ["timer"], registry=r)
        # Set at scrape:
        self.outbox_messages = Gauge(
            "liandong_outbox_messages", "Outbox rows by status (delivered rows are kept until retention)",
            ["status"], registry=r)
        self.outbox_pending = Gauge(
            "liandong_outbox_pending", "Undelivered outbox rows (pending or being sent), by platform",
            ["platform"], registry=r)
        self.outbox_oldest_age = Gauge(
            "liandong_outbox_oldest_pending_age_seconds", "Age of the oldest undelivered outbox row, by platform "
            "(0 when none waits)", ["platform"], registry=r)
        self.platform_reachable = Gauge(
            "liandong_platform_reachable", "1 when the platform's API answered the bot lately, else 0",
            ["platform"], registry=r)
        self.sender_running = Gauge(
            "liandong_outbox_sender_running", "1 while the platform's outbox sender task runs, else 0",
            ["platform"], registry=r)
        self.spool_waiting = Gauge(
            "liandong_spool_waiting", "Events in the local spool waiting for the database", registry=r)
        self.db_pool = Gauge(
            "liandong_db_pool_connections", "Database connections in the pool: in_use (checked out) and idle",
            ["state"], registry=r)
        self.ready = Gauge("liandong_ready", "1 when /readyz would answer 200, else 0", registry=r)
        self.rollcall_answered = Gauge(
            "liandong_rollcall_answered_ratio", "Share of the units asked by the latest roll-call of which "
            "somebody answered (0 to 1; 0 before the first)", registry=r)
        self.alert_confirmed = Gauge(
            "liandong_alert_confirmed_ratio", "Share of the units the latest alert went to of which somebody "
            "confirmed receipt (0 to 1; 0 before the first)", registry=r)

    # -- counted as work happens -------------------------------------------------

    def handled(self, events: Iterable[Event]) -> None:
        for event in events:
            self.events_handled.labels(event_kind(event), event.actor.platform).inc()

    def failed(self, event: Event) -> None:
        self.events_failed.labels(event_kind(event), event.actor.platform).inc()

    def spooled(self, event: Event) -> None:
        self.events_spooled.labels(event.actor.platform).inc()

    def delivery(self, platform: str, result: str) -> None:
        self.deliveries.labels(platform, result).inc()

    # -- set at scrape ---------------------------------------------------------------

    def platforms_known(self, platforms: Iterable[str]) -> None:
        """Every label a dashboard expects is there from the start, at zero."""
        for platform in platforms:
            for result in DELIVERY_RESULTS:
                self.deliveries.labels(platform, result)

    def set_outbox(self, counts: Mapping[str, int], undelivered: Mapping[str, tuple[int, datetime | None]],
                   platforms: Iterable[str], now: datetime) -> None:
        for status in OUTBOX_STATUSES:
            self.outbox_messages.labels(status).set(counts.get(status, 0))
        for platform in set(platforms) | set(undelivered):
            count, oldest = undelivered.get(platform, (0, None))
            self.outbox_pending.labels(platform).set(count)
            self.outbox_oldest_age.labels(platform).set(
                max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)

    def clear_outbox(self) -> None:
        """Absent rather than stale: the database could not be read."""
        for gauge in (self.outbox_messages, self.outbox_pending, self.outbox_oldest_age):
            gauge.clear()

    def set_platforms(self, reachability: Mapping[str, Reachability], running: Mapping[str, bool],
                      now: datetime) -> None:
        for platform, status in reachability.items():
            self.platform_reachable.labels(platform).set(0 if status.problem(now) else 1)
        for platform, up in running.items():
            self.sender_running.labels(platform).set(1 if up else 0)

    def set_confirmations(self, rollcall: tuple[int, int] | None, alert: tuple[int, int] | None) -> None:
        """(answered, asked) of the latest roll-call and (confirmed, sent to) of the latest alert."""
        for gauge, counts in ((self.rollcall_answered, rollcall), (self.alert_confirmed, alert)):
            if counts is not None and counts[1]:
                gauge.set(counts[0] / counts[1])

    def set_pool(self, pool: Any) -> None:
        """SQLAlchemy's QueuePool counts its connections for free; other pools are skipped."""
        checked_out, checked_in = getattr(pool, "checkedout", None), getattr(pool, "checkedin", None)
        if callable(checked_out) and callable(checked_in):
            self.db_pool.labels("in_use").set(checked_out())
            self.db_pool.labels("idle").set(checked_in())

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

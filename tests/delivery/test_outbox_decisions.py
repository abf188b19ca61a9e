"""The decisions kept beside the outbox: an older database gains their table when it is opened."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from adapter.delivery.outbox import open_outbox
from adapter.handover.decision import DecisionReceived


def test_an_older_outbox_database_gains_the_decisions_table_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    open_outbox(db)
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:  # as a database written before decisions were kept
        connection.execute(text("DROP TABLE outbox_decisions"))
    engine.dispose()
    outbox = open_outbox(db)
    assert outbox.decision_on("m-1") is None
    at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    decision = DecisionReceived(
        "m-1", "d-1", "x" * 64, "accepted", None, "Y02345", at, at, {"resourceType": "Bundle"}
    )
    assert outbox.record_decision(decision) == decision
    other = DecisionReceived(
        "m-1", "d-2", "y" * 64, "rejected", "no", "Y02345", at, at, {"resourceType": "Bundle"}
    )
    assert open_outbox(db).record_decision(other) == decision  # the first kept stays

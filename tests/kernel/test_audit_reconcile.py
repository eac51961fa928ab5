"""Issue 12: `cxzy audit reconcile` finds an edited, a deleted and an inserted row of a service's event store
(both stores), and nothing when store and stream agree."""

import uuid

from shared.audit_reconcile import reconcile
from shared.auth import Identity

ITEMS = [{"text": "做好服务", "tags": ["带头服务群众"]}]


def sql(rt, store, statement, params=()):
    statement = statement.replace("?", "%s") if store == "postgres" else statement
    with rt.app.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(statement, params)


async def test_reconcile_reports_edited_deleted_and_inserted_rows(stack, store):
    pledges = stack["pledges"]
    for org in ("VIL1", "COM1", "TAXB1", "VIL1"):
        pledges.app.propose(
            Identity(f"S-{org}", "secretary", org=org),
            org_id=org,
            pledger_kind="org",
            member_ids=[],
            kind="annual",
            items=ITEMS,
        )
    pledges.nudge()
    await stack.settle()
    await pledges.stop()  # the relay must not publish what is inserted below
    clean = await reconcile(pledges)
    assert clean == {"ok": True, "service": "pledges", "stream": 4, "pending": 0, "problems": []}

    table = pledges.app.recorder.events_table_name
    if store == "postgres":
        from shared.db import schema_name

        table = f"{schema_name('pledges')}.{table}"
    nid = "notification_id" if store == "postgres" else "rowid"  # SQLite's notification id is the rowid
    with pledges.app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT state FROM {table} WHERE {nid} = 2")
        state = bytes(cursor.fetchone()["state"])
    assert b"annual" in state
    sql(pledges, store, f"UPDATE {table} SET state = ? WHERE {nid} = 2", (state.replace(b"annual", b"yearly"),))
    sql(pledges, store, f"DELETE FROM {table} WHERE {nid} = 3")
    cast = "::uuid" if store == "postgres" else ""
    sql(
        pledges,
        store,
        f"INSERT INTO {table} (originator_id, originator_version, topic, state, {nid}) "
        f"SELECT ?{cast}, originator_version, topic, state, 5 FROM {table} WHERE {nid} = 4",
        (str(uuid.uuid4()),),
    )
    with pledges.db.transaction() as tx:  # the row claims to be published: the relay's position passed it
        tx.execute("UPDATE cxzy_relay SET position = 5 WHERE service = ?", ["pledges"])
    result = await reconcile(pledges)
    assert not result["ok"]
    problems = result["problems"]
    assert len(problems) == 3, problems
    assert "stream sequence 2" in problems[0] and "store row 2 differs from the stream (an edited row)" in problems[0]
    assert "stream sequence 3" in problems[1] and "no store row gives this event (a deleted row)" in problems[1]
    assert "store row 5" in problems[2] and "(an inserted row)" in problems[2]
    await pledges.start()

"""Read models from the awards stream: campaigns, the nominations queue (A3), the roll of honour 光荣榜
(A6), exemplars 先进典型 and the 学先进 record (A7). Positions are those carried by each event (H5), so a
scope sees what lay in its subtree when it happened, in either hierarchy (H4)."""

from __future__ import annotations

import json

from shared.db import Tx
from shared.envelope import Envelope
from shared.projection import Projection, handles


class AwardsRecord(Projection):
    name = "record"
    source = "awards"
    tables = ("aw_campaigns", "aw_nominations", "aw_honours", "aw_exemplars", "aw_promotions", "aw_studies")
    ddl = """
    CREATE TABLE IF NOT EXISTS aw_campaigns (
        campaign_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, year INTEGER NOT NULL,
        scope TEXT NOT NULL, opener_org_id TEXT NOT NULL, local_path TEXT NOT NULL, vertical_path TEXT NOT NULL,
        titles TEXT NOT NULL, nomination_until TEXT NOT NULL, publicity_from TEXT NOT NULL,
        publicity_until TEXT NOT NULL, grant_on TEXT NOT NULL, granted_on TEXT);
    CREATE TABLE IF NOT EXISTS aw_nominations (
        nomination_id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, title TEXT NOT NULL, nominee_type TEXT NOT NULL,
        nominee_id TEXT NOT NULL, org_id TEXT NOT NULL, local_path TEXT NOT NULL, vertical_path TEXT NOT NULL,
        year INTEGER NOT NULL, state TEXT NOT NULL, level TEXT, levels TEXT NOT NULL, eligible INTEGER NOT NULL,
        overridden INTEGER NOT NULL, last_reason TEXT, open_objections INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS aw_nominations_campaign ON aw_nominations (campaign_id, state);
    CREATE INDEX IF NOT EXISTS aw_nominations_level ON aw_nominations (level, state);
    CREATE TABLE IF NOT EXISTS aw_honours (
        nomination_id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL, campaign_name TEXT NOT NULL, title TEXT NOT NULL,
        nominee_type TEXT NOT NULL, nominee_id TEXT NOT NULL, org_id TEXT NOT NULL, local_path TEXT NOT NULL,
        vertical_path TEXT NOT NULL, year INTEGER NOT NULL, granted_on TEXT NOT NULL, revoked_on TEXT,
        revoke_reason TEXT);
    CREATE INDEX IF NOT EXISTS aw_honours_year ON aw_honours (year, local_path);
    CREATE TABLE IF NOT EXISTS aw_exemplars (
        exemplar_id TEXT PRIMARY KEY, nomination_id TEXT NOT NULL, title TEXT NOT NULL, nominee_type TEXT NOT NULL,
        nominee_id TEXT NOT NULL, org_id TEXT NOT NULL, local_path TEXT NOT NULL, vertical_path TEXT NOT NULL,
        year INTEGER NOT NULL, citation TEXT NOT NULL, promotions INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1);
    CREATE TABLE IF NOT EXISTS aw_promotions (
        event_id TEXT PRIMARY KEY, exemplar_id TEXT NOT NULL, kind TEXT NOT NULL, headline TEXT NOT NULL,
        on_date TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS aw_studies (
        study_id TEXT PRIMARY KEY, exemplar_id TEXT NOT NULL, learner_type TEXT NOT NULL, learner_id TEXT NOT NULL,
        learner_org_id TEXT NOT NULL, local_path TEXT NOT NULL, vertical_path TEXT NOT NULL, form TEXT NOT NULL,
        on_date TEXT NOT NULL, year INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS aw_studies_exemplar ON aw_studies (exemplar_id);
    """

    # campaigns -------------------------------------------------------------------------------------
    @handles("campaign_opened")
    def campaign_opened(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "aw_campaigns",
            {
                "campaign_id": env.subject,
                "name": d["name"],
                "kind": d["kind"],
                "year": d["year"],
                "scope": d["scope"],
                "opener_org_id": d["opener_org_id"],
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "titles": json.dumps(d["titles"], ensure_ascii=False),
                "nomination_until": d["nomination_until"],
                "publicity_from": d["publicity_from"],
                "publicity_until": d["publicity_until"],
                "grant_on": d["grant_on"],
            },
            key=("campaign_id",),
        )

    @handles("campaign_granted")
    def campaign_granted(self, tx: Tx, env: Envelope) -> None:
        tx.execute("UPDATE aw_campaigns SET granted_on = ? WHERE campaign_id = ?", [env.data["on"], env.subject])

    # nominations -----------------------------------------------------------------------------------
    @handles("nominated")
    def nominated(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "aw_nominations",
            {
                "nomination_id": env.subject,
                "campaign_id": d["campaign_id"],
                "title": d["title"],
                "nominee_type": d["nominee_type"],
                "nominee_id": d["nominee_id"],
                "org_id": env.orgid,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "year": d["year"],
                "state": "pending",
                "level": d["levels"][0],
                "levels": json.dumps(d["levels"]),
                "eligible": int(d["eligibility"]["eligible"]),
                "overridden": int(d["eligibility"]["override"] is not None),
                "updated_at": env.time,
            },
            key=("nomination_id",),
        )

    def _nomination(self, tx: Tx, env: Envelope, sets: str, params: list) -> None:
        tx.execute(
            f"UPDATE aw_nominations SET {sets}, updated_at = ? WHERE nomination_id = ?",
            [*params, env.time, env.subject],
        )

    @handles("recommended")
    def recommended(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "state = 'pending', level = ?, last_reason = NULL", [env.data["next_level"]])

    @handles("held")
    def held(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "state = 'held', last_reason = ?", [env.data["reason"]])

    @handles("rejected")
    def rejected(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "state = 'rejected', level = NULL, last_reason = ?", [env.data["reason"]])

    @handles("shortlisted")
    def shortlisted(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "state = 'shortlisted', level = NULL", [])

    @handles("objection_raised")
    def objection_raised(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "open_objections = open_objections + 1", [])

    @handles("objection_resolved")
    def objection_resolved(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "open_objections = open_objections - 1", [])

    @handles("withdrawn")
    def withdrawn(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "state = 'withdrawn', last_reason = ?", [env.data["reason"]])

    # the roll of honour (A6) -------------------------------------------------------------------------
    @handles("granted")
    def granted(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        self._nomination(tx, env, "state = 'granted'", [])
        tx.insert_new(
            "aw_honours",
            {
                "nomination_id": env.subject,
                "campaign_id": d["campaign_id"],
                "campaign_name": d["campaign_name"],
                "title": d["title"],
                "nominee_type": d["nominee_type"],
                "nominee_id": d["nominee_id"],
                "org_id": env.orgid,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "year": d["year"],
                "granted_on": d["on"],
            },
            key=("nomination_id",),
        )

    @handles("revoked")
    def revoked(self, tx: Tx, env: Envelope) -> None:
        self._nomination(tx, env, "state = 'revoked', last_reason = ?", [env.data["reason"]])
        tx.execute(
            "UPDATE aw_honours SET revoked_on = ?, revoke_reason = ? WHERE nomination_id = ?",
            [env.data["on"], env.data["reason"], env.subject],
        )

    # exemplars and 学先进 (A7) -----------------------------------------------------------------------
    @handles("exemplar_selected")
    def exemplar_selected(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "aw_exemplars",
            {
                "exemplar_id": env.subject,
                "nomination_id": d["nomination_id"],
                "title": d["title"],
                "nominee_type": d["nominee_type"],
                "nominee_id": d["nominee_id"],
                "org_id": env.orgid,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "year": d["year"],
                "citation": d["citation"],
            },
            key=("exemplar_id",),
        )

    @handles("exemplar_promoted")
    def exemplar_promoted(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.execute("UPDATE aw_exemplars SET promotions = promotions + 1 WHERE exemplar_id = ?", [env.subject])
        tx.insert_new(
            "aw_promotions",
            {
                "event_id": env.id,
                "exemplar_id": env.subject,
                "kind": d["kind"],
                "headline": d["headline"],
                "on_date": d["on"],
            },
            key=("event_id",),
        )

    @handles("exemplar_withdrawn")
    def exemplar_withdrawn(self, tx: Tx, env: Envelope) -> None:
        tx.execute("UPDATE aw_exemplars SET active = 0 WHERE exemplar_id = ?", [env.subject])

    @handles("studied")
    def studied(self, tx: Tx, env: Envelope) -> None:
        d = env.data
        tx.insert_new(
            "aw_studies",
            {
                "study_id": env.subject,
                "exemplar_id": d["exemplar_id"],
                "learner_type": d["learner_type"],
                "learner_id": d["learner_id"],
                "learner_org_id": env.orgid,
                "local_path": env.localpath,
                "vertical_path": env.verticalpath,
                "form": d["form"],
                "on_date": d["on"],
                "year": int(d["on"][:4]),
            },
            key=("study_id",),
        )

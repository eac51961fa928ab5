"""HTTP of branch life: 专题组织生活会 (B3, B4)."""

from __future__ import annotations

from fastapi import APIRouter

from shared.api import Caller
from shared.auth import Identity, oversees, require_sees
from shared.service import ServiceRuntime

from ..application import BranchesApp
from ..meeting import STEPS, Meeting
from .schemas import Comment, Feedback, Holding, Measures, SelfCriticism, Step

Year = int


def meeting_view(app: BranchesApp, m: Meeting, who: Identity) -> dict:
    """Steps, attendance and measures for whoever sees the org; a member's self-criticism, the secretary's
    comment and the opinions fed back only for that member, the secretary and who oversees the branch."""
    position = app.directory.position(m.org_id)

    def private(member_id: str) -> bool:
        return who.sub == member_id or (who.role == "secretary" and who.org == m.org_id) or oversees(who, position)

    words = {member: said for member, said in m.words.items() if private(member)}
    members = sorted(set(m.attending or []) | set(words))
    return {
        "org_id": m.org_id,
        "year": m.year,
        "state": m.state,
        "steps": [{"step": s, "label": STEPS[s], "on": m.steps.get(s)} for s in STEPS],
        "attending": m.attending,
        "members": [
            {
                "member_id": mid,
                "self_criticised": mid in m.criticised,
                "commented": mid in m.commented,
                "measures": m.measures.get(mid, []),
                **words.get(mid, {}),
            }
            for mid in members
        ],
    }


def router(rt: ServiceRuntime[BranchesApp]) -> APIRouter:
    app = rt.app
    router = APIRouter()
    base = "/orgs/{org_id}/meetings/{year}"

    @router.get(base, summary="专题组织生活会 an org's meeting of a year: steps, attendance, measures (B3, B4)")
    def get(org_id: str, year: Year, who: Caller) -> dict:
        require_sees(who, app.directory.position(org_id))
        return meeting_view(app, app.meeting(org_id, year), who)

    @router.post(f"{base}/steps", summary="会前准备 record a preparation step (B3)")
    def step(org_id: str, year: Year, body: Step, who: Caller) -> dict:
        return meeting_view(app, app.record_step(who, org_id, year, body.step, body.on, body.note), who)

    @router.post(f"{base}/feedback", summary="评议意见反馈本人 return the opinions heard to a member (B3)")
    def feedback(org_id: str, year: Year, body: Feedback, who: Caller) -> dict:
        return meeting_view(app, app.feed_back(who, org_id, year, body.member_id, body.opinions), who)

    @router.post(f"{base}/held", summary="召开 hold the meeting: date, attendance, excused leading cadres (B3, B4)")
    def hold(org_id: str, year: Year, body: Holding, who: Caller) -> dict:
        return meeting_view(app, app.hold(who, org_id, year, body.held_on, body.attending, body.excused), who)

    @router.post(f"{base}/members/{{member_id}}/self-criticism", summary="对照检查、自我批评 (B4)")
    def self_criticise(org_id: str, year: Year, member_id: str, body: SelfCriticism, who: Caller) -> dict:
        return meeting_view(app, app.self_criticise(who, org_id, year, member_id, body.text), who)

    @router.post(f"{base}/members/{{member_id}}/comment", summary="书记点评 the secretary's comment (B4)")
    def comment(org_id: str, year: Year, member_id: str, body: Comment, who: Caller) -> dict:
        return meeting_view(app, app.comment(who, org_id, year, member_id, body.comment), who)

    @router.post(f"{base}/members/{{member_id}}/measures", summary="整改措施 a member's rectification measures (B4)")
    def measures(org_id: str, year: Year, member_id: str, body: Measures, who: Caller) -> dict:
        return meeting_view(app, app.set_measures(who, org_id, year, member_id, body.measures), who)

    @router.post(f"{base}/conclusion", summary="结束 conclude once every attending member is done (B4)")
    def conclude(org_id: str, year: Year, who: Caller) -> dict:
        return meeting_view(app, app.conclude(who, org_id, year), who)

    return router

"""待我评议 and 我的结果 over real HTTP on each store (P7, E4–E7): one form rates every peer of a 民主评议 at
once, each by name; each score goes through the API and a partial failure says which were recorded and which
not; the member's published result and pledge evaluations read in Chinese."""

from __future__ import annotations

from .conftest import csrf_of, login
from .member_setup import democratic


async def to_rate(ws, member: str) -> dict[str, bool]:
    r = await ws.http.get(f"/api/evaluations/members/{member}/to-rate", headers=ws.member(member, "VIL1"))
    return {i["subject_id"]: i["rated"] for i in r.json()["items"]}


async def test_e4_e5_one_form_rates_all_peers_and_says_what_was_not_recorded(ws):
    rounds = await democratic(ws)
    await ws.settle()
    client = await login(ws, "zhangwei")
    page = await client.get("/ws/ratings")
    assert page.status_code == 200 and page.text.count('class="card rating-group"') == 1
    assert "民主评议党员" in page.text and "一村党支部" in page.text
    for name in ("张伟（M1）", "李娜（M2）", "王芳（M3）", "刘洋（M4）", "陈静（M5）"):
        assert name in page.text
    assert "个人自评" in page.text and "党员互评" in page.text
    csrf = csrf_of(page.text)
    group = page.text.split('name="group" value="')[1].split('"')[0]

    nothing = await client.post("/ws/ratings", data={"csrf": csrf, "group": group})
    assert nothing.status_code == 422 and "请至少为一人填写评分" in nothing.text
    # 刘洋 is rated by 张伟 elsewhere between loading the form and sending it: one vote (E5), the second is not sent
    first = await ws.http.post(
        f"/api/evaluations/rounds/{rounds['M4']}/ratings",
        json={"mode": "peer", "score": 70},
        headers=ws.member("M1", "VIL1"),
    )
    assert first.status_code == 200
    scores = {
        f"score-{rounds['M1']}-self": "85",
        f"score-{rounds['M2']}-peer": "90",
        f"score-{rounds['M3']}-peer": "一百",
        f"score-{rounds['M4']}-peer": "60",
        f"score-{rounds['M5']}-peer": "",
    }
    partial = await client.post("/ws/ratings", data={"csrf": csrf, "group": group, **scores})
    assert partial.status_code == 200
    notice = partial.text.split('id="notice"')[1].split("</div>")[0]
    error = partial.text.split('id="error"')[1].split("</div>")[0]
    assert "已记录 2 项评分" in notice and "张伟（M1）" in notice and "李娜（M2）" in notice
    assert "以下 2 项评分未记录" in error and "王芳（M3）（党员互评）：评分须是 0 到 100 之间的数" in error
    assert "刘洋（M4）（党员互评）：您已评过" in error and "E5" not in error
    assert 'value="一百"' in partial.text  # what was not recorded is kept to correct
    assert await to_rate(ws, "M1") == {"M1": True, "M2": True, "M3": False, "M4": True, "M5": False}

    fixed = await client.post("/ws/ratings", data={"csrf": csrf, "group": group, f"score-{rounds['M3']}-peer": "100"})
    assert fixed.status_code == 200 and "已记录 1 项评分：王芳（M3）" in fixed.text
    stale = await client.post("/ws/ratings", data={"csrf": csrf, "group": "democratic|1999|VIL1"})
    assert stale.status_code == 409 and "请刷新页面查看" in stale.text


async def test_e6_e7_my_results_show_the_published_grade_in_chinese(ws):
    rounds = await democratic(ws)  # the same rounds (idempotent per org, member and year)
    for member, mode, score in (("M2", "peer", 92), ("M3", "peer", 88), ("M1", "self", 90)):
        if not (await to_rate(ws, member)).get("M1"):
            r = await ws.http.post(
                f"/api/evaluations/rounds/{rounds['M1']}/ratings",
                json={"mode": mode, "score": score},
                headers=ws.member(member, "VIL1"),
            )
            assert r.status_code == 200, r.text
    leader = await ws.http.post(
        f"/api/evaluations/rounds/{rounds['M1']}/ratings",
        json={"mode": "leader", "score": 95},
        headers=ws.secretary("VIL1"),
    )
    assert leader.status_code == 200
    closed = await ws.http.post(f"/api/evaluations/rounds/{rounds['M1']}/close", headers=ws.secretary("VIL1"))
    assert closed.status_code == 200 and closed.json()["state"] == "completed", closed.text
    await ws.settle()
    client = await login(ws, "zhangwei")
    page = await client.get("/ws/results")
    assert page.status_code == 200 and "民主评议党员" in page.text and "已完成" in page.text
    assert closed.json()["grade"] in page.text and "领导点评" in page.text and "democratic" not in page.text
    other = await login(ws, "wangfang")
    assert "还没有您的评议结果" in (await other.get("/ws/results")).text
    secretary = await login(ws, "vil1-sec")
    refused = await secretary.get("/ws/ratings")
    assert refused.status_code == 403 and "本页面供党员使用" in refused.text

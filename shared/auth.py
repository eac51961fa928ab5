"""Who is calling, and may they (DOMAIN.md H3, H4; docs/ARCHITECTURE.md "Subjects and scopes").

Tokens are signed JWTs (HS256) carrying a role, scopes and, for members and secretaries, their org.
Keys come from settings as ``kid:secret`` pairs: the first signs, every listed key verifies, so a
key is rotated by putting the new one first and dropping the old one after the token lifetime.
Every decision about an org goes through :class:`Identity` and :mod:`shared.scope`; every refusal
is logged with the identity and scope (never personal data).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import jwt

from .errors import Forbidden, Unauthorized
from .logging import log
from .scope import Position, Scope, ScopeError
from .settings import Settings

ROLES = ("member", "secretary", "superior", "org_admin", "auditor", "downstream")
ROLE_TITLES = {
    "member": "党员",
    "secretary": "党组织书记",
    "superior": "上级党组织",
    "org_admin": "组织部门",
    "auditor": "审计",
    "downstream": "下游系统",
}


def _keys(settings: Settings) -> list[tuple[str, str]]:
    pairs = []
    for item in settings.jwt_keys.split(","):
        kid, _, secret = item.strip().partition(":")
        if kid and secret:
            pairs.append((kid, secret))
    if not pairs:
        raise RuntimeError("CXZY_JWT_KEYS holds no kid:secret pair")
    return pairs


@dataclass(frozen=True)
class Identity:
    sub: str
    role: str
    scopes: tuple[Scope, ...] = ()
    org: str | None = None  # a member's or secretary's own org
    claims: dict = field(default_factory=dict, compare=False)

    # — seeing (H4) —
    def sees(self, position: Position) -> bool:
        if self.org is not None and self.org == position.org_id:
            return True
        return any(scope.contains(position) for scope in self.scopes)

    # — deciding (H3) —
    def leads(self, position: Position, leading_hierarchy: str) -> bool:
        """A superior or org dept whose scope is in the org's *leading* hierarchy."""
        return self.role in ("superior", "org_admin") and any(
            s.hierarchy == leading_hierarchy and s.contains(position) for s in self.scopes
        )

    def guides(self, position: Position, leading_hierarchy: str) -> bool:
        return self.role in ("superior", "org_admin") and any(
            s.hierarchy != leading_hierarchy and s.contains(position) for s in self.scopes
        )

    def describe(self) -> dict:
        return {"sub": self.sub, "role": self.role, "scopes": [str(s) for s in self.scopes], "org": self.org}


def forbidden(identity: Identity | None, reason_zh: str, reason_en: str, **context) -> Forbidden:
    """403 saying why, in Chinese then English (the kernel's one order, as ``invalid`` and ``broken_rule``); logged."""
    log("auth").warning(
        "access refused", identity=identity.describe() if identity else None, reason=reason_en, target=context
    )
    return Forbidden(reason_en, title_zh=f"无权操作：{reason_zh}", title_en=f"Not allowed: {reason_en}")


def issue_token(
    settings: Settings,
    sub: str,
    role: str,
    scopes: list[str] | None = None,
    org: str | None = None,
    ttl_s: int | None = None,
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    for s in scopes or []:
        Scope.parse(s)
    kid, secret = _keys(settings)[0]
    now = int(time.time())
    claims = {
        "sub": sub,
        "role": role,
        "scopes": scopes or [],
        "iat": now,
        "exp": now + (ttl_s if ttl_s is not None else settings.jwt_ttl_s),
    }
    if org:
        claims["org"] = org
    return jwt.encode(claims, secret, algorithm="HS256", headers={"kid": kid})


def verify_token(settings: Settings, token: str) -> Identity:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        secret = dict(_keys(settings)).get(kid or "")
        if secret is None:
            raise Unauthorized(
                "token signed with an unknown key",
                title_zh="令牌的签名密钥未知，请重新获取令牌",
                title_en="Token signed with an unknown key; get a new token",
            )
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        role = claims.get("role")
        if role not in ROLES:
            raise Unauthorized(
                f"unknown role {role!r}",
                title_zh="令牌中的角色无效，请重新获取令牌",
                title_en="Token carries an unknown role; get a new token",
            )
        scopes = tuple(Scope.parse(s) for s in claims.get("scopes", []))
    except jwt.ExpiredSignatureError:
        raise Unauthorized(
            "token expired", title_zh="令牌已过期，请重新获取令牌", title_en="Token expired; get a new token"
        ) from None
    except (jwt.InvalidTokenError, ScopeError) as exc:
        raise Unauthorized(
            f"invalid token: {exc}",
            title_zh="令牌无效，请检查是否完整复制，或重新获取令牌",
            title_en="Invalid token; check it was copied whole, or get a new token",
        ) from None
    return Identity(sub=str(claims["sub"]), role=role, scopes=scopes, org=claims.get("org"), claims=claims)


# — the checks services call: one place decides (H3, H4) —
def require_sees(who: Identity, position: Position, *also: Position) -> None:
    """H4: ``who`` sees the org (or one of ``also``, where the record is listed too: a 流动党员's host org)."""
    if who.role == "downstream" or not any(who.sees(p) for p in (position, *also)):
        raise forbidden(
            who,
            f"组织 {position.org_id} 不在您的管辖范围内，请只查看或办理您管辖范围内的组织",
            f"org {position.org_id} is outside your scope; work only with orgs inside it",
            org=position.org_id,
        )


def require_reader(who: Identity) -> None:
    """Records that belong to no org (an indicator scheme) are for every user; a downstream system only subscribes."""
    if who.role == "downstream":
        raise forbidden(
            who,
            "下游系统请通过事件订阅（GET /api/<服务>/events）获取数据，不能调用查询接口",
            "a downstream system reads events through the feed (GET /api/<service>/events), not the API",
        )


def oversees(who: Identity, position: Position) -> bool:
    """A superior or org dept (leading or guiding, H3) or an auditor whose scope holds the org (H4)."""
    return who.role in ("superior", "org_admin", "auditor") and any(s.contains(position) for s in who.scopes)


def sees_private(who: Identity, position: Position, subjects: Iterable[str] = ()) -> bool:
    """What is about one member (or the org itself) and was not published (E6): for the ``subjects`` (the
    member evaluated, a pledge's pledgers), the org's secretary, and whoever oversees the org — not the
    org's other members. Call it once the caller may see the record at all (``require_sees``)."""
    if who.role == "member":
        return who.sub in subjects
    if who.role == "secretary":
        return who.org == position.org_id
    return oversees(who, position)


def sees_result(who: Identity, position: Position, subjects: Iterable[str], published: bool) -> bool:
    """E6: a published result is for everyone who sees the record; an unpublished one is private."""
    return published or sees_private(who, position, subjects)


def withhold(view: dict, fields: Iterable[str]) -> dict:
    """``view`` with ``fields`` set to None and named in ``withheld``: a client tells withheld from absent."""
    names = sorted(fields)
    return {**view, **dict.fromkeys(names), "withheld": names}


def sees_subtree(who: Identity, scope: Scope) -> bool:
    """A subtree-wide record (a grading cycle, a campaign) is read from a scope at, above or inside it (H4)."""
    return who.role != "downstream" and any(scope.within(s) or s.within(scope) for s in who.scopes)


def require_scope(who: Identity, scope: Scope) -> None:
    if who.role == "downstream" or not any(scope.within(s) for s in who.scopes):
        raise forbidden(who, *outside_scope(who, scope), scope=str(scope))


def outside_scope(who: Identity, scope: Scope) -> tuple[str, str]:
    """Why ``scope`` is refused to ``who``, and which scopes to ask for instead (zh, en)."""
    held = [str(s) for s in who.scopes]
    if not held:
        return (
            f"范围 {scope} 超出您的管辖范围：您没有管辖范围，此项查询只对上级党组织、组织部门和审计开放",
            f"scope {scope} is outside your scopes: you hold none; this is for superiors, org depts and auditors",
        )
    return (
        f"范围 {scope} 超出您的管辖范围，请改用 {'、'.join(held)} 或其下级范围",
        f"scope {scope} is outside your scopes; ask for {' or '.join(held)} or a scope within it",
    )


DOING = ("办理此事项", "do this")  # what a refusal says the caller may not do, unless the caller names it


def require_secretary(who: Identity, org_id: str, doing: tuple[str, str] = DOING) -> None:
    """The base org acts through its secretary (审核、公开、督促、设岗定责); ``doing`` names the act (zh, en)."""
    if not (who.role == "secretary" and who.org == org_id):
        raise forbidden(
            who,
            f"只有 {org_id} 的党组织书记可以{doing[0]}，请由该党组织书记办理",
            f"only the secretary of {org_id} may {doing[1]}; ask the secretary",
            org=org_id,
        )


def require_member_or_secretary(
    who: Identity,
    org_id: str,
    member_ids: list[str],
    members: tuple[str, str] = ("承诺人", "the pledging members"),
    doing: tuple[str, str] = DOING,
) -> None:
    """The ``members`` themselves (``member_ids``, named in zh and en) or their org's secretary."""
    if who.role == "secretary" and who.org == org_id:
        return
    if who.role == "member" and who.org == org_id and who.sub in member_ids:
        return
    raise forbidden(
        who,
        f"只有{members[0]}本人或 {org_id} 的党组织书记可以{doing[0]}",
        f"only {members[1]} or the secretary of {org_id} may {doing[1]}",
        org=org_id,
    )


def require_authority(
    who: Identity, scope: Scope, reason_zh: str, reason_en: str, roles: tuple[str, ...] = ("superior", "org_admin")
) -> None:
    """An authority over ``scope`` (an org dept, a superior): one of ``roles``, holding ``scope`` or a wider one."""
    if who.role not in roles:
        raise forbidden(who, reason_zh, reason_en, scope=str(scope))
    require_scope(who, scope)


HIERARCHIES_ZH = {"local": "属地", "vertical": "垂直"}


def require_leading(
    who: Identity, position: Position, leading_hierarchy: str, doing: tuple[str, str] = ("作出决定", "decide")
) -> None:
    """H3: only the leading superior decides; a guiding one sees but is refused with that reason."""
    if who.leads(position, leading_hierarchy):
        return
    org, hierarchy_zh = position.org_id, HIERARCHIES_ZH.get(leading_hierarchy, leading_hierarchy)
    if who.guides(position, leading_hierarchy):
        raise forbidden(
            who,
            f"您对 {org} 只有指导关系、没有领导关系 (H3)，不能{doing[0]}；请由其{hierarchy_zh}领导体系的上级党组织办理",
            f"you guide {org} but do not lead it (H3): only its leading superior in the {leading_hierarchy} "
            f"hierarchy may {doing[1]}",
            org=org,
        )
    raise forbidden(
        who,
        f"您不是 {org} 的领导上级 (H3)，不能{doing[0]}；请由领导该组织的上级党组织办理",
        f"you do not lead {org} (H3): only its leading superior may {doing[1]}",
        org=org,
    )

"""Accounts and sessions of the workspace (登录账号与会话).

An account belongs to someone the directory knows: a member (党员, by member id), the secretary of an org
(党组织书记), an officer of a committee or org department for the committee's scope (上级党组织、组织部门),
or an auditor. Its role, org and scopes are checked against the directory when it is created, and a
member's org is read from the directory again at every login (a transfer moves the account with it).

Passwords are stored as argon2id hashes (argon2-cffi); a session is a random id whose SHA-256 alone is
stored, with its own CSRF token, so a stolen database holds no usable session. Both tables live in the
workspace's store (SQLite file or PostgreSQL schema ``cxzy_workspace``), shared by every HTTP process.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.auth import ROLES, issue_token
from shared.db import Database
from shared.directory.replica import DirectoryView
from shared.errors import invalid
from shared.scope import Scope, ScopeError
from shared.settings import Settings

ACCOUNTS_DDL = """
CREATE TABLE IF NOT EXISTS ws_accounts (
    username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, member_id TEXT, org TEXT,
    scopes TEXT NOT NULL, display_name TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS ws_sessions (
    sid_hash TEXT PRIMARY KEY, username TEXT NOT NULL, csrf TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)
"""
PEOPLE_ROLES = ("member", "secretary", "superior", "org_admin", "auditor")  # a downstream system has no account
MIN_PASSWORD = 8
HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
ROLE_NAMES = {
    "member": "党员",
    "secretary": "党组织书记",
    "superior": "上级党组织",
    "org_admin": "组织部门",
    "auditor": "审计",
}


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    display_name: str
    org: str | None = None
    member_id: str | None = None
    scopes: tuple[str, ...] = ()

    @property
    def sub(self) -> str:
        """Who the services see: a member by member id (P-rules check it), anyone else by username."""
        return self.member_id or self.username

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    def token(self, settings: Settings, ttl_s: int = 300) -> str:
        return issue_token(settings, self.sub, self.role, list(self.scopes), self.org, ttl_s=ttl_s)


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str


def _refused(slug: str, zh: str, en: str):
    return invalid(slug, zh, en)


class AccountBook:
    def __init__(self, settings: Settings, directory: DirectoryView, db: Database | None = None):
        self.settings = settings
        self.directory = directory
        self.db = db or Database(settings, "workspace")
        self.db.script(ACCOUNTS_DDL)
        self._people = None

    # — accounts —
    def add(
        self,
        username: str,
        password: str,
        role: str,
        *,
        org: str | None = None,
        member_id: str | None = None,
        hierarchy: str = "local",
        scopes: tuple[str, ...] = (),
        display_name: str = "",
        replace: bool = False,
    ) -> Account:
        """Create (or with ``replace``, reset) an account, checked against the directory; 422 if it cannot be."""
        username = username.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise _refused(
                "account-username", "用户名须为 1–64 个字符且不含空格", "username: 1–64 characters, no spaces"
            )
        if role not in PEOPLE_ROLES:
            raise _refused(
                "account-role",
                f"角色须为 {'、'.join(PEOPLE_ROLES)} 之一",
                f"role must be one of {', '.join(PEOPLE_ROLES)}",
            )
        if len(password) < MIN_PASSWORD:
            raise _refused(
                "account-password", f"密码至少 {MIN_PASSWORD} 位", f"password needs at least {MIN_PASSWORD} characters"
            )
        account = self._checked(username, role, org, member_id, hierarchy, scopes, display_name)
        row = {
            "username": account.username,
            "password_hash": HASHER.hash(password),
            "role": account.role,
            "member_id": account.member_id,
            "org": account.org,
            "scopes": ",".join(account.scopes),
            "display_name": account.display_name,
            "created_at": time.time(),
        }
        with self.db.transaction() as tx:
            if tx.execute("SELECT 1 FROM ws_accounts WHERE username = ?", [username]).one() and not replace:
                raise _refused("account-exists", f"用户名 {username} 已存在", f"username {username} is taken")
            tx.upsert("ws_accounts", row, ("username",))
        return account

    @property
    def people(self):
        """The directory's people book (names), opened once."""
        from shared.directory.people import PeopleBook

        if self._people is None:
            self._people = PeopleBook(self.settings)
        return self._people

    def _checked(self, username, role, org, member_id, hierarchy, scopes, display_name) -> Account:
        if role == "member":
            if not member_id:
                raise _refused("account-member", "党员账号须指定党员编号 --member", "a member account needs --member")
            member = self._member(member_id)
            name = self.people.name(member_id) or member_id
            return Account(username, role, display_name or name, org=member.org_id, member_id=member_id)
        if role == "secretary":
            if not org:
                raise _refused("account-org", "书记账号须指定党组织 --org", "a secretary account needs --org")
            return Account(username, role, display_name or f"{self._org(org).name}书记", org=org)
        if not scopes:
            if not org:
                raise _refused(
                    "account-scope",
                    "须指定管辖范围 --scope，或所在党委 --org（范围取该组织在目录中的位置）",
                    "give --scope, or the committee's --org (its position in the directory is the scope)",
                )
            record = self._org(org)
            path = record.local_path if hierarchy == "local" else record.vertical_path
            if not path:
                raise _refused(
                    "account-scope",
                    f"组织 {org} 没有{'属地' if hierarchy == 'local' else '垂直'}层级路径，请用 --scope 指定范围",
                    f"org {org} has no {hierarchy} path; give --scope",
                )
            scopes = (f"{hierarchy}:{path}",)
            display_name = display_name or record.name
        try:
            parsed = [Scope.parse(s) for s in scopes]
        except ScopeError as exc:
            raise _refused("account-scope", f"范围格式有误：{exc}", f"malformed scope: {exc}") from None
        if not all(self.directory.orgs_in(s) for s in parsed):
            raise _refused(
                "account-scope",
                f"范围 {','.join(scopes)} 中没有目录里的组织，请核对",
                f"no org of the directory lies in {','.join(scopes)}",
            )
        return Account(username, role, display_name or self._committee(parsed[0]), scopes=tuple(scopes))

    def _committee(self, scope: Scope) -> str:
        """What an officer's account is called by default: the committee standing at the top of its scope."""
        top = "/".join(scope.path)
        for org in self.directory.orgs_in(scope):
            if (org.local_path if scope.hierarchy == "local" else org.vertical_path) == top and org.org_type == "党委":
                return org.name
        return str(scope)

    def _member(self, member_id: str):
        try:
            return self.directory.member(member_id)
        except Exception:  # noqa: BLE001 — the view's not-found problem, said for an account
            raise _refused(
                "account-member", f"目录中没有党员 {member_id}", f"no member {member_id} in the directory"
            ) from None

    def _org(self, org_id: str):
        try:
            return self.directory.org(org_id)
        except Exception:  # noqa: BLE001
            raise _refused("account-org", f"目录中没有组织 {org_id}", f"no org {org_id} in the directory") from None

    def get(self, username: str) -> Account | None:
        row = self.db.one("SELECT * FROM ws_accounts WHERE username = ?", [username])
        return _account(row) if row else None

    def verify(self, username: str, password: str) -> Account | None:
        """The account if the password is right (a member's org refreshed from the directory), else None."""
        row = self.db.one("SELECT * FROM ws_accounts WHERE username = ?", [username.strip()])
        if row is None:
            HASHER.hash(password)  # the same work as a wrong password: no timing tells which usernames exist
            return None
        try:
            HASHER.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        return self._refreshed(_account(row))

    def current(self, username: str) -> Account | None:
        """The account as it stands now (a single sign-on login: the issuer vouched for the person)."""
        account = self.get(username)
        return self._refreshed(account) if account else None

    def _refreshed(self, account: Account) -> Account:
        """A member's org is the directory's, read at login: a transfer moves the account with the member."""
        if account.member_id:
            return Account(**{**account.__dict__, "org": self._member(account.member_id).org_id})
        return account

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise _refused(
                "account-password", f"密码至少 {MIN_PASSWORD} 位", f"password needs at least {MIN_PASSWORD} characters"
            )
        with self.db.transaction() as tx:
            tx.execute("UPDATE ws_accounts SET password_hash = ? WHERE username = ?", [HASHER.hash(password), username])

    def count(self) -> int:
        row = self.db.one("SELECT COUNT(*) AS n FROM ws_accounts")
        return int(row["n"]) if row else 0

    # — sessions —
    def open_session(self, account: Account) -> tuple[str, Session]:
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM ws_sessions WHERE expires_at < ?", [time.time()])
            tx.insert(
                "ws_sessions",
                {
                    "sid_hash": _hash(sid),
                    "username": account.username,
                    "csrf": csrf,
                    "expires_at": time.time() + self.settings.session_ttl_s,
                },
            )
        return sid, Session(account, csrf)

    def session(self, sid: str) -> Session | None:
        row = self.db.one(
            "SELECT a.*, s.csrf FROM ws_sessions s JOIN ws_accounts a ON a.username = s.username "
            "WHERE s.sid_hash = ? AND s.expires_at > ?",
            [_hash(sid), time.time()],
        )
        if row is None:
            return None
        csrf = row.pop("csrf")
        return Session(_account(row), csrf)

    def close_session(self, sid: str) -> None:
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM ws_sessions WHERE sid_hash = ?", [_hash(sid)])


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _account(row: dict) -> Account:
    return Account(
        username=row["username"],
        role=row["role"],
        display_name=row["display_name"],
        org=row["org"],
        member_id=row["member_id"],
        scopes=tuple(s for s in (row["scopes"] or "").split(",") if s),
    )


assert set(PEOPLE_ROLES) <= set(ROLES)

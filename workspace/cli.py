"""``cxzy account add|list``: the workspace's accounts, checked against the directory of ``./var`` (or the
PostgreSQL store). The password is read from ``--password-file`` or asked for, never taken as an argument
that would stay in the shell's history."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from shared.db import Database
from shared.directory.replica import DirectoryView
from shared.errors import Problem
from shared.settings import Settings

from .accounts import AccountBook


def _book(settings: Settings) -> AccountBook:
    first = next(n.strip() for n in settings.services.split(",") if n.strip())
    return AccountBook(settings, DirectoryView(Database(settings, first)))


def cmd_account_add(args, settings: Settings) -> None:
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").strip()
    elif not sys.stdin.isatty():
        password = sys.stdin.readline().strip()
    else:
        password = getpass.getpass("密码 password: ")
    try:
        account = _book(settings).add(
            args.username,
            password,
            args.role,
            org=args.org,
            member_id=args.member,
            hierarchy=args.hierarchy,
            scopes=tuple(args.scope or ()),
            display_name=args.name or "",
            replace=args.replace,
        )
    except Problem as exc:
        raise SystemExit(f"账号未创建：{exc.title_zh}\naccount not created: {exc.title_en}") from None
    print(json.dumps({**account.__dict__, "scopes": list(account.scopes)}, ensure_ascii=False))


def cmd_account_list(args, settings: Settings) -> None:
    rows = _book(settings).db.query(
        "SELECT username, role, display_name, org, member_id, scopes FROM ws_accounts ORDER BY username"
    )
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


def add_commands(sub) -> None:
    account = sub.add_parser("account", help="workspace accounts (工作台账号)").add_subparsers(
        dest="sub", required=True
    )
    add = account.add_parser("add", help="create an account for a member, a secretary or an officer")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, help="member, secretary, superior, org_admin, auditor")
    add.add_argument("--member", help="member: the member id (the org comes from the directory)")
    add.add_argument("--org", help="secretary: the org; officer: the committee (its position is the scope)")
    add.add_argument("--hierarchy", choices=("local", "vertical"), default="local", help="officer: scope from --org")
    add.add_argument("--scope", action="append", help="officer: an explicit scope, e.g. local:13/1301")
    add.add_argument("--name", help="what the pages call the account holder (default: from the directory)")
    add.add_argument("--password-file", help="read the password from this file (else from stdin, or asked)")
    add.add_argument("--replace", action="store_true", help="reset an existing account (new password)")
    add.set_defaults(fn=cmd_account_add)
    account.add_parser("list", help="the accounts (no passwords)").set_defaults(fn=cmd_account_list)

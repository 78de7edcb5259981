#!/usr/bin/env python3
"""Reads who an API client acts as, their balance and one page of their transactions.

Python 3 standard library only (urllib, json). Usage:

    LUCAS_URL=https://lucas.example.org \
    LUCAS_CLIENT_ID=lc_... LUCAS_CLIENT_SECRET=lcs_... python3 balance.py

Exit status: 0 done; 1 the API refused (the Error body's error_code and message are printed) or
could not be reached; 2 a setting is missing.
"""
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MAX_WAIT_S = 120  # a longer Retry-After (a penalty) is reported instead of waited out


class ApiError(Exception):
    def __init__(self, status, body, request_id):
        super().__init__(status)
        self.status, self.body, self.request_id = status, body, request_id

    def __str__(self):
        try:
            err = json.loads(self.body)
            text = f"{err['error_code']}: {err['message']}"
        except (ValueError, KeyError, TypeError):  # not our Error body (a proxy's page, ...)
            text = self.body[:200].decode("utf-8", "replace").strip() or "(no body)"
        return f"{text} (HTTP {self.status}, request {self.request_id or '-'})"


def retry_after_s(headers):
    try:
        return max(0, int(headers.get("Retry-After", "")))
    except ValueError:
        return None


def call(method, url, headers=None, data=None):
    """One API request -> the JSON answer. On 429 it waits Retry-After seconds and tries once more."""
    for attempt in (1, 2):
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return json.load(res)
        except urllib.error.HTTPError as e:
            body = e.read()
            wait = retry_after_s(e.headers)
            if e.code == 429 and attempt == 1 and wait is not None and wait <= MAX_WAIT_S:
                print(f"rate limited: retrying in {wait} s", file=sys.stderr)
                time.sleep(wait)
                continue
            raise ApiError(e.code, body, e.headers.get("X-Request-Id")) from None


def main():
    base = os.environ.get("LUCAS_URL", "").rstrip("/")
    client_id = os.environ.get("LUCAS_CLIENT_ID", "")
    secret = os.environ.get("LUCAS_CLIENT_SECRET", "")
    if not (base and client_id and secret):
        print("set LUCAS_URL, LUCAS_CLIENT_ID and LUCAS_CLIENT_SECRET", file=sys.stderr)
        return 2

    # 1. Client credentials (RFC 6749 4.4): HTTP Basic, each part form-encoded.
    basic = base64.b64encode(
        f"{urllib.parse.quote_plus(client_id)}:{urllib.parse.quote_plus(secret)}".encode()).decode()
    token = call("POST", f"{base}/api/v1/oauth/token",
                 headers={"Authorization": f"Basic {basic}",
                          "Content-Type": "application/x-www-form-urlencoded"},
                 data=b"grant_type=client_credentials")
    auth = {"Authorization": f"Bearer {token['access_token']}"}

    # 2. Who the token acts as (profile:read), their balance (balance:read), one page of their
    #    transactions (history:read): the three scopes a new client gets by default.
    me = call("GET", f"{base}/api/v1/me", headers=auth)
    balance = call("GET", f"{base}/api/v1/users/{me['id']}/balance", headers=auth)["balance"]
    page = call("GET", f"{base}/api/v1/users/{me['id']}/transactions?limit=10", headers=auth)

    print(f"user: {me['id']} ({me['display_name']})")
    print(f"balance: {balance['amount']} {balance['currency']}")  # an exact decimal string
    print(f"transactions: {len(page['items'])} on this page, "
          f"next_cursor={page['next_cursor'] or '-'}")
    for item in page["items"]:
        amount = item["amount"]["amount"]
        sign = "" if amount.startswith("-") else "+"
        print(f"  {item['created_at']} {sign}{amount} {item['amount']['currency']} {item['reason']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ApiError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    except urllib.error.URLError as e:
        print(f"error: cannot reach {os.environ.get('LUCAS_URL')}: {e.reason}", file=sys.stderr)
        sys.exit(1)

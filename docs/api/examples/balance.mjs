#!/usr/bin/env node
// Reads who an API client acts as, their balance and one page of their transactions.
//
// Node 18 or later, no packages (the built-in fetch). Usage:
//
//   LUCAS_URL=https://lucas.example.org \
//   LUCAS_CLIENT_ID=lc_... LUCAS_CLIENT_SECRET=lcs_... node balance.mjs
//
// Exit status: 0 done; 1 the API refused (the Error body's error_code and message are printed) or
// could not be reached; 2 a setting is missing.

const MAX_WAIT_S = 120; // a longer Retry-After (a penalty) is reported instead of waited out

class ApiError extends Error {
  constructor(status, body, requestId) {
    let text;
    try {
      const err = JSON.parse(body);
      if (typeof err.error_code !== 'string') throw new Error('not an Error body');
      text = `${err.error_code}: ${err.message}`;
    } catch {
      text = body.slice(0, 200).trim() || '(no body)'; // not our Error body (a proxy's page, ...)
    }
    super(`${text} (HTTP ${status}, request ${requestId || '-'})`);
  }
}

// One API request -> the JSON answer. On 429 it waits Retry-After seconds and tries once more.
async function call(method, url, { headers = {}, body } = {}) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    if (res.ok) return res.json();
    const text = await res.text();
    const wait = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
    if (res.status === 429 && attempt === 1 && wait >= 0 && wait <= MAX_WAIT_S) {
      console.error(`rate limited: retrying in ${wait} s`);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    throw new ApiError(res.status, text, res.headers.get('x-request-id'));
  }
}

async function main() {
  const base = (process.env.LUCAS_URL ?? '').replace(/\/+$/, '');
  const clientId = process.env.LUCAS_CLIENT_ID;
  const secret = process.env.LUCAS_CLIENT_SECRET;
  if (!base || !clientId || !secret) {
    console.error('set LUCAS_URL, LUCAS_CLIENT_ID and LUCAS_CLIENT_SECRET');
    return 2;
  }

  // 1. Client credentials (RFC 6749 4.4): HTTP Basic, each part form-encoded.
  const form = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  const basic = Buffer.from(`${form(clientId)}:${form(secret)}`).toString('base64');
  const token = await call('POST', `${base}/api/v1/oauth/token`, {
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const headers = { Authorization: `Bearer ${token.access_token}` };

  // 2. Who the token acts as (profile:read), their balance (balance:read), one page of their
  //    transactions (history:read): the three scopes a new client gets by default.
  const me = await call('GET', `${base}/api/v1/me`, { headers });
  const { balance } = await call('GET', `${base}/api/v1/users/${me.id}/balance`, { headers });
  const page = await call('GET', `${base}/api/v1/users/${me.id}/transactions?limit=10`, { headers });

  console.log(`user: ${me.id} (${me.display_name})`);
  console.log(`balance: ${balance.amount} ${balance.currency}`); // an exact decimal string
  console.log(`transactions: ${page.items.length} on this page, next_cursor=${page.next_cursor ?? '-'}`);
  for (const item of page.items) {
    const { amount, currency } = item.amount;
    const sign = amount.startsWith('-') ? '' : '+';
    console.log(`  ${item.created_at} ${sign}${amount} ${currency} ${item.reason}`);
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  if (e instanceof ApiError) {
    console.error(`error: ${e.message}`);
  } else {
    // fetch failed: refused connection, DNS, timeout, ...
    console.error(`error: cannot reach ${process.env.LUCAS_URL}: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  process.exitCode = 1;
}

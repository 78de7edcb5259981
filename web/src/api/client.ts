// The typed fetch of the web app: every call names a path and a method of the OpenAPI document,
// and its path, query and header parameters (Idempotency-Key), its JSON body and its answer take
// their types from the generated `paths` (schema.d.ts, `npm run gen-api`). A field renamed or
// removed in the document therefore fails `tsc --noEmit` wherever the app sends or reads it. At
// run time it is a plain fetch: same-origin credentials (the session cookie), the X-CSRF-Token on
// state-changing requests, and every failure thrown as an ApiError made from the document's Error
// body.
import { noteAnswer } from '../offline';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
// The paths of the document that have the method.
export type PathWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends Record<M, object> ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = paths[P][M];

// The JSON answer of a successful call (200 or 201; both when an operation has both).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
export type Answer<O> = O extends { responses: infer R } ? Json<R[keyof R & (200 | 201)]> : never;

// What a call passes: path and query parameters as the document names and types them, and the
// JSON body when the operation takes one (required when the document requires it).
type Params<O> = O extends { parameters: infer X } ? X : Record<string, never>;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? [B] extends [never]
      ? { body?: never }
      : { body?: B }
    : { body?: never };
export type Init<O> = Pick<Params<O>, 'path' & keyof Params<O>> &
  Pick<Params<O>, 'query' & keyof Params<O>> &
  Body<O>;
// A request also sends the operation's header parameters (Idempotency-Key, ...).
export type RequestInit<O> = Init<O> & Pick<Params<O>, 'header' & keyof Params<O>>;
// Init may be left out only when nothing in it is required.
type InitArgs<I> = Record<string, never> extends I ? [init?: I] : [init: I];

// The query of a GET operation (what its `query` parameters may be).
export type Query<P extends PathWith<'get'>> = NonNullable<
  Operation<P, 'get'> extends { parameters: { query?: infer Q } } ? Q : never
>;

// A failed call: the HTTP status (0: the network failed), and the Error body's error_code,
// message and details.
export type ErrorCode = Schemas['Error']['error_code'] | 'NETWORK' | 'HTTP';
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

type Scalar = string | number | boolean | null | undefined;

// "/api/v1/users/{id}" with {id: 7} and {limit: 20} -> "/api/v1/users/7?limit=20". Empty, null and
// undefined query values are left out.
function target(path: string, init: { path?: object; query?: object }): string {
  const params = (init.path ?? {}) as Record<string, Scalar>;
  const url = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(params[name] ?? '')),
  );
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries((init.query ?? {}) as Record<string, Scalar>)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const text = q.toString();
  return text ? `${url}?${text}` : url;
}

// The address of a GET (for a link: the CSV export of the history, a plain GET with the cookie).
export function url<P extends PathWith<'get'>>(
  path: P,
  ...[init]: InitArgs<Init<Operation<P, 'get'>>>
): string {
  return target(path, (init ?? {}) as { path?: object; query?: object });
}

export async function request<M extends Method, P extends PathWith<M>>(
  method: M,
  path: P,
  ...[init]: InitArgs<RequestInit<Operation<P, M>>>
): Promise<Answer<Operation<P, M>>> {
  const { body, header, ...where } = (init ?? {}) as {
    body?: unknown;
    header?: Record<string, string>;
    path?: object;
    query?: object;
  };
  const verb = method.toUpperCase();
  const headers: Record<string, string> = { ...(header ?? {}), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (verb !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(target(path, where), {
      method: verb,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  if (verb === 'GET') noteAnswer(res);
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = (json ?? {}) as Partial<Schemas['Error']>;
    throw new ApiError(res.status, e.error_code ?? 'HTTP', e.message ?? '', e.details ?? {});
  }
  return json as Answer<Operation<P, M>>;
}

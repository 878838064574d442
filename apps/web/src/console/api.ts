/**
 * The one HTTP client of the console: JSON under /api/v1, the session cookie,
 * the CSRF token on every state-changing request, problem+json errors.
 */
export interface ProblemFeature {
  index: number;
  code?: string | null;
  problems: string[];
}

export interface Problem {
  code: string;
  status: number;
  detail?: string;
  message?: { zh: string; en: string };
  features?: ProblemFeature[];
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.code);
    this.problem = problem;
  }
  get status() {
    return this.problem.status;
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

let onUnauthorized: (() => void) | null = null;
/** Called when a request answers 401 while we believed we were signed in. */
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  /** raw body with its own content type (file uploads) */
  raw?: { body: BodyInit; contentType: string };
  signal?: AbortSignal;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  let payload: BodyInit | undefined;
  if (opts.raw) {
    headers["content-type"] = opts.raw.contentType;
    payload = opts.raw.body;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD" && csrfToken)
    headers["x-csrf-token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${withQuery(path, opts.query)}`, {
      method,
      headers,
      body: payload,
      credentials: "same-origin",
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError({
      code: "network",
      status: 0,
      detail: String(err),
      message: {
        zh: "无法连接服务器，请检查网络",
        en: "Cannot reach the server; check the network",
      },
    });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const p = (
      data && typeof data === "object" ? data : {}
    ) as Partial<Problem>;
    const problem: Problem = {
      ...p,
      code: p.code ?? `http.${res.status}`,
      status: p.status ?? res.status,
      message: p.message ?? {
        zh: `请求失败（${res.status}）`,
        en: `Request failed (${res.status})`,
      },
    };
    if (res.status === 401 && path !== "/auth/login" && path !== "/auth/me")
      onUnauthorized?.();
    throw new ApiError(problem);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>("GET", path, undefined, { query, signal }),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>("POST", path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  del: <T = void>(path: string) => request<T>("DELETE", path),
};

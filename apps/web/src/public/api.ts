/**
 * The citizen pages' HTTP client: JSON under /api/v1, problem+json errors kept
 * with their bilingual message, and network failures told apart (the report
 * page keeps the form and offers a retry for those).
 */
import type { Bilingual } from './i18n.ts';

export interface Problem {
  code: string;
  status: number;
  detail?: string;
  message: Bilingual;
}

export class PublicApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.code);
    this.problem = problem;
  }
  /** no answer at all: offline, DNS, connection reset — worth retrying */
  get network(): boolean {
    return this.problem.status === 0;
  }
}

const networkProblem = (detail: string): Problem => ({
  code: 'network',
  status: 0,
  detail,
  message: {
    zh: '网络不可用，请检查网络后重试',
    en: 'No network connection; check it and try again',
  },
});

function problemOf(status: number, body: unknown): Problem {
  const p = (body && typeof body === 'object' ? body : {}) as Partial<Problem>;
  return {
    code: p.code ?? `http.${status}`,
    status: p.status ?? status,
    detail: p.detail,
    message:
      p.message && typeof p.message === 'object'
        ? p.message
        : status >= 500 || status === 0
          ? {
              zh: `服务暂时不可用（${status}），请稍后重试`,
              en: `Service unavailable (${status}); try again later`,
            }
          : { zh: `请求失败（${status}）`, en: `Request failed (${status})` },
  };
}

/** A body as JSON, or null when empty or not JSON (a proxy's HTML error page). */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new PublicApiError(networkProblem(String(err)));
  }
  const text = await res.text().catch(() => '');
  const data = parseJson(text);
  if (!res.ok) throw new PublicApiError(problemOf(res.status, data));
  return data as T;
}

export const getJson = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, signal);
export const postJson = <T>(path: string, body: unknown, signal?: AbortSignal) => call<T>('POST', path, body, signal);

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort(): void;
}

/** One file as multipart field `file`, with progress (fetch cannot report upload progress; XHR can). */
export function uploadFile<T>(path: string, file: Blob, name: string, onProgress: (fraction: number) => void): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const data = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(new PublicApiError(problemOf(xhr.status, data)));
    };
    xhr.onerror = () => reject(new PublicApiError(networkProblem('upload failed')));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    const form = new FormData();
    form.append('file', file, name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** The text of an error in the page's language. */
export function errorText(err: unknown, lang: 'zh' | 'en'): string {
  if (err instanceof PublicApiError) return lang === 'en' ? err.problem.message.en : err.problem.message.zh;
  return err instanceof Error ? err.message : String(err);
}

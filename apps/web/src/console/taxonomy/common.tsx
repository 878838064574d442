/**
 * Helpers shared by the taxonomy, classifier, import and sensor pages.
 */
import { Alert, Typography } from "antd";
import { ApiError, request } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useErrorText } from "../session.tsx";
import "./strings.ts";

/** POST a multipart form through the console client (CSRF, problem+json): the browser writes the boundary. */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  const encoded = new Response(form);
  const contentType = encoded.headers.get("content-type")!;
  const body = await encoded.blob();
  return request<T>("POST", path, undefined, { raw: { body, contentType } });
}

/** A text file as a string: UTF-8, else GBK (what Excel in China writes). */
export async function readText(file: Blob): Promise<string> {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

/** The server's row reasons read "中文 (English)": the part of the current language. */
export function pickBilingual(text: string, lang: string): string {
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/s.exec(text);
  if (!m || !/[\u4e00-\u9fff]/.test(m[1]!)) return text;
  return lang === "en" ? m[2]! : m[1]!;
}

/** Details a problem+json carries beyond its message: the listed problems or rows. */
function problemDetails(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  const p = err.problem;
  const out: string[] = [];
  if (Array.isArray(p.problems)) out.push(...(p.problems as unknown[]).map(String));
  if (Array.isArray(p.rows))
    out.push(
      ...(p.rows as unknown[]).map((r) =>
        typeof r === "object" && r
          ? Object.entries(r)
              .map(([k, v]) => `${k}: ${String(v)}`)
              .join(", ")
          : `row ${String(r)}`,
      ),
    );
  if (!out.length && p.detail && p.code !== "request.invalid") out.push(p.detail);
  return out.slice(0, 20);
}

/** An error as an inline alert: the server's message in the current language, its details below. */
export function ErrorAlert({
  error,
  testId,
  onClose,
}: {
  error: unknown;
  testId?: string;
  onClose?: () => void;
}) {
  const text = useErrorText();
  const details = problemDetails(error);
  useLang();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      closable={onClose ? { onClose } : false}
      data-testid={testId}
      style={{ marginBottom: 12 }}
      title={text(error)}
      description={
        details.length ? (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {details.map((d, i) => (
              <li key={i}>
                <Typography.Text type="secondary">{d}</Typography.Text>
              </li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}

export const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

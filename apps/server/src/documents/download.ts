/**
 * `Content-Disposition` for a file name that is usually Chinese (问题整改通知书-ZZ整改〔2026〕0042号.docx):
 * an ASCII `filename` for old clients and the real name as RFC 5987 `filename*` (RFC 6266 §4.3),
 * which every current browser prefers. Quotes, backslashes and control characters never reach the header.
 */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = filename.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').trim() || 'download';
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(clean)?.[0] ?? '';
  // 问题整改通知书-ZZ整改〔2026〕0042号.docx → ZZ-2026-0042.docx
  const stem = clean
    .slice(0, clean.length - ext.length)
    .replace(/[^\x20-\x7e]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_ ]+|[-_ ]+$/g, '');
  const fallback = /[A-Za-z0-9]/.test(stem) ? `${stem}${ext}` : `download${ext}`;
  // encodeURIComponent leaves ' ( ) * ! unescaped; RFC 5987 attr-char does not allow the first four.
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** @jsxImportSource preact */
/**
 * /track — a report's status and history by its ticket number. No login and no
 * personal data: the server answers only the status, category and timeline.
 */
import { useEffect, useState } from 'preact/hooks';
import { normaliseTicket, problemStatusInfo, type ProblemStatus } from '@cityloop/domain';
import { errorText, getJson, PublicApiError } from '../api.ts';
import { Header } from '../Header.tsx';
import { useLang } from '../i18n.ts';
import type { ReportStatusT } from '../types.ts';

const strings = {
  title: { zh: '进度查询', en: 'Track a report' },
  report: { zh: '我要随手拍', en: 'Report' },
  lead: {
    zh: '输入提交时获得的受理编号，查看处理进度',
    en: 'Enter the ticket number you got when reporting',
  },
  ticket: { zh: '受理编号', en: 'Ticket number' },
  placeholder: { zh: '例如 ZZ20260315-000123', en: 'e.g. ZZ20260315-000123' },
  search: { zh: '查询', en: 'Look up' },
  searching: { zh: '查询中…', en: 'Looking up…' },
  invalid: {
    zh: '受理编号格式不对，应类似 ZZ20260315-000123',
    en: 'That does not look like a ticket number (ZZ20260315-000123)',
  },
  notFound: {
    zh: '没有这个受理编号，请核对后重试',
    en: 'No report with this ticket number; check it and try again',
  },
  status: { zh: '当前状态', en: 'Status' },
  category: { zh: '问题分类', en: 'Category' },
  submittedAt: { zh: '提交时间', en: 'Submitted' },
  uncategorised: { zh: '待分类', en: 'Not yet classified' },
  history: { zh: '处理记录', en: 'History' },
} as const;

function fmt(iso: string, lang: 'zh' | 'en') {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function TrackPage() {
  const { lang, t, pick } = useLang(strings);
  const initial = new URLSearchParams(location.search).get('ticket') ?? '';
  const [input, setInput] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReportStatusT | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function lookup(raw: string) {
    setError(null);
    const ticket = normaliseTicket(raw);
    if (!ticket) {
      setResult(null);
      setError(t('invalid'));
      return;
    }
    setBusy(true);
    try {
      setResult(await getJson<ReportStatusT>(`/reports/track/${encodeURIComponent(ticket)}`));
      setInput(ticket);
      const url = new URL(location.href);
      url.searchParams.set('ticket', ticket);
      history.replaceState(null, '', url);
    } catch (err) {
      setResult(null);
      setError(err instanceof PublicApiError && err.problem.status === 404 ? t('notFound') : errorText(err, lang));
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (initial) void lookup(initial);
  }, []);

  const statusLabel = (s: ProblemStatus, fallback: string) => {
    const info = problemStatusInfo[s];
    return info ? pick(info) : fallback;
  };

  return (
    <>
      <Header title={t('title')} lang={lang}>
        <a class="pb-navlink" href="/report">
          {t('report')}
        </a>
      </Header>
      <main class="pb-main" data-testid="track-page">
        <form
          class="pb-card pb-track-form"
          data-testid="track-form"
          onSubmit={(e) => {
            e.preventDefault();
            void lookup(input);
          }}
        >
          <label class="pb-label" for="pb-ticket-input">
            {t('lead')}
          </label>
          <div class="pb-row">
            <input
              id="pb-ticket-input"
              class="pb-input pb-mono"
              value={input}
              placeholder={t('placeholder')}
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxLength={40}
              aria-label={t('ticket')}
              data-testid="track-input"
              onInput={(e) => setInput(e.currentTarget.value)}
            />
            <button type="submit" class="pb-btn pb-btn-primary" disabled={busy} data-testid="track-submit">
              {busy ? t('searching') : t('search')}
            </button>
          </div>
        </form>
        {error ? (
          <div class="pb-error pb-block" role="alert" data-testid="track-error">
            {error}
          </div>
        ) : null}
        {result ? (
          <section class="pb-card" data-testid="track-result">
            <div class="pb-ticket pb-ticket-small">{result.ticket}</div>
            <dl class="pb-facts">
              <dt>{t('status')}</dt>
              <dd>
                <span class={`pb-status pb-status-${result.statusCategory}`} data-testid="track-status" data-status={result.status}>
                  {statusLabel(result.status, result.statusLabel)}
                </span>
              </dd>
              <dt>{t('category')}</dt>
              <dd data-testid="track-category">
                {result.category
                  ? pick({
                      zh: result.category.name,
                      en: result.category.nameEn || result.category.name,
                    })
                  : t('uncategorised')}
              </dd>
              <dt>{t('submittedAt')}</dt>
              <dd>{fmt(result.submittedAt, lang)}</dd>
            </dl>
            <h2>{t('history')}</h2>
            <ol class="pb-timeline" data-testid="track-history">
              {[...result.history].reverse().map((h, i) => (
                <li key={i} class={i === 0 ? 'pb-timeline-now' : ''}>
                  <div class="pb-timeline-head">
                    <strong>{statusLabel(h.status, h.status)}</strong>
                    <time class="pb-muted pb-small">{fmt(h.at, lang)}</time>
                  </div>
                  {h.note ? <div class="pb-timeline-note">{h.note}</div> : null}
                </li>
              ))}
            </ol>
          </section>
        ) : null}
      </main>
    </>
  );
}

/** @jsxImportSource preact */
import { useState } from 'preact/hooks';
import type { ReportCreatedT } from '../types.ts';
import type { strings } from './strings.ts';

/** The receipt: the ticket number at once, big, to copy or follow. */
export function Done({ created, t, onAgain }: { created: ReportCreatedT; t: (k: keyof typeof strings) => string; onAgain: () => void }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.ticket);
    } catch {
      // older phones / insecure origins: select the number so a long-press copies it
      const el = document.getElementById('pb-ticket');
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
        try {
          document.execCommand('copy');
        } catch {
          /* the selection stays for the citizen */
        }
      }
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <main class="pb-main pb-done" data-testid="report-done">
      <div class="pb-done-mark" aria-hidden="true">
        ✓
      </div>
      <h2 class="pb-done-title">{t('doneTitle')}</h2>
      <div class="pb-muted">{t('ticketLabel')}</div>
      <div class="pb-ticket" id="pb-ticket" data-testid="ticket">
        {created.ticket}
      </div>
      <p class="pb-muted pb-small">{t('ticketHint')}</p>
      {created.merged ? (
        <p class="pb-note" data-testid="merged">
          {t('merged')}
        </p>
      ) : null}
      <div class="pb-done-actions">
        <button type="button" class="pb-btn" onClick={() => void copy()} data-testid="ticket-copy">
          {copied ? t('copied') : t('copy')}
        </button>
        <a class="pb-btn pb-btn-primary" href={`/track?ticket=${encodeURIComponent(created.ticket)}`} data-testid="ticket-track">
          {t('viewProgress')}
        </a>
      </div>
      <button type="button" class="pb-link pb-again" onClick={onAgain}>
        {t('another')}
      </button>
    </main>
  );
}

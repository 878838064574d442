/** @jsxImportSource preact */
import type { ComponentChildren } from 'preact';
import { setLang, type Lang } from './i18n.ts';

/** The bar on top of each citizen page: the title, a link, the 中文/EN switch. */
export function Header({ title, lang, children }: { title: string; lang: Lang; children?: ComponentChildren }) {
  const next: Lang = lang === 'en' ? 'zh' : 'en';
  return (
    <header class="pb-header">
      <span class="pb-mark" aria-hidden="true">
        CL
      </span>
      <h1 class="pb-title">{title}</h1>
      <nav class="pb-nav">
        {children}
        <button type="button" class="pb-lang" lang={next === 'en' ? 'en' : 'zh-CN'} data-testid="lang-switch" onClick={() => setLang(next)}>
          {next === 'en' ? 'EN' : '中文'}
        </button>
      </nav>
    </header>
  );
}

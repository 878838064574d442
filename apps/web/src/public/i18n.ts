/**
 * The citizen pages' own tiny dictionary (not i18next: it would cost more than
 * the page itself). Chinese first; the choice is kept in the same localStorage
 * key as the console's, so a person switching once stays in their language.
 */
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'zh' | 'en';
export interface Bilingual {
  zh: string;
  en: string;
}

const KEY = 'cityloop.lang';

function initial(): Lang {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored === 'en') return 'en';
    if (stored === 'zh-CN' || stored === 'zh') return 'zh';
  } catch {
    /* private mode */
  }
  return 'zh';
}

let current: Lang = initial();
const listeners = new Set<(l: Lang) => void>();

export function setLang(lang: Lang) {
  current = lang;
  try {
    localStorage.setItem(KEY, lang === 'en' ? 'en' : 'zh-CN');
  } catch {
    /* private mode */
  }
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  listeners.forEach((fn) => fn(lang));
}

export function getLang(): Lang {
  return current;
}

/**
 * `t(dict)("key", {n: 1})`: a page passes its own flat dictionary; `{n}` in the
 * text is replaced. `pick({zh, en})` chooses one of a bilingual pair.
 */
export function useLang<D extends Record<string, Bilingual>>(dict: D) {
  const [lang, set] = useState<Lang>(current);
  useEffect(() => {
    listeners.add(set);
    document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
    return () => void listeners.delete(set);
  }, []);
  const t = (key: keyof D, vars?: Record<string, string | number>): string => {
    let s = dict[key]?.[lang] ?? String(key);
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
  const pick = (b: Bilingual | null | undefined): string => (b ? (lang === 'en' ? b.en || b.zh : b.zh) : '');
  return { lang, t, pick };
}

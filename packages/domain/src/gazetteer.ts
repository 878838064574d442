/**
 * The gazetteer's rules (SPEC.md M1, issue 11 §5/§6/§10): which of the city's own area
 * names a free text such as an address (`郑州市二七区淮河路街道康丰社区12号`) names,
 * and which area it most likely means.
 *
 * Chinese administrative names are written with and without their suffix
 * (`淮河路街道`, `淮河路街道办事处`, `淮河路`; `管城回族区`, `管城区`; `康丰社区`, `康丰村`),
 * the same short name recurs in many places (every 街道 may have a `新村社区`), and a road
 * is often named like the street office around it. So a name is matched in three ways —
 * in full, as its core followed by another admin suffix, or as its bare core — and an area
 * is preferred when more of the names written in the text agree with it (itself and its
 * parents), then when the text contradicts it less, then when it is deeper. Two areas the
 * text supports equally and that are not one inside the other are ambiguous: both are
 * returned and the caller decides (an intake marks the clue as needing a location).
 *
 * The server fetches candidates with an index on each name and on its core
 * (`area_name_core` in migration 017, which must strip exactly `adminNameSuffixes`).
 */
import { levelRank, type AreaLevel } from './areas.ts';

/**
 * Suffixes of Chinese admin names, longest first so the longest one is stripped
 * (`街道办事处` before `办事处`, `回族区` before `区`).
 */
export const adminNameSuffixes = [
  '街道办事处',
  '社区居委会',
  '居民委员会',
  '村民委员会',
  '村委会',
  '居委会',
  '办事处',
  '回族区',
  '自治县',
  '街道',
  '社区',
  '片区',
  '区',
  '县',
  '市',
  '镇',
  '乡',
  '村',
] as const;

/** What follows a bare core when the text means a road or a building, not the area (`文化路`, `新村小区`). */
const notAreaAfter = ['大道', '大街', '小区', '路', '街', '巷', '道', '桥', '广场', '公园', '小学', '中学', '大学', '医院'];

/** Longest text the gazetteer reads: addresses are short; a long complaint is cut, never refused. */
export const maxPlaceTextLength = 200;
/** Longest name (or core) looked up: longer runs of text are not one area name. */
export const maxPlaceNameLength = 16;
/** A core shorter than this (`东区` → `东`) would match everywhere: only the full name counts. */
const minCoreLength = 2;

/**
 * The text as matched: NFKC (full-width digits and letters become ASCII), no whitespace,
 * at most `maxPlaceTextLength` characters.
 */
export function normalisePlaceText(text: string): string {
  return [...text.normalize('NFKC').replace(/\s+/g, '')].slice(0, maxPlaceTextLength).join('');
}

/** The name without its admin suffix (`淮河路街道` → `淮河路`), or null when nothing sensible is left. */
export function adminNameCore(name: string): string | null {
  const n = name.normalize('NFKC').replace(/\s+/g, '');
  for (const s of adminNameSuffixes) {
    if (n.endsWith(s)) {
      const core = n.slice(0, -s.length);
      return [...core].length >= minCoreLength ? core : null;
    }
  }
  return null;
}

/**
 * The keys to look names up by: every run of 2 to `maxPlaceNameLength` characters of the
 * text that contains no punctuation. A name is fetched when it, or its core, is a key.
 */
export function placeNameKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const seg of normalisePlaceText(text).split(/[^\p{L}\p{N}]+/u)) {
    const chars = [...seg];
    for (let i = 0; i < chars.length; i++) {
      for (let len = 2; len <= maxPlaceNameLength && i + len <= chars.length; len++) keys.add(chars.slice(i, i + len).join(''));
    }
  }
  return [...keys];
}

export interface GazetteerArea {
  id: string;
  level: AreaLevel;
  name: string;
  parentId: string | null;
}

/** How a name was found in the text: in full, as its core plus another admin suffix, or bare. */
export type PlaceMatchKind = 'full' | 'suffixed' | 'bare';
const kindRank: Record<PlaceMatchKind, number> = { full: 2, suffixed: 1, bare: 0 };

export interface PlaceMatch {
  areaId: string;
  level: AreaLevel;
  /** the text found, as written */
  matched: string;
  kind: PlaceMatchKind;
  /** how many separate names in the text agree with this area: itself and its parents */
  support: number;
  /** how many separate names in the text point elsewhere (neither this area, its parents nor its children) */
  conflicts: number;
}

interface Span {
  areaId: string;
  start: number;
  end: number;
  kind: PlaceMatchKind;
}

function indexesOf(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** Where an area's name occurs in the text (string indexes), each occurrence with how it was written. */
function spansOf(text: string, a: GazetteerArea): Span[] {
  const name = a.name.normalize('NFKC').replace(/\s+/g, '');
  const spans: Span[] = [];
  if (!name) return spans;
  for (const i of indexesOf(text, name)) spans.push({ areaId: a.id, start: i, end: i + name.length, kind: 'full' });
  const core = adminNameCore(name);
  if (!core) return spans;
  for (const i of indexesOf(text, core)) {
    const end = i + core.length;
    if (spans.some((s) => s.start === i)) continue; // the full name already starts here
    const rest = text.slice(end);
    const suffix = adminNameSuffixes.find((s) => rest.startsWith(s));
    if (suffix) spans.push({ areaId: a.id, start: i, end: end + suffix.length, kind: 'suffixed' });
    else if (!notAreaAfter.some((w) => rest.startsWith(w))) spans.push({ areaId: a.id, start: i, end, kind: 'bare' });
  }
  return spans;
}

/** How many separate places in the text the spans cover (overlapping spans are one). */
function distinctSpans(spans: Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let n = 0;
  let reach = -1;
  for (const s of sorted) {
    if (s.start >= reach) {
      n += 1;
      reach = s.end;
    } else reach = Math.max(reach, s.end);
  }
  return n;
}

const better = (a: PlaceMatch & { length: number }, b: PlaceMatch & { length: number }) => {
  const strong = (m: PlaceMatch) => (m.kind !== 'bare' || m.support >= 2 ? 1 : 0);
  return (
    strong(b) - strong(a) ||
    b.support - a.support ||
    a.conflicts - b.conflicts ||
    levelRank(b.level) - levelRank(a.level) ||
    kindRank[b.kind] - kindRank[a.kind] ||
    b.length - a.length
  );
};

/**
 * Every area of `areas` the text names, best first. `areas` holds the candidates the
 * server fetched by `placeNameKeys` and their parents (for the paths); an area whose
 * parent is missing from the list is treated as having none. Rules:
 * - a name found inside a longer name found at the same place is not a match there
 *   (`丰产` inside `丰产路街道`);
 * - a bare core followed by 路/街/小区/… names a road or a building, not the area;
 * - ranking: a full or suffixed name, or a bare one backed by a named parent, before a lone
 *   bare core; then more agreeing names; then fewer contradicting ones; then deeper;
 *   then full before suffixed before bare; then the longer text.
 */
export function matchPlaceNames(text: string, areas: readonly GazetteerArea[]): PlaceMatch[] {
  const t = normalisePlaceText(text);
  if (!t) return [];
  const byId = new Map(areas.map((a) => [a.id, a]));
  let spans = areas.flatMap((a) => spansOf(t, a));
  // Longest match wins: drop a span strictly inside another area's longer span.
  spans = spans.filter((s) => !spans.some((o) => o.areaId !== s.areaId && o.start <= s.start && o.end >= s.end && o.end - o.start > s.end - s.start));
  const spansById = new Map<string, Span[]>();
  for (const s of spans) spansById.set(s.areaId, [...(spansById.get(s.areaId) ?? []), s]);

  const ancestors = (id: string): Set<string> => {
    const out = new Set<string>();
    for (let p = byId.get(id)?.parentId ?? null; p && !out.has(p); p = byId.get(p)?.parentId ?? null) out.add(p);
    return out;
  };
  const strongSpans = spans.filter((s) => s.kind !== 'bare');

  const ranked: (PlaceMatch & { length: number })[] = [];
  for (const [id, own] of spansById) {
    const a = byId.get(id)!;
    const up = ancestors(id);
    const chainSpans = spans.filter((s) => s.areaId === id || up.has(s.areaId));
    const elsewhere = strongSpans.filter((s) => s.areaId !== id && !up.has(s.areaId) && !ancestors(s.areaId).has(id));
    // overlapping an agreeing name is the same written name, not a contradiction
    const contradicting = elsewhere.filter((s) => !chainSpans.some((c) => c.start < s.end && s.start < c.end));
    const best = [...own].sort((x, y) => kindRank[y.kind] - kindRank[x.kind] || y.end - y.start - (x.end - x.start))[0]!;
    ranked.push({
      areaId: id,
      level: a.level,
      matched: t.slice(best.start, best.end),
      kind: best.kind,
      support: distinctSpans(chainSpans),
      conflicts: distinctSpans(contradicting),
      length: best.end - best.start,
    });
  }
  ranked.sort(better);
  return ranked.map(({ length: _length, ...m }) => m);
}

/**
 * The area(s) the text most likely means: the best match, plus every other match it
 * cannot be told apart from (as well supported, as little contradicted, and not one of
 * its parents). More than one means the text is ambiguous; none means no area is named.
 */
export function bestPlaceMatches(matches: readonly PlaceMatch[], areas: readonly GazetteerArea[]): PlaceMatch[] {
  const first = matches[0];
  if (!first) return [];
  const byId = new Map(areas.map((a) => [a.id, a]));
  const related = (a: string, b: string) => {
    for (let p: string | null | undefined = a; p; p = byId.get(p)?.parentId) if (p === b) return true;
    for (let p: string | null | undefined = b; p; p = byId.get(p)?.parentId) if (p === a) return true;
    return false;
  };
  const strong = (m: PlaceMatch) => m.kind !== 'bare' || m.support >= 2;
  const ties = matches
    .slice(1)
    .filter((m) => strong(m) === strong(first) && m.support === first.support && m.conflicts === first.conflicts && !related(m.areaId, first.areaId));
  // Among the tied, keep only the deepest of each family (a tied 区 and its 街道 are one answer).
  const out = [first];
  for (const m of ties) {
    if (!out.some((o) => related(o.areaId, m.areaId))) out.push(m);
  }
  return out;
}

/** The chain of areas from the 片区 down to this one (as far as the list knows its parents). */
export function areaPath<T extends { id: string; parentId: string | null }>(id: string, areas: readonly T[]): T[] {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const path: T[] = [];
  const seen = new Set<string>();
  for (let a = byId.get(id); a && !seen.has(a.id); a = a.parentId ? byId.get(a.parentId) : undefined) {
    seen.add(a.id);
    path.unshift(a);
  }
  return path;
}

/** An area path as people write it: `二七片区·二七区·淮河路街道·康丰社区·网格0003`. */
export function formatAreaPath(names: readonly string[]): string {
  return names.filter(Boolean).join('·');
}

/**
 * How fine an area must be for a point inside it to stand for the place of a clue: a
 * 社区 (typically under a square kilometre) or a grid cell. A 街道 or a 区 named alone
 * is kilometres across, so such a clue keeps the areas it names but waits for the
 * office to set the point.
 */
export const addressPointLevels: readonly AreaLevel[] = ['community', 'grid'];

export interface AddressPlacement<T> {
  /** the area whose inside point places the clue, or null: the clue needs a location */
  pointFrom: T | null;
  /** the areas the address certainly lies in (by level), also when there is no point */
  areas: Partial<Record<AreaLevel, string>>;
}

/**
 * What an address's best matches (`bestPlaceMatches`) settle: one match at a fine
 * enough level gives the point; otherwise the areas all matches share (two 康丰社区 in
 * one 区 still settle the 区), and no point.
 */
export function placeFromAddress<T extends { level: AreaLevel; path: readonly { id: string; level: AreaLevel }[] }>(best: readonly T[]): AddressPlacement<T> {
  const areas: Partial<Record<AreaLevel, string>> = {};
  if (best.length === 0) return { pointFrom: null, areas };
  const [first, ...rest] = best;
  for (const a of first!.path) {
    if (rest.every((o) => o.path.some((p) => p.id === a.id))) areas[a.level] = a.id;
    else break;
  }
  const pointFrom = best.length === 1 && addressPointLevels.includes(first!.level) ? first! : null;
  return { pointFrom, areas };
}

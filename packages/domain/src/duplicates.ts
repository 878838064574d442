/**
 * Duplicate detection (SPEC.md M3: "same place, similar text, same category:
 * merge, keep all reporters") and perceptual hashes of photos.
 *
 * The database fetches the candidates (open problems within the radius, by
 * the GiST index); this scorer decides. Keeping the decision pure lets the
 * thresholds be tested on real sentences and tuned per city.
 */
import { isOpenProblem, type ProblemStatus } from './intake.ts';

export interface DuplicatePolicy {
  /** a candidate must lie within this many metres */
  radiusMeters: number;
  /** text similarity (0..1) needed when both are in the same subcategory */
  minSimilarity: number;
  /** needed in addition when only the category is the same, or one side is unclassified */
  looserCategoryPenalty: number;
}

export const defaultDuplicatePolicy: DuplicatePolicy = { radiusMeters: 50, minSimilarity: 0.2, looserCategoryPenalty: 0.15 };

/** Merges a partial policy (e.g. a city's settings) onto the defaults, ignoring nonsense values. */
export function duplicatePolicyOf(partial: Partial<Record<keyof DuplicatePolicy, unknown>> | null | undefined): DuplicatePolicy {
  const p = { ...defaultDuplicatePolicy };
  const num = (v: unknown, min: number, max: number) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : undefined);
  p.radiusMeters = num(partial?.radiusMeters, 0, 5000) ?? p.radiusMeters;
  p.minSimilarity = num(partial?.minSimilarity, 0, 1) ?? p.minSimilarity;
  p.looserCategoryPenalty = num(partial?.looserCategoryPenalty, 0, 1) ?? p.looserCategoryPenalty;
  return p;
}

// Characters that carry no meaning of their own in a complaint: punctuation,
// and the commonest function characters, so "路面有个大坑" and "路面大坑" meet.
const noise = /[\s\p{P}\p{S}的了是在有个这那很也就都和与及把被着吧呢啊吗呀哦嗯请您你我他她它们]/gu;

export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(noise, '');
}

/** The set of overlapping character pairs; a one-character text is its own unigram. */
export function bigrams(text: string): Set<string> {
  const chars = Array.from(normaliseText(text));
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/**
 * Dice coefficient of the character bigrams (0..1). Chinese has no spaces, so
 * bigrams stand in for words without a segmenter; Dice rather than Jaccard
 * because a short citizen sentence and a long hotline transcript of the same
 * pothole share few pairs relative to their union.
 */
export function textSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common += 1;
  return (2 * common) / (x.size + y.size);
}

export interface DuplicateCandidate {
  problemId: string;
  status: ProblemStatus;
  distanceMeters: number;
  subcategoryCode: string | null;
  categoryCode: string | null;
  /** texts of the reports already in the problem (a few are enough) */
  texts: readonly string[];
}

export interface IncomingClue {
  text: string;
  subcategoryCode: string | null;
  categoryCode: string | null;
}

export type CategoryRelation = 'same_subcategory' | 'same_category' | 'unclassified' | 'different';

export function categoryRelation(a: { subcategoryCode: string | null; categoryCode: string | null }, b: typeof a): CategoryRelation {
  if (!a.subcategoryCode || !b.subcategoryCode) {
    if (a.categoryCode && b.categoryCode && a.categoryCode !== b.categoryCode) return 'different';
    return 'unclassified';
  }
  if (a.subcategoryCode === b.subcategoryCode) return 'same_subcategory';
  if (a.categoryCode && a.categoryCode === b.categoryCode) return 'same_category';
  return 'different';
}

export interface DuplicateVerdict {
  problemId: string;
  duplicate: boolean;
  score: number;
  similarity: number;
  relation: CategoryRelation;
  reasons: string[];
}

/** One candidate judged against the clue: is it the same problem, and how sure. */
export function judgeCandidate(clue: IncomingClue, c: DuplicateCandidate, policy: DuplicatePolicy = defaultDuplicatePolicy): DuplicateVerdict {
  const reasons: string[] = [];
  const similarity = Math.max(0, ...c.texts.map((t) => textSimilarity(clue.text, t)));
  const relation = categoryRelation(clue, c);
  const needed = relation === 'same_subcategory' ? policy.minSimilarity : policy.minSimilarity + policy.looserCategoryPenalty;
  if (!isOpenProblem(c.status)) reasons.push(`problem is ${c.status}`);
  if (c.distanceMeters > policy.radiusMeters) reasons.push(`${Math.round(c.distanceMeters)} m away (limit ${policy.radiusMeters} m)`);
  if (relation === 'different') reasons.push('different category');
  if (similarity < needed) reasons.push(`text similarity ${similarity.toFixed(2)} < ${needed.toFixed(2)}`);
  const closeness = policy.radiusMeters > 0 ? 1 - Math.min(1, c.distanceMeters / policy.radiusMeters) : 1;
  const bonus = relation === 'same_subcategory' ? 0.3 : relation === 'same_category' ? 0.1 : 0;
  return { problemId: c.problemId, duplicate: reasons.length === 0, score: similarity + bonus + 0.2 * closeness, similarity, relation, reasons };
}

/** The open problem this clue duplicates — the best-scoring one — or null for a new problem. */
export function findDuplicate(
  clue: IncomingClue,
  candidates: readonly DuplicateCandidate[],
  policy: DuplicatePolicy = defaultDuplicatePolicy,
): DuplicateVerdict | null {
  let best: DuplicateVerdict | null = null;
  for (const c of candidates) {
    const v = judgeCandidate(clue, c, policy);
    if (v.duplicate && (!best || v.score > best.score || (v.score === best.score && v.problemId < best.problemId))) best = v;
  }
  return best;
}

/** Great-circle distance in metres (for candidates that come from elsewhere than PostGIS). */
export function distanceMeters(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------------------------------------------------------------- photos

/**
 * dHash: 64 bits, one per neighbouring pair in a 9×8 greyscale thumbnail, set
 * when the left pixel is brighter. Resizing, recompression and EXIF stripping
 * keep it; a different scene does not. Returned as 16 hex digits.
 */
export function dHash(grey: Uint8Array | readonly number[], width = 9, height = 8): string {
  if (grey.length !== width * height || width < 2) throw new Error(`dHash needs ${width}×${height} grey pixels, got ${grey.length}`);
  let bits = '';
  for (let y = 0; y < height; y++) {
    for (let x = 0; x + 1 < width; x++) bits += grey[y * width + x]! > grey[y * width + x + 1]! ? '1' : '0';
  }
  let hex = '';
  for (let i = 0; i < bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

/** Differing bits of two hashes of equal length; ≤ 10 of 64 is usually the same photo. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new Error('hashes of different length');
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

export const samePhotoMaxDistance = 10;

import {
  assessRisk,
  crossValidate,
  defaultRiskThresholds,
  defaultTaxonomy,
  loadModel,
  predict,
  riskThresholdProblems,
  taxonomyProblems,
  trainingSteps,
  type CrossValidation,
  type DeadlineUnit,
  type UnitDuty,
  type LabelledTokens,
  type LoadedModel,
  type RiskScores,
  type RiskThresholds,
  type Subcategory,
  type TaxonomyCategory,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { actorId, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { tokenize } from '../classifier/service.ts';
import {
  confirmationCount,
  confirmations,
  insertConfirmations,
  insertVersion,
  latestVersionNumber,
  listVersions,
  lockTaxonomy,
  modelMeta,
  modelOf,
  saveModel,
  saveThresholds,
  thresholdsOf,
  versionRow,
  type VersionRow,
} from './queries.ts';
import type { TaxonomyEditT, TaxonomyT, TrainingSetBodyT, TrainingSetResultT } from './schemas.ts';

export type SubcategoryT = Subcategory;

export interface CurrentTaxonomy {
  version: number;
  categories: { code: string; name: string; nameEn: string }[];
  subcategories: SubcategoryT[];
}

/** Tunables of the background training. */
export const training = {
  /** this many new confirmations make the model stale */
  retrainAfter: 20,
  /** wait this long after the trigger, so a burst of confirmations makes one retrain */
  debounceMs: 2000,
  /** how often a reader checks whether the stored model is stale */
  staleCheckMs: 10_000,
  /** the newest confirmations learnt from; older ones are dropped to bound training time */
  maxHistory: 20000,
  /** cross-validation of an uploaded history: folds, and the fewest examples worth it */
  folds: 5,
  crossValidationFrom: 10,
  crossValidationMax: 2000,
};

// ---------------------------------------------------------------- versions

// Versions never change once written, so a parsed one can be kept per (city, version).
const versionCache = new Map<string, VersionRow>();

async function version(q: Queryable, cityId: string, v: number): Promise<VersionRow | undefined> {
  const key = `${cityId}/${v}`;
  const hit = versionCache.get(key);
  if (hit) return hit;
  const row = await versionRow(q, cityId, v);
  if (row) {
    versionCache.set(key, row);
    if (versionCache.size > 200) versionCache.delete(versionCache.keys().next().value!);
  }
  return row;
}

/** The number of the city's current version, writing the default set as version 1 on first use. */
async function currentVersionNumber(q: Queryable, cityId: string): Promise<number> {
  const latest = await latestVersionNumber(q, cityId);
  if (latest !== null) return latest;
  await insertVersion(q, cityId, { version: 1, ...defaultTaxonomy, note: '默认《城市建设问题分类分级标准》', createdBy: null });
  return 1;
}

/** The taxonomy a new problem is judged under. Usable inside another module's transaction. */
export async function currentTaxonomy(db: Db | Queryable, cityId: string): Promise<CurrentTaxonomy> {
  const v = await currentVersionNumber(db, cityId);
  const row = (await version(db, cityId, v))!;
  return { version: row.version, categories: row.categories, subcategories: row.subcategories };
}

export async function subcategoryByCode(db: Db | Queryable, cityId: string, code: string): Promise<SubcategoryT | undefined> {
  return (await currentTaxonomy(db, cityId)).subcategories.find((s) => s.code === code);
}

function taxonomyOut(row: VersionRow): TaxonomyT {
  return {
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    note: row.note,
    categories: row.categories,
    subcategories: row.subcategories,
  };
}

export async function getCurrentTaxonomy(db: Db, cityId: string): Promise<TaxonomyT> {
  const v = await currentVersionNumber(db, cityId);
  return taxonomyOut((await version(db, cityId, v))!);
}

export async function getTaxonomyVersion(db: Db, cityId: string, v: number): Promise<TaxonomyT> {
  await currentVersionNumber(db, cityId);
  const row = await version(db, cityId, v);
  if (!row) throw new AppError('resource.not_found');
  return taxonomyOut(row);
}

export async function taxonomyVersions(db: Db, cityId: string) {
  await currentVersionNumber(db, cityId);
  return (await listVersions(db, cityId)).map((r) => ({
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    note: r.note,
    categories: r.categories,
    subcategories: r.subcategories,
  }));
}

const clean = (s: string) => s.trim();

/** PUT /taxonomy: the full edited set becomes the next version; older versions stay as they were. */
export async function editTaxonomy(db: Db, actor: Actor, body: TaxonomyEditT, ip: string): Promise<TaxonomyT> {
  const categories: TaxonomyCategory[] = body.categories.map((c) => ({ code: clean(c.code), name: clean(c.name), nameEn: clean(c.nameEn) }));
  const subcategories: Subcategory[] = body.subcategories.map((s) => ({
    ...s,
    code: clean(s.code),
    categoryCode: clean(s.categoryCode),
    name: clean(s.name),
    nameEn: clean(s.nameEn),
    norm: clean(s.norm),
    standard: clean(s.standard),
    deadline: { amount: s.deadline.amount, unit: s.deadline.unit as DeadlineUnit },
    defaultDuty: s.defaultDuty as UnitDuty,
    keywords: [...new Set(s.keywords.map(clean).filter(Boolean))],
  }));
  const problems = taxonomyProblems({ categories, subcategories });
  if (problems.length) throw new AppError('taxonomy.invalid', { problems: problems.slice(0, 100) }, problems[0]);
  const saved = await db.tx(async (q) => {
    await lockTaxonomy(q, actor.cityId);
    const previous = await currentVersionNumber(q, actor.cityId);
    const next = previous + 1;
    const note = body.note?.trim() ?? '';
    await insertVersion(q, actor.cityId, { version: next, categories, subcategories, note, createdBy: actor.kind === 'user' ? actorId(actor) : null });
    const before = (await versionRow(q, actor.cityId, previous))!;
    const codes = (l: { code: string }[]) => new Set(l.map((s) => s.code));
    const was = codes(before.subcategories);
    const now = codes(subcategories);
    await recordAudit(q, actor, {
      action: 'taxonomy.update',
      targetType: 'taxonomy',
      targetId: String(next),
      details: {
        from: previous,
        to: next,
        note,
        added: [...now].filter((c) => !was.has(c)),
        removed: [...was].filter((c) => !now.has(c)),
        changed: subcategories.filter((s) => was.has(s.code) && JSON.stringify(s) !== JSON.stringify(before.subcategories.find((b) => b.code === s.code))).map((s) => s.code),
      },
      ip,
    });
    return (await versionRow(q, actor.cityId, next))!;
  });
  // The model learnt the old label set: retrain in the background.
  scheduleRetrain(db, actor.cityId, 0);
  return taxonomyOut(saved);
}

// ---------------------------------------------------------------- risk thresholds

export async function riskThresholds(db: Db | Queryable, cityId: string): Promise<RiskThresholds> {
  return (await thresholdsOf(db, cityId)) ?? defaultRiskThresholds;
}

export async function updateRiskThresholds(db: Db, actor: Actor, t: RiskThresholds, ip: string): Promise<RiskThresholds> {
  const problems = riskThresholdProblems(t);
  if (problems.length) throw new AppError('risk.invalid_thresholds', { problems }, problems[0]);
  return db.tx(async (q) => {
    const before = await riskThresholds(q, actor.cityId);
    await saveThresholds(q, actor.cityId, t, actor.kind === 'user' ? actorId(actor) : null);
    await recordAudit(q, actor, { action: 'risk.update', targetType: 'risk_thresholds', targetId: actor.cityId, details: { before, after: t }, ip });
    return t;
  });
}

/** The risk level of a problem under the city's thresholds. */
export async function assessCityRisk(db: Db | Queryable, cityId: string, scores: RiskScores) {
  return assessRisk(scores, await riskThresholds(db, cityId));
}

// ---------------------------------------------------------------- the taxonomy classifier

/** The taxonomy itself as training examples: every keyword and every name labels its subcategory. */
export function keywordExamples(subcategories: readonly Subcategory[]): LabelledTokens[] {
  const out: LabelledTokens[] = [];
  for (const s of subcategories) {
    for (const phrase of [s.name, ...s.keywords]) {
      const tokens = tokenize(phrase);
      if (tokens.length) out.push({ tokens, label: s.code });
    }
  }
  return out;
}

/** Labelled history restricted to subcategories that still exist, segmented. */
async function history(q: Queryable, cityId: string, codes: Set<string>): Promise<LabelledTokens[]> {
  const rows = await confirmations(q, cityId, training.maxHistory);
  return rows
    .filter((r) => codes.has(r.subcategory_code))
    .map((r) => ({ tokens: tokenize(r.text), label: r.subcategory_code }))
    .filter((e) => e.tokens.length > 0);
}

/**
 * Trains the city's taxonomy model from the keywords and every confirmation, and stores
 * it. Runs in the background (see `scheduleRetrain`); exported for tests and tools.
 */
export async function retrainTaxonomyModel(db: Db, cityId: string): Promise<void> {
  const tax = await currentTaxonomy(db, cityId);
  const count = await confirmationCount(db, cityId);
  const examples = [...keywordExamples(tax.subcategories), ...(await history(db, cityId, new Set(tax.subcategories.map((s) => s.code))))];
  if (new Set(examples.map((e) => e.label)).size < 2) return;
  const steps = trainingSteps(examples);
  let step = steps.next();
  // One epoch at a time, letting requests through in between.
  while (!step.done) {
    await new Promise((resolve) => setImmediate(resolve));
    step = steps.next();
  }
  const model = step.value;
  await saveModel(db, cityId, { version: tax.version, model, examples: examples.length, confirmations: count });
}

const pending = new Map<string, { timer: NodeJS.Timeout; db: Db }>();
const running = new Map<string, Promise<void>>();

/**
 * Retrains a city's model off the request path: debounced per city, one run at a time.
 * An in-process timer is enough because the result is stored: another process or a
 * restart reads the stored model, and notices staleness itself.
 */
export function scheduleRetrain(db: Db, cityId: string, delayMs = training.debounceMs): void {
  if (pending.has(cityId)) return;
  const timer = setTimeout(() => runNow(db, cityId), delayMs);
  timer.unref();
  pending.set(cityId, { timer, db });
}

function runNow(db: Db, cityId: string): Promise<void> {
  pending.delete(cityId);
  const previous = running.get(cityId) ?? Promise.resolve();
  const run = previous
    .then(() => retrainTaxonomyModel(db, cityId))
    .catch((err: unknown) => {
      console.error(`taxonomy classifier: retraining city ${cityId} failed:`, (err as Error).message);
    })
    .finally(() => {
      if (running.get(cityId) === run) running.delete(cityId);
    });
  running.set(cityId, run);
  return run;
}

/** Runs every scheduled retrain now and waits for all of them (tests, shutdown). */
export async function flushTaxonomyTraining(): Promise<void> {
  for (const [cityId, { timer, db }] of [...pending]) {
    clearTimeout(timer);
    void runNow(db, cityId);
  }
  await Promise.all([...running.values()]);
}

/** Drops scheduled retrains and waits for running ones: the database is about to close. */
export async function stopTaxonomyTraining(): Promise<void> {
  for (const { timer } of pending.values()) clearTimeout(timer);
  pending.clear();
  await Promise.all([...running.values()]);
}

const modelCache = new Map<string, { trainedAt: number; version: number; loaded: LoadedModel }>();
const lastStaleCheck = new Map<string, number>();

/** The stored model, loaded once per training; schedules a retrain when missing or stale. */
async function cityModel(db: Db, cityId: string, currentVersion: number): Promise<{ version: number; loaded: LoadedModel } | null> {
  const meta = await modelMeta(db, cityId);
  if (!meta) {
    scheduleRetrain(db, cityId, 0);
    return null;
  }
  const now = Date.now();
  if (meta.taxonomy_version !== currentVersion) scheduleRetrain(db, cityId, 0);
  else if (now - (lastStaleCheck.get(cityId) ?? 0) > training.staleCheckMs) {
    lastStaleCheck.set(cityId, now);
    if ((await confirmationCount(db, cityId)) - meta.confirmations >= training.retrainAfter) scheduleRetrain(db, cityId);
  }
  const trainedAt = new Date(meta.trained_at).getTime();
  const hit = modelCache.get(cityId);
  if (hit && hit.trainedAt === trainedAt) return hit;
  const row = await modelOf(db, cityId);
  if (!row) return null;
  const entry = { trainedAt: new Date(row.trained_at).getTime(), version: row.taxonomy_version, loaded: loadModel(row.model) };
  modelCache.set(cityId, entry);
  return entry;
}

/**
 * Until the first model is trained (or while it lags an edited taxonomy), count keyword
 * hits instead: each shared token votes 1/n for the n subcategories that list it.
 */
const ownersCache = new Map<string, Map<string, Set<string>>>();

function keywordOwners(key: string, subcategories: readonly Subcategory[]): Map<string, Set<string>> {
  let owners = ownersCache.get(key);
  if (!owners) {
    owners = new Map();
    for (const e of keywordExamples(subcategories)) for (const t of e.tokens) owners.set(t, (owners.get(t) ?? new Set()).add(e.label));
    ownersCache.set(key, owners);
    if (ownersCache.size > 200) ownersCache.delete(ownersCache.keys().next().value!);
  }
  return owners;
}

function keywordVote(key: string, subcategories: readonly Subcategory[], tokens: readonly string[]): { code: string; confidence: number } | null {
  const owners = keywordOwners(key, subcategories);
  const score = new Map<string, number>();
  for (const t of tokens) {
    const o = owners.get(t);
    if (!o) continue;
    for (const code of o) score.set(code, (score.get(code) ?? 0) + 1 / o.size);
  }
  if (score.size === 0) return null;
  const total = [...score.values()].reduce((a, b) => a + b, 0);
  const [code, best] = [...score.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  // A lone vote is weak evidence: shrink towards "unsure" by adding one phantom vote.
  return { code, confidence: best / (total + 1) };
}

/**
 * The subcategory a text most likely belongs to, with the model's probability, under the
 * city's current taxonomy; null when the text gives no signal (no word the model knows).
 */
export async function suggestCategory(db: Db, cityId: string, text: string): Promise<{ code: string; confidence: number; version: number } | null> {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  const tax = await currentTaxonomy(db, cityId);
  const m = await cityModel(db, cityId, tax.version);
  if (m && m.version === tax.version) {
    const p = predict(m.loaded, tokens);
    if (p.known === 0) return null;
    return { code: p.label, confidence: Math.round(p.confidence * 10000) / 10000, version: tax.version };
  }
  const vote = keywordVote(`${cityId}/${tax.version}`, tax.subcategories, tokens);
  return vote ? { code: vote.code, confidence: Math.round(vote.confidence * 10000) / 10000, version: tax.version } : null;
}

/**
 * Records the category the office confirmed or corrected for a text: the classifier
 * learns from it at its next retraining. Call inside the confirming write's transaction.
 */
export async function recordConfirmedCategory(q: Queryable, cityId: string, text: string, subcategoryCode: string, userId: string | null): Promise<void> {
  const t = text.trim();
  if (!t || !subcategoryCode) return;
  await insertConfirmations(q, cityId, [{ text: t, code: subcategoryCode }], 'confirmed', userId);
}

export async function classifierStatus(db: Db, cityId: string) {
  const meta = await modelMeta(db, cityId);
  const count = await confirmationCount(db, cityId);
  return {
    trained: Boolean(meta),
    taxonomyVersion: meta?.taxonomy_version ?? null,
    trainedAt: meta ? new Date(meta.trained_at).toISOString() : null,
    examples: meta?.examples ?? 0,
    confirmations: count,
    pending: count - (meta?.confirmations ?? 0),
  };
}

export async function requestRetrain(db: Db, actor: Actor, ip: string): Promise<{ scheduled: true }> {
  await db.tx((q) => recordAudit(q, actor, { action: 'taxonomy.retrain', targetType: 'taxonomy_model', targetId: actor.cityId, ip }));
  scheduleRetrain(db, actor.cityId, 0);
  return { scheduled: true };
}

export async function suggestForText(db: Db, cityId: string, text: string) {
  const s = await suggestCategory(db, cityId, text);
  if (!s) return { suggestion: null };
  const sub = (await version(db, cityId, s.version))!.subcategories.find((x) => x.code === s.code)!;
  return { suggestion: { ...s, name: sub.name, categoryCode: sub.categoryCode } };
}

// ---------------------------------------------------------------- labelled history upload

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; a BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new AppError('taxonomy.bad_training_set', undefined, 'A quoted field is not closed');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const textColumns = ['text', '文本', '内容', '描述', 'description'];
const categoryColumns = ['category', 'subcategory', 'subcategorycode', 'label', '类别', '小类', '分类'];

/** Reads a CSV with a header naming a text column and a category column (code or name). */
export function trainingRowsFromCsv(csv: string): { text: string; category: string; row: number }[] {
  const rows = parseCsv(csv);
  if (rows.length < 2) throw new AppError('taxonomy.bad_training_set', undefined, 'Expected a header row (text,category) and at least one data row');
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const ti = header.findIndex((h) => textColumns.includes(h));
  const ci = header.findIndex((h) => categoryColumns.includes(h));
  if (ti < 0 || ci < 0) throw new AppError('taxonomy.bad_training_set', { header: rows[0] }, 'The header must name a text column and a category column');
  return rows.slice(1).map((r, i) => ({ text: (r[ti] ?? '').trim(), category: (r[ci] ?? '').trim(), row: i + 2 }));
}

/**
 * Adds a labelled history (all rows or none) and answers how well the classifier does on
 * it: stratified k-fold cross-validation over the whole history of the city, the taxonomy
 * keywords always in the training folds, per subcategory. Then retrains in the background.
 */
export async function addTrainingSet(
  db: Db,
  actor: Actor,
  input: { csv: string } | TrainingSetBodyT,
  ip: string,
): Promise<TrainingSetResultT> {
  const rows = 'csv' in input ? trainingRowsFromCsv(input.csv) : input.examples.map((e, i) => ({ text: e.text.trim(), category: e.subcategoryCode.trim(), row: i }));
  if (rows.length === 0) throw new AppError('classifier.no_examples');
  if (rows.length > training.maxHistory) throw new AppError('classifier.too_many_examples', { limit: training.maxHistory, got: rows.length });
  const tax = await currentTaxonomy(db, actor.cityId);
  const byCode = new Map(tax.subcategories.map((s) => [s.code, s.code]));
  const byName = new Map(tax.subcategories.map((s) => [s.name, s.code]));
  const unknown = rows.filter((r) => !byCode.has(r.category) && !byName.has(r.category));
  if (unknown.length) {
    throw new AppError('taxonomy.unknown_subcategory', { rows: unknown.slice(0, 100).map((r) => ({ row: r.row, category: r.category })) }, `${unknown.length} row(s) name no subcategory of taxonomy version ${tax.version}`);
  }
  const empty = rows.filter((r) => tokenize(r.text).length === 0);
  if (empty.length) throw new AppError('classifier.empty_text', { rows: empty.slice(0, 100).map((r) => r.row) }, `${empty.length} row(s) have no usable text`);
  const labelled = rows.map((r) => ({ text: r.text, code: byCode.get(r.category) ?? byName.get(r.category)! }));

  await db.tx(async (q) => {
    await insertConfirmations(q, actor.cityId, labelled, 'training_set', actor.kind === 'user' ? actorId(actor) : null);
    await recordAudit(q, actor, {
      action: 'taxonomy.training_set',
      targetType: 'taxonomy_model',
      targetId: actor.cityId,
      details: { rows: labelled.length, subcategories: [...new Set(labelled.map((l) => l.code))].sort() },
      ip,
    });
  });

  const all = await history(db, actor.cityId, new Set(tax.subcategories.map((s) => s.code)));
  let crossValidation: CrossValidation | null = null;
  if (all.length >= training.crossValidationFrom) {
    crossValidation = crossValidate(all, training.folds, { seed: 1, background: keywordExamples(tax.subcategories), maxExamples: training.crossValidationMax });
  }
  scheduleRetrain(db, actor.cityId, 0);
  return { added: labelled.length, total: await confirmationCount(db, actor.cityId), taxonomyVersion: tax.version, crossValidation };
}

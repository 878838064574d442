/**
 * Text classification over token lists (SPEC.md M10): TF-IDF features and a
 * multinomial logistic regression (softmax) trained by full-batch gradient
 * descent with L2 regularisation. The caller tokenizes (the server segments
 * Chinese with jieba); this module only counts, weighs and learns, so it is pure
 * and deterministic: the same examples give the same model, bit for bit.
 *
 * Why logistic regression rather than a linear SVM: its softmax gives a
 * probability the intake can threshold ("suggest only when confident"), and it
 * trains well from a handful of keyword examples per class.
 */
import { seededRandom } from './random.ts';

export interface LabelledTokens {
  tokens: readonly string[];
  label: string;
}

export interface TrainOptions {
  /** L2 penalty on the weights (not the biases); higher = smoother, less confident */
  l2?: number;
  /** full-batch gradient steps */
  epochs?: number;
  /** Adam step size */
  learningRate?: number;
  /** a token seen in fewer examples is dropped from the vocabulary */
  minDf?: number;
  /** adds adjacent-token pairs as features (`a␟b`) */
  bigrams?: boolean;
}

/** A trained model as plain JSON: store it, send it, load it. */
export interface ClassifierModel {
  kind: 'tfidf-softmax';
  version: 1;
  labels: string[];
  vocabulary: string[];
  idf: number[];
  /** weights[label][feature] */
  weights: number[][];
  bias: number[];
  bigrams: boolean;
}

export interface Prediction {
  label: string;
  confidence: number;
  /** how many of the text's features the model knows; 0 = the text gave no signal */
  known: number;
}

const defaults: Required<TrainOptions> = { l2: 1e-4, epochs: 150, learningRate: 0.1, minDf: 1, bigrams: false };

const PAIR = '\u241f';

function features(tokens: readonly string[], bigrams: boolean): string[] {
  if (!bigrams) return [...tokens];
  const out = [...tokens];
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]}${PAIR}${tokens[i]}`);
  return out;
}

type Sparse = { idx: Int32Array; val: Float64Array };

/** Sublinear tf (1 + ln count) × idf, L2-normalised; unknown features are skipped and counted. */
function vectorise(tokens: readonly string[], index: Map<string, number>, idf: ArrayLike<number>, bigrams: boolean): Sparse & { known: number } {
  const counts = new Map<number, number>();
  let known = 0;
  for (const f of features(tokens, bigrams)) {
    const i = index.get(f);
    if (i === undefined) continue;
    known++;
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const idx = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const val = new Float64Array(idx.length);
  let norm = 0;
  idx.forEach((i, k) => {
    val[k] = (1 + Math.log(counts.get(i)!)) * idf[i]!;
    norm += val[k]! * val[k]!;
  });
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < val.length; k++) val[k]! /= norm;
  return { idx, val, known };
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! - max);
    sum += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k]! /= sum;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Trains a model. Needs at least one example with a token and two labels; the
 * caller checks that and answers its own error (this throws a plain Error).
 */
export function train(examples: readonly LabelledTokens[], options: TrainOptions = {}): ClassifierModel {
  const steps = trainingSteps(examples, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same training, one epoch per step: a server drives it with a pause between
 * epochs so that a long training in the background never holds the event loop.
 * Yields the number of the epoch just finished.
 */
export function* trainingSteps(examples: readonly LabelledTokens[], options: TrainOptions = {}): Generator<number, ClassifierModel, void> {
  const o = { ...defaults, ...options };
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2) throw new Error('training needs at least two labels');
  const usable = examples.filter((e) => e.tokens.length > 0);
  if (usable.length === 0) throw new Error('training needs at least one example with tokens');

  const df = new Map<string, number>();
  for (const e of usable) for (const f of new Set(features(e.tokens, o.bigrams))) df.set(f, (df.get(f) ?? 0) + 1);
  const vocabulary = [...df.keys()].filter((f) => df.get(f)! >= o.minDf).sort();
  const index = new Map(vocabulary.map((f, i) => [f, i]));
  const n = usable.length;
  const idf = vocabulary.map((f) => Math.log((1 + n) / (1 + df.get(f)!)) + 1);

  const K = labels.length;
  const V = vocabulary.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const xs = usable.map((e) => vectorise(e.tokens, index, idf, o.bigrams));
  const ys = usable.map((e) => labelIndex.get(e.label)!);

  // Weights as one V×K block (feature-major: a text touches few features, each with all
  // its K weights side by side); Adam state alongside. Zero start keeps training deterministic.
  const W = new Float64Array(K * V);
  const b = new Float64Array(K);
  const gW = new Float64Array(K * V);
  const gb = new Float64Array(K);
  const mW = new Float64Array(K * V);
  const vW = new Float64Array(K * V);
  const mb = new Float64Array(K);
  const vb = new Float64Array(K);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const z = new Float64Array(K);

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    gW.fill(0);
    gb.fill(0);
    for (let s = 0; s < n; s++) {
      const { idx, val } = xs[s]!;
      z.set(b);
      for (let j = 0; j < idx.length; j++) {
        const base = idx[j]! * K;
        const x = val[j]!;
        for (let k = 0; k < K; k++) z[k]! += W[base + k]! * x;
      }
      softmaxInPlace(z);
      z[ys[s]!]! -= 1;
      for (let k = 0; k < K; k++) {
        z[k]! /= n;
        gb[k]! += z[k]!;
      }
      for (let j = 0; j < idx.length; j++) {
        const base = idx[j]! * K;
        const x = val[j]!;
        for (let k = 0; k < K; k++) gW[base + k]! += z[k]! * x;
      }
    }
    const c1 = 1 - beta1 ** epoch;
    const c2 = 1 - beta2 ** epoch;
    for (let i = 0; i < W.length; i++) {
      const g = gW[i]! + o.l2 * W[i]!;
      mW[i] = beta1 * mW[i]! + (1 - beta1) * g;
      vW[i] = beta2 * vW[i]! + (1 - beta2) * g * g;
      W[i]! -= (o.learningRate * (mW[i]! / c1)) / (Math.sqrt(vW[i]! / c2) + eps);
    }
    for (let k = 0; k < K; k++) {
      const g = gb[k]!;
      mb[k] = beta1 * mb[k]! + (1 - beta1) * g;
      vb[k] = beta2 * vb[k]! + (1 - beta2) * g * g;
      b[k]! -= (o.learningRate * (mb[k]! / c1)) / (Math.sqrt(vb[k]! / c2) + eps);
    }
    yield epoch;
  }

  const weights: number[][] = [];
  for (let k = 0; k < K; k++) {
    const row = new Array<number>(V);
    for (let f = 0; f < V; f++) row[f] = round(W[f * K + k]!);
    weights.push(row);
  }
  return { kind: 'tfidf-softmax', version: 1, labels, vocabulary, idf: idf.map(round), weights, bias: Array.from(b, round), bigrams: o.bigrams };
}

/** A model made ready for many predictions (the vocabulary as a map). */
export interface LoadedModel {
  model: ClassifierModel;
  index: Map<string, number>;
}

export function loadModel(model: ClassifierModel): LoadedModel {
  return { model, index: new Map(model.vocabulary.map((f, i) => [f, i])) };
}

/** The softmax probability of every label for one text, in `model.labels` order. */
export function probabilities(m: ClassifierModel | LoadedModel, tokens: readonly string[]): { p: number[]; known: number } {
  const { model, index } = 'index' in m ? m : loadModel(m);
  const x = vectorise(tokens, index, model.idf, model.bigrams);
  const z = new Float64Array(model.labels.length);
  for (let k = 0; k < z.length; k++) {
    let acc = model.bias[k]!;
    const w = model.weights[k]!;
    for (let j = 0; j < x.idx.length; j++) acc += w[x.idx[j]!]! * x.val[j]!;
    z[k] = acc;
  }
  softmaxInPlace(z);
  return { p: Array.from(z), known: x.known };
}

/** The most probable label and its probability; ties go to the label first in sort order. */
export function predict(m: ClassifierModel | LoadedModel, tokens: readonly string[]): Prediction {
  const model = 'index' in m ? m.model : m;
  const { p, known } = probabilities(m, tokens);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return { label: model.labels[best]!, confidence: p[best]!, known };
}

export interface LabelScore {
  precision: number;
  recall: number;
  support: number;
}

export interface CrossValidation {
  k: number;
  /** examples tested (each exactly once) */
  examples: number;
  accuracy: number;
  /** unweighted mean of per-label F1 */
  macroF1: number;
  perLabel: Record<string, LabelScore>;
}

export interface CrossValidateOptions extends TrainOptions {
  seed?: number;
  /** test at most this many examples: a larger set is cut to a stratified seeded sample first */
  maxExamples?: number;
  /** examples added to every fold's training set and never tested (e.g. taxonomy keywords) */
  background?: readonly LabelledTokens[];
}

/**
 * Stratified k-fold split: each label's examples are shuffled with the seed and
 * dealt round-robin, so every fold sees every label that has at least k examples.
 */
export function foldsOf(examples: readonly LabelledTokens[], k: number, seed = 1): number[] {
  const rnd = seededRandom(seed);
  const fold = new Array<number>(examples.length).fill(0);
  const byLabel = new Map<string, number[]>();
  examples.forEach((e, i) => byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), i]));
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const ids = byLabel.get(label)!;
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    // Continue dealing where the previous label stopped, so small labels do not all start in fold 0.
    for (const id of ids) fold[id] = next++ % k;
  }
  return fold;
}

/** k-fold cross-validation: accuracy overall and precision/recall per label. */
export function crossValidate(examples: readonly LabelledTokens[], k: number, options: CrossValidateOptions = {}): CrossValidation {
  const { seed = 1, background = [], maxExamples, ...trainOptions } = options;
  if (!Number.isInteger(k) || k < 2) throw new Error('k must be an integer of at least 2');
  if (maxExamples !== undefined && examples.length > maxExamples) {
    // One fold of a stratified split is a stratified sample.
    const parts = Math.ceil(examples.length / maxExamples);
    const part = foldsOf(examples, parts, seed + 1);
    examples = examples.filter((_, i) => part[i] === 0);
  }
  if (examples.length < k) throw new Error('cross-validation needs at least k examples');
  const fold = foldsOf(examples, k, seed);
  const tp = new Map<string, number>();
  const predicted = new Map<string, number>();
  const support = new Map<string, number>();
  const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  let correct = 0;
  for (let f = 0; f < k; f++) {
    const trainSet = [...background, ...examples.filter((_, i) => fold[i] !== f)];
    const testSet = examples.filter((_, i) => fold[i] === f);
    if (testSet.length === 0) continue;
    const labels = new Set(trainSet.map((e) => e.label));
    const model = labels.size >= 2 ? loadModel(train(trainSet, trainOptions)) : null;
    for (const e of testSet) {
      // A fold whose training set has a single label can only ever answer that label.
      const guess = model ? predict(model, e.tokens).label : [...labels][0]!;
      add(support, e.label);
      add(predicted, guess);
      if (guess === e.label) {
        correct++;
        add(tp, e.label);
      }
    }
  }
  const perLabel: Record<string, LabelScore> = {};
  let f1Sum = 0;
  const allLabels = [...new Set(examples.map((e) => e.label))].sort();
  for (const label of allLabels) {
    const t = tp.get(label) ?? 0;
    const precision = predicted.get(label) ? t / predicted.get(label)! : 0;
    const recall = support.get(label) ? t / support.get(label)! : 0;
    perLabel[label] = { precision, recall, support: support.get(label) ?? 0 };
    f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return { k, examples: examples.length, accuracy: correct / examples.length, macroF1: f1Sum / allLabels.length, perLabel };
}

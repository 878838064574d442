import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, crossValidate, foldsOf, loadModel, predict, probabilities, train, trainingSteps, type LabelledTokens } from '../src/index.ts';

/** Three clearly separable classes, each with its own words, plus words shared by all. */
function synthetic(perClass: number, seed: number): LabelledTokens[] {
  const vocab: Record<string, string[]> = {
    light: ['路灯', '灯', '黑', '照明', '灯杆', '亮'],
    water: ['积水', '雨', '淹', '排水', '水深', '暴雨'],
    trash: ['垃圾', '桶', '臭', '清运', '苍蝇', '堆'],
  };
  const shared = ['小区', '门口', '晚上', '马路', '居民'];
  const r = seededRandom(seed);
  const pick = (l: string[]) => l[Math.floor(r() * l.length)]!;
  const out: LabelledTokens[] = [];
  for (const [label, words] of Object.entries(vocab)) {
    for (let i = 0; i < perClass; i++) out.push({ label, tokens: [pick(shared), pick(words), pick(words), pick(shared)] });
  }
  return out;
}

test('clearly separable classes are separated, with confident predictions', () => {
  const model = train(synthetic(20, 1));
  assert.deepEqual(model.labels, ['light', 'trash', 'water']);
  assert.equal(predict(model, ['路灯', '黑']).label, 'light');
  assert.equal(predict(model, ['暴雨', '积水', '小区']).label, 'water');
  assert.equal(predict(model, ['垃圾', '苍蝇']).label, 'trash');
  assert.ok(predict(model, ['路灯', '黑', '照明']).confidence > 0.8);
});

test('probabilities sum to one; words the model never saw give no signal and a flat answer', () => {
  const model = train(synthetic(10, 2));
  const { p } = probabilities(model, ['路灯']);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const unknown = predict(model, ['火星', '宇宙']);
  assert.equal(unknown.known, 0);
  assert.ok(unknown.confidence < 0.5, String(unknown.confidence));
  const shared = predict(model, ['小区', '门口']);
  assert.ok(shared.confidence < 0.6, `shared words only: ${shared.confidence}`);
});

test('training is deterministic and the model survives a JSON round trip', () => {
  const data = synthetic(15, 3);
  const a = train(data);
  const b = train(data);
  assert.deepEqual(a, b);
  const restored = JSON.parse(JSON.stringify(a));
  for (const tokens of [['路灯'], ['垃圾', '臭'], ['雨', '淹', '门口']]) {
    assert.deepEqual(predict(restored, tokens), predict(a, tokens));
    assert.deepEqual(predict(loadModel(restored), tokens), predict(a, tokens));
  }
});

test('more L2 regularisation makes the model less confident', () => {
  const data = synthetic(15, 4);
  const sharp = predict(train(data, { l2: 1e-5 }), ['路灯']).confidence;
  const smooth = predict(train(data, { l2: 0.1 }), ['路灯']).confidence;
  assert.ok(sharp > smooth, `${sharp} > ${smooth}`);
});

test('bigram features are optional and still separate the classes', () => {
  const model = train(synthetic(15, 5), { bigrams: true });
  assert.ok(model.vocabulary.some((f) => f.includes('\u241f')));
  assert.equal(predict(model, ['垃圾', '桶']).label, 'trash');
});

test('training needs two labels and tokens', () => {
  assert.throws(() => train([{ tokens: ['a'], label: 'x' }]), /two labels/);
  assert.throws(() => train([{ tokens: [], label: 'x' }, { tokens: [], label: 'y' }]), /tokens/);
});

test('the fold split is stratified, seeded and covers every example once', () => {
  const data = synthetic(10, 6);
  const folds = foldsOf(data, 5, 9);
  assert.deepEqual(foldsOf(data, 5, 9), folds);
  assert.notDeepEqual(foldsOf(data, 5, 10), folds);
  for (let f = 0; f < 5; f++) {
    const inFold = data.filter((_, i) => folds[i] === f);
    assert.equal(inFold.length, 6);
    for (const label of ['light', 'trash', 'water']) assert.equal(inFold.filter((e) => e.label === label).length, 2, `fold ${f} ${label}`);
  }
});

test('cross-validation of separable data is near perfect and reports precision and recall per label', () => {
  const cv = crossValidate(synthetic(20, 7), 5, { seed: 3 });
  assert.equal(cv.k, 5);
  assert.equal(cv.examples, 60);
  assert.ok(cv.accuracy >= 0.95, String(cv.accuracy));
  assert.deepEqual(Object.keys(cv.perLabel), ['light', 'trash', 'water']);
  for (const s of Object.values(cv.perLabel)) {
    assert.equal(s.support, 20);
    assert.ok(s.precision >= 0.9 && s.recall >= 0.9);
  }
  assert.deepEqual(crossValidate(synthetic(20, 7), 5, { seed: 3 }), cv, 'deterministic');
});

test('cross-validation of labels drawn at random from the same words is near chance', () => {
  const r = seededRandom(11);
  const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const noise = Array.from({ length: 90 }, () => ({
    tokens: [words[Math.floor(r() * 8)]!, words[Math.floor(r() * 8)]!],
    label: ['x', 'y', 'z'][Math.floor(r() * 3)]!,
  }));
  const cv = crossValidate(noise, 5);
  assert.ok(cv.accuracy < 0.6, `no signal, yet accuracy ${cv.accuracy}`);
});

test('background examples train every fold but are never tested', () => {
  const background: LabelledTokens[] = [
    { tokens: ['路灯'], label: 'light' },
    { tokens: ['积水'], label: 'water' },
  ];
  const data: LabelledTokens[] = Array.from({ length: 10 }, (_, i) => ({ tokens: i % 2 ? ['灯', '黑'] : ['雨', '淹'], label: i % 2 ? 'light' : 'water' }));
  const cv = crossValidate(data, 5, { background });
  assert.equal(cv.examples, 10);
  assert.equal(cv.perLabel.light!.support + cv.perLabel.water!.support, 10);
});

test('a large set is cross-validated on a stratified sample of at most maxExamples', () => {
  const cv = crossValidate(synthetic(40, 8), 5, { maxExamples: 30 });
  assert.ok(cv.examples <= 30 && cv.examples >= 27, String(cv.examples));
  for (const s of Object.values(cv.perLabel)) assert.equal(s.support, cv.examples / 3);
});

test('stepwise training yields once per epoch and ends with the same model as train()', () => {
  const data = synthetic(10, 9);
  const steps = trainingSteps(data, { epochs: 7 });
  const epochs: number[] = [];
  let r = steps.next();
  while (!r.done) {
    epochs.push(r.value);
    r = steps.next();
  }
  assert.deepEqual(epochs, [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(r.value, train(data, { epochs: 7 }));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bigrams,
  categoryRelation,
  dHash,
  defaultDuplicatePolicy,
  distanceMeters,
  duplicatePolicyOf,
  findDuplicate,
  hammingDistance,
  judgeCandidate,
  textSimilarity,
  type DuplicateCandidate,
} from '../src/index.ts';

test('the same complaint in other words is similar; a different one is not', () => {
  assert.ok(textSimilarity('路面有个大坑，很危险', '这条路面上有大坑很危险，请尽快修补') >= 0.4);
  assert.ok(textSimilarity('建设路与桐柏路交叉口路面塌陷出现大坑', '桐柏路建设路口有个大坑') >= 0.3);
  assert.equal(textSimilarity('路面有个大坑，很危险', '小区门口积水严重，下雨就淹'), 0);
  assert.equal(textSimilarity('路灯不亮', '路面有个大坑'), 0);
});

test('similarity ignores punctuation, spaces, width and the commonest function characters', () => {
  assert.equal(textSimilarity('路面大坑！', '路面 有个 大坑。'), 1);
  assert.equal(textSimilarity('ＡＢＣ', 'abc'), 1);
  assert.equal(textSimilarity('', '路面大坑'), 0);
  assert.deepEqual([...bigrams('坑')], ['坑']);
});

test('categories relate as the same subcategory, the same category, unknown, or different', () => {
  const a = { subcategoryCode: 'JS-03', categoryCode: 'JS' };
  assert.equal(categoryRelation(a, { subcategoryCode: 'JS-03', categoryCode: 'JS' }), 'same_subcategory');
  assert.equal(categoryRelation(a, { subcategoryCode: 'JS-04', categoryCode: 'JS' }), 'same_category');
  assert.equal(categoryRelation(a, { subcategoryCode: 'AQ-01', categoryCode: 'AQ' }), 'different');
  assert.equal(categoryRelation(a, { subcategoryCode: null, categoryCode: null }), 'unclassified');
  assert.equal(categoryRelation(a, { subcategoryCode: null, categoryCode: 'AQ' }), 'different');
});

const pothole = { text: '路面有个大坑，很危险', subcategoryCode: 'JS-03', categoryCode: 'JS' };
const candidate = (over: Partial<DuplicateCandidate> = {}): DuplicateCandidate => ({
  problemId: 'p1',
  status: 'pending_judgment',
  distanceMeters: 12,
  subcategoryCode: 'JS-03',
  categoryCode: 'JS',
  texts: ['这条路面上有大坑很危险，请尽快修补'],
  ...over,
});

test('near, similar, same subcategory and open: a duplicate', () => {
  const v = judgeCandidate(pothole, candidate());
  assert.equal(v.duplicate, true, v.reasons.join('; '));
  assert.equal(v.relation, 'same_subcategory');
  assert.equal(findDuplicate(pothole, [candidate()])?.problemId, 'p1');
});

test('each missing condition alone makes it a new problem, and says why', () => {
  const cases: [Partial<DuplicateCandidate>, RegExp][] = [
    [{ distanceMeters: 80 }, /80 m away/],
    [{ status: 'closed' }, /closed/],
    [{ status: 'merged' }, /merged/],
    [{ subcategoryCode: 'AQ-01', categoryCode: 'AQ' }, /different category/],
    [{ texts: ['小区门口积水严重'] }, /text similarity/],
  ];
  for (const [over, why] of cases) {
    const v = judgeCandidate(pothole, candidate(over));
    assert.equal(v.duplicate, false, JSON.stringify(over));
    assert.match(v.reasons.join('; '), why);
  }
  assert.equal(findDuplicate(pothole, cases.map(([o], i) => candidate({ ...o, problemId: `p${i}` }))), null);
});

test('a looser category match needs more similar text', () => {
  const sameCategory = candidate({ subcategoryCode: 'JS-04', texts: ['这条路面上有大坑，施工后没修'] });
  const sim = textSimilarity(pothole.text, sameCategory.texts[0]!);
  assert.ok(sim >= defaultDuplicatePolicy.minSimilarity && sim < defaultDuplicatePolicy.minSimilarity + defaultDuplicatePolicy.looserCategoryPenalty, String(sim));
  assert.equal(judgeCandidate(pothole, sameCategory).duplicate, false);
  assert.equal(judgeCandidate(pothole, candidate({ subcategoryCode: 'JS-04', texts: ['路面有个大坑很危险'] })).duplicate, true);
});

test('the best candidate wins: closer and more similar', () => {
  const far = candidate({ problemId: 'far', distanceMeters: 45 });
  const near = candidate({ problemId: 'near', distanceMeters: 3, texts: ['路面有个大坑，很危险'] });
  assert.equal(findDuplicate(pothole, [far, near])?.problemId, 'near');
});

test('the policy is configurable per city and nonsense falls back to the defaults', () => {
  assert.deepEqual(duplicatePolicyOf(null), defaultDuplicatePolicy);
  assert.equal(duplicatePolicyOf({ radiusMeters: 100 }).radiusMeters, 100);
  assert.equal(duplicatePolicyOf({ radiusMeters: -5, minSimilarity: 3 }).radiusMeters, 50);
  assert.equal(duplicatePolicyOf({ minSimilarity: '0.9' }).minSimilarity, defaultDuplicatePolicy.minSimilarity);
  assert.equal(judgeCandidate(pothole, candidate({ distanceMeters: 80 }), duplicatePolicyOf({ radiusMeters: 100 })).duplicate, true);
});

test('distance on the sphere: 0.001° of latitude is about 111 m', () => {
  const d = distanceMeters({ lng: 113.6, lat: 34.7 }, { lng: 113.6, lat: 34.701 });
  assert.ok(Math.abs(d - 111.2) < 0.5, String(d));
});

test('dHash sets a bit where the left pixel is brighter, and near copies are a few bits apart', () => {
  const ramp = Array.from({ length: 72 }, (_, i) => 255 - (i % 9) * 20);
  assert.equal(dHash(ramp), 'ffffffffffffffff');
  assert.equal(dHash(ramp.map((v) => 255 - v)), '0000000000000000');
  const noisy = [...ramp];
  noisy[1] = 255; // one pixel brighter than its left neighbour flips one bit, and the next pair
  assert.ok(hammingDistance(dHash(ramp), dHash(noisy)) <= 2);
  assert.equal(hammingDistance('ff', '0f'), 4);
  assert.throws(() => dHash([1, 2, 3]));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTaxonomy, highFrequencyTypes, taxonomyProblems, unitDuties, type Taxonomy } from '../src/index.ts';

const copy = (): Taxonomy => structuredClone(defaultTaxonomy);

test('the default standard has 6 categories and 28 subcategories, and no problems', () => {
  assert.equal(defaultTaxonomy.categories.length, 6);
  assert.equal(defaultTaxonomy.subcategories.length, 28);
  assert.deepEqual(taxonomyProblems(defaultTaxonomy), []);
  for (const c of ['规划类', '建设类', '管理类']) assert.ok(defaultTaxonomy.categories.some((x) => x.name === c), c);
});

test('every subcategory has a norm, a one-sentence standard, a duty, a positive deadline and 8–20 keywords', () => {
  for (const s of defaultTaxonomy.subcategories) {
    assert.match(s.code, new RegExp(`^${s.categoryCode}-\\d{2}$`), s.code);
    assert.match(s.norm, /《.+》/, `${s.code} norm names a standard`);
    assert.match(s.standard, /^[^。]+。$/, `${s.code} standard is one sentence`);
    assert.ok(unitDuties.includes(s.defaultDuty), s.code);
    assert.ok(s.deadline.amount > 0, s.code);
    assert.ok(s.keywords.length >= 8 && s.keywords.length <= 20, `${s.code} has ${s.keywords.length} keywords`);
    assert.equal(new Set(s.keywords).size, s.keywords.length, `${s.code} keywords are unique`);
    assert.ok(s.nameEn, s.code);
  }
});

test('every category holds subcategories, and urgent safety items count in hours', () => {
  for (const c of defaultTaxonomy.categories) assert.ok(defaultTaxonomy.subcategories.some((s) => s.categoryCode === c.code), c.code);
  const inHours = defaultTaxonomy.subcategories.filter((s) => s.deadline.unit === 'hours').map((s) => s.code);
  assert.ok(inHours.includes('AQ-03') && inHours.includes('AQ-01'));
  for (const code of inHours) assert.ok(code.startsWith('AQ-') || code === 'MS-02', code);
});

test('the 8 high-frequency types of §4.1 are flagged', () => {
  assert.deepEqual(
    highFrequencyTypes.map((t) => t.name).sort(),
    ['交通拥堵', '停车难与乱停车', '公共服务设施配套不足', '加装电梯与无障碍设施', '城市内涝积水', '断头路', '老旧小区改造', '黑臭水体'].sort(),
  );
});

test('an edited taxonomy is checked: duplicate code, unknown category, bad deadline, unknown duty, no keywords', () => {
  const cases: [string, (t: Taxonomy) => void, RegExp][] = [
    ['duplicate code', (t) => (t.subcategories[1]!.code = t.subcategories[0]!.code), /duplicate code/],
    ['unknown category', (t) => (t.subcategories[0]!.categoryCode = 'ZZ'), /category ZZ does not exist/],
    ['zero deadline', (t) => (t.subcategories[0]!.deadline.amount = 0), /deadline must be a whole number/],
    ['fractional deadline', (t) => (t.subcategories[0]!.deadline.amount = 1.5), /deadline must be a whole number/],
    ['too many hours', (t) => (t.subcategories[0]!.deadline = { amount: 500, unit: 'hours' }), /from 1 to 168 hours/],
    ['unknown unit', (t) => ((t.subcategories[0]!.deadline as { unit: string }).unit = 'days'), /unit must be/],
    ['unknown duty', (t) => ((t.subcategories[0] as { defaultDuty: string }).defaultDuty = 'police'), /duty police/],
    ['no keywords', (t) => (t.subcategories[0]!.keywords = [' ']), /at least one keyword/],
    ['bad code', (t) => (t.subcategories[0]!.code = 'gh1'), /code must look like/],
    ['empty category', (t) => t.categories.push({ code: 'XX', name: '其他', nameEn: 'Other' }), /XX: has no subcategory/],
    ['duplicate category', (t) => t.categories.push({ ...t.categories[0]! }), /duplicate code/],
  ];
  for (const [name, edit, expected] of cases) {
    const t = copy();
    edit(t);
    const problems = taxonomyProblems(t);
    assert.ok(problems.some((p) => expected.test(p)), `${name}: ${problems.join('; ')}`);
  }
  assert.deepEqual(taxonomyProblems(copy()), [], 'the copies were independent');
});

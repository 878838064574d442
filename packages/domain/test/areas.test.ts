import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaLevels, isValidAreaCode, isValidParentLevel, levelRank, type AreaLevel } from '../src/index.ts';

test('levels rank from 片区 down to the grid cell', () => {
  assert.deepEqual(areaLevels.map(levelRank), [0, 1, 2, 3, 4]);
  assert.ok(levelRank('district') < levelRank('grid'));
});

test('a parent must sit exactly one level above its child, and only a 片区 has none', () => {
  const table: [AreaLevel, AreaLevel | null, boolean][] = [
    ['district', null, true],
    ['county', null, false],
    ['grid', null, false],
    ['county', 'district', true],
    ['street', 'county', true],
    ['community', 'street', true],
    ['grid', 'community', true],
    ['street', 'district', false],
    ['grid', 'street', false],
    ['district', 'district', false],
    ['county', 'street', false],
    ['district', 'county', false],
  ];
  for (const [child, parent, ok] of table) assert.equal(isValidParentLevel(child, parent), ok, `${child} under ${parent}`);
});

test('area codes are letters, digits, dashes and underscores, starting with a letter or digit, at most 64 long', () => {
  for (const ok of ['T-D1', 'ZZ_01', '4101', 'a'.repeat(64)]) assert.equal(isValidAreaCode(ok), true, ok);
  for (const bad of ['', '-D1', '_x', '片区1', 'a b', 'a/b', 'a'.repeat(65)]) assert.equal(isValidAreaCode(bad), false, bad);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareByRisk,
  consolidationCounts,
  consolidationDay,
  consolidationItemsForUnit,
  consolidationWindow,
  eligibleForRecheck,
  groupConsolidationByUnit,
  pushedDay,
  recheckPeriod,
  recheckSampleSize,
  relapseRate,
  sampleForRecheck,
  seedFromText,
  type ConsolidationEntry,
  type RecheckCandidate,
} from '../src/index.ts';

const ids = (n: number, prefix = 'case') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

// ---------------------------------------------------------------- 每日会商

test('a day’s list covers 00:00 to 24:00 in the city, not the UTC day', () => {
  const w = consolidationWindow('2026-03-05', 'Asia/Shanghai');
  assert.equal(w.from.toISOString(), '2026-03-04T16:00:00.000Z');
  assert.equal(w.to.toISOString(), '2026-03-05T16:00:00.000Z');
  // 23:59:59.999 local belongs to the day, 00:00 of the next day does not (the window is half-open)
  assert.equal(consolidationDay(new Date('2026-03-05T15:59:59.999Z'), 'Asia/Shanghai'), '2026-03-05');
  assert.equal(consolidationDay(new Date('2026-03-05T16:00:00.000Z'), 'Asia/Shanghai'), '2026-03-06');
  // 01:00 on the 6th in Shanghai is still the 5th in UTC
  assert.equal(consolidationDay(new Date('2026-03-05T17:00:00Z'), 'Asia/Shanghai'), '2026-03-06');
  // Another zone, with daylight saving: the day is 23 hours long when the clocks go forward.
  const ny = consolidationWindow('2026-03-08', 'America/New_York');
  assert.equal(ny.from.toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(ny.to.toISOString(), '2026-03-09T04:00:00.000Z');
});

test('the 20:00 compile is about today; the next morning’s push sends yesterday’s list, across month and year ends', () => {
  assert.equal(consolidationDay(new Date('2026-03-05T12:00:00Z'), 'Asia/Shanghai'), '2026-03-05'); // 20:00 local
  assert.equal(pushedDay(new Date('2026-03-06T00:30:00Z'), 'Asia/Shanghai'), '2026-03-05'); // 08:30 local
  assert.equal(pushedDay(new Date('2026-03-01T00:30:00Z'), 'Asia/Shanghai'), '2026-02-28');
  assert.equal(pushedDay(new Date('2027-01-01T00:30:00Z'), 'Asia/Shanghai'), '2026-12-31');
  // 07:00 on 1 January in Shanghai is still 31 December in UTC: the push sends the 31st
  assert.equal(pushedDay(new Date('2026-12-31T23:00:00Z'), 'Asia/Shanghai'), '2026-12-31');
});

interface Item extends ConsolidationEntry {
  id: string;
  at: number;
}
const item = (id: string, riskLevel: Item['riskLevel'], unitId: string | null, at = 0, cooperatingUnitIds: string[] = []): Item => ({
  id,
  riskLevel,
  unitId,
  unitName: unitId ? `单位${unitId}` : null,
  cooperatingUnitIds,
  at,
});

test('counts: a problem not yet judged is unrated (未研判), not green', () => {
  const items = [item('a', 'red', 'u1'), item('b', null, 'u1'), item('c', 'green', 'u2'), item('d', null, null), item('e', 'yellow', 'u2')];
  assert.deepEqual(consolidationCounts(items), { total: 5, red: 1, yellow: 1, green: 1, unrated: 2 });
  assert.deepEqual(consolidationCounts([]), { total: 0, red: 0, yellow: 0, green: 0, unrated: 0 });
});

test('a list reads red, yellow, green, then unrated, and by time within a level', () => {
  const items = [item('g', 'green', 'u1', 1), item('n', null, 'u1', 0), item('r2', 'red', 'u1', 5), item('y', 'yellow', 'u1', 2), item('r1', 'red', 'u1', 3)];
  assert.deepEqual(
    items.sort(compareByRisk<Item>((a, b) => a.at - b.at)).map((i) => i.id),
    ['r1', 'r2', 'y', 'g', 'n'],
  );
});

test('per unit: each unit gets its items and the ones it cooperates on; the units with red work first; the unplaced last', () => {
  const items = [
    item('a', 'green', 'u1'),
    item('b', 'red', 'u2', 0, ['u1']),
    item('c', null, null),
    item('d', 'yellow', 'u1'),
    item('e', 'green', 'u3'),
    item('f', 'green', 'u3'),
    item('g', 'green', 'u3'),
  ];
  const groups = groupConsolidationByUnit(items);
  assert.deepEqual(
    groups.map((g) => [g.unitId, g.items.map((i) => i.id), g.counts.total]),
    [
      ['u1', ['a', 'b', 'd'], 3], // red 1 (cooperating), yellow 1
      ['u2', ['b'], 1], // red 1, yellow 0
      ['u3', ['e', 'f', 'g'], 3],
      [null, ['c'], 1],
    ],
  );
  assert.equal(groups.find((g) => g.unitId === 'u1')!.unitName, '单位u1');
  assert.deepEqual(groups.find((g) => g.unitId === 'u1')!.counts, { total: 3, red: 1, yellow: 1, green: 1, unrated: 0 });
  // A unit reads exactly its group's items.
  assert.deepEqual(consolidationItemsForUnit(items, 'u1').map((i) => i.id), ['a', 'b', 'd']);
  assert.deepEqual(consolidationItemsForUnit(items, 'u9'), []);
  assert.deepEqual(groupConsolidationByUnit([]), []);
});

// ---------------------------------------------------------------- 回头看

test('the period is the city-local quarter', () => {
  assert.equal(recheckPeriod(new Date('2026-03-31T15:59:59Z'), 'Asia/Shanghai'), '2026-Q1');
  assert.equal(recheckPeriod(new Date('2026-03-31T16:00:00Z'), 'Asia/Shanghai'), '2026-Q2'); // 00:00 on 1 April
  assert.equal(recheckPeriod(new Date('2026-09-30T12:00:00Z'), 'Asia/Shanghai'), '2026-Q3');
  assert.equal(recheckPeriod(new Date('2026-12-31T16:30:00Z'), 'Asia/Shanghai'), '2027-Q1');
});

test('eligible: closed at least N days ago, not re-checked this period, no re-check open', () => {
  const asOf = new Date('2026-04-01T01:00:00Z');
  const base: RecheckCandidate = { id: 'x', status: 'closed', closedAt: new Date('2026-03-01T01:00:00Z'), recheckedInPeriod: false, openRecheck: false };
  assert.equal(eligibleForRecheck(base, asOf, 30), true, 'exactly 31 days');
  assert.equal(eligibleForRecheck({ ...base, closedAt: new Date('2026-03-02T01:00:00Z') }, asOf, 30), true, 'exactly 30 days');
  assert.equal(eligibleForRecheck({ ...base, closedAt: new Date('2026-03-02T01:00:01Z') }, asOf, 30), false, 'a second short');
  assert.equal(eligibleForRecheck({ ...base, closedAt: new Date('2026-03-31T01:00:00Z') }, asOf, 0), true, 'no waiting');
  assert.equal(eligibleForRecheck({ ...base, status: 'reopened' }, asOf, 30), false);
  assert.equal(eligibleForRecheck({ ...base, status: 'in_progress' }, asOf, 30), false);
  assert.equal(eligibleForRecheck({ ...base, closedAt: null }, asOf, 30), false);
  assert.equal(eligibleForRecheck({ ...base, recheckedInPeriod: true }, asOf, 30), false);
  assert.equal(eligibleForRecheck({ ...base, openRecheck: true }, asOf, 30), false);
  assert.equal(eligibleForRecheck(base, asOf), true, 'default 30 days');
});

test('the sample size is the rate of the pool, at least one when any case and rate > 0, never more than the pool', () => {
  const table: [number, number, number][] = [
    [10, 0.3, 3],
    [100, 0.3, 30],
    [7, 0.3, 2],
    [5, 0.3, 2], // 1.5 rounds up
    [1, 0.3, 1],
    [3, 0.01, 1],
    [0, 0.3, 0],
    [10, 0, 0],
    [10, 1, 10],
    [1000, 0.05, 50],
  ];
  for (const [n, rate, want] of table) assert.equal(recheckSampleSize(n, rate), want, `${n} × ${rate}`);
  for (const bad of [-0.1, 1.5, Number.NaN, Infinity]) assert.throws(() => recheckSampleSize(10, bad), /fraction 0–1/);
});

test('the draw repeats from its seed, whatever the order of the pool, and changes with the seed', () => {
  const pool = ids(200);
  const seed = seedFromText('city-1|2026-Q2');
  const a = sampleForRecheck(pool, 0.1, seed);
  assert.equal(a.length, 20);
  assert.equal(new Set(a).size, 20);
  assert.ok(a.every((id) => pool.includes(id)));
  assert.deepEqual(sampleForRecheck([...pool].reverse(), 0.1, seed), a, 'order does not matter');
  assert.deepEqual(sampleForRecheck([...pool, ...pool], 0.1, seed), a, 'duplicates do not count twice');
  assert.notDeepEqual(sampleForRecheck(pool, 0.1, seedFromText('city-1|2026-Q3')), a);
  assert.notDeepEqual(sampleForRecheck(pool, 0.1, seedFromText('city-2|2026-Q2')), a);
  // Taking one undrawn case out of the pool (it was reopened between the run and its retry) keeps the draw.
  const undrawn = pool.find((id) => !a.includes(id))!;
  assert.deepEqual(sampleForRecheck(pool.filter((id) => id !== undrawn), 0.1, seed).sort(), [...a].sort());
  assert.deepEqual(sampleForRecheck([], 0.5, seed), []);
  assert.deepEqual(sampleForRecheck(pool, 0, seed), []);
  assert.deepEqual(sampleForRecheck(['only'], 0.01, seed), ['only']);
});

test('over many seeds each case is drawn about as often as the rate says (no case favoured)', () => {
  const pool = ids(20);
  const hits = new Map(pool.map((id) => [id, 0]));
  const runs = 4000;
  for (let s = 0; s < runs; s++) for (const id of sampleForRecheck(pool, 0.25, seedFromText(`run-${s}`))) hits.set(id, hits.get(id)! + 1);
  for (const [id, n] of hits) {
    const share = n / runs;
    assert.ok(share > 0.2 && share < 0.3, `${id} drawn in ${(share * 100).toFixed(1)}% of runs, want about 25%`);
  }
});

test('seedFromText is a stable 32-bit number', () => {
  assert.equal(seedFromText(''), 0x811c9dc5);
  assert.equal(seedFromText('a'), 0xe40c292c); // FNV-1a reference value
  assert.equal(seedFromText('回头看'), seedFromText('回头看'));
  assert.ok(Number.isInteger(seedFromText('x')) && seedFromText('x') >= 0 && seedFromText('x') < 2 ** 32);
});

test('the relapse rate is relapses per re-check, and none when nothing was re-checked', () => {
  assert.equal(relapseRate(1, 20), 0.05);
  assert.equal(relapseRate(0, 3), 0);
  assert.equal(relapseRate(0, 0), null);
});

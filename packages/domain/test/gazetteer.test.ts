import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressPointLevels,
  adminNameCore,
  areaPath,
  bestPlaceMatches,
  formatAreaPath,
  matchPlaceNames,
  maxPlaceNameLength,
  normalisePlaceText,
  placeFromAddress,
  placeNameKeys,
  type GazetteerArea,
} from '../src/index.ts';

// A small city shaped like the demo's 郑州: two 片区, their 区, streets and communities,
// with the same community name (康丰社区) under two streets and a road-like street name.
const areas: GazetteerArea[] = [
  { id: 'd2', level: 'district', name: '二七片区', parentId: null },
  { id: 'd1', level: 'district', name: '中原片区', parentId: null },
  { id: 'd3', level: 'district', name: '管城片区', parentId: null },
  { id: 'c2', level: 'county', name: '二七区', parentId: 'd2' },
  { id: 'c1', level: 'county', name: '中原区', parentId: 'd1' },
  { id: 'c3', level: 'county', name: '管城回族区', parentId: 'd3' },
  { id: 's-hh', level: 'street', name: '淮河路街道', parentId: 'c2' },
  { id: 's-jf', level: 'street', name: '解放路街道', parentId: 'c2' },
  { id: 's-ls', level: 'street', name: '林山寨街道', parentId: 'c1' },
  { id: 's-nan', level: 'street', name: '南关街道', parentId: 'c3' },
  { id: 'm-kf1', level: 'community', name: '康丰社区', parentId: 's-hh' },
  { id: 'm-kf2', level: 'community', name: '康丰社区', parentId: 's-ls' },
  { id: 'm-xz', level: 'community', name: '新庄社区', parentId: 's-ls' },
  { id: 'm-jf', level: 'community', name: '解放社区', parentId: 's-jf' },
  { id: 'g1', level: 'grid', name: '网格0001', parentId: 'm-kf1' },
  { id: 'g2', level: 'grid', name: '网格0001', parentId: 'm-kf2' },
];
const best = (text: string) => bestPlaceMatches(matchPlaceNames(text, areas), areas).map((m) => m.areaId);

test('a name’s core is the name without its admin suffix, the longest suffix first', () => {
  const table: [string, string | null][] = [
    ['淮河路街道', '淮河路'],
    ['淮河路街道办事处', '淮河路'],
    ['康丰社区', '康丰'],
    ['康丰社区居委会', '康丰'],
    ['管城回族区', '管城'],
    ['二七片区', '二七'],
    ['二七区', '二七'],
    ['巩义市', '巩义'],
    ['中牟县', '中牟'],
    ['十八里河镇', '十八里河'],
    ['东区', null], // one character left: too short to stand alone
    ['网格0001', null], // no admin suffix
  ];
  for (const [name, core] of table) assert.equal(adminNameCore(name), core, name);
});

test('the text is matched after NFKC and without spaces, and cut at 200 characters', () => {
  assert.equal(normalisePlaceText(' 二七区 淮河路\u3000１２号 '), '二七区淮河路12号');
  assert.equal([...normalisePlaceText('康'.repeat(500))].length, 200);
});

test('lookup keys are the punctuation-free runs of 2 to 16 characters of the text', () => {
  const keys = placeNameKeys('二七区，康丰社区');
  for (const k of ['二七', '二七区', '康丰', '康丰社区', '丰社']) assert.ok(keys.includes(k), k);
  assert.ok(!keys.some((k) => k.includes('，')));
  assert.ok(!keys.includes('区康')); // across the comma
  assert.ok(placeNameKeys('a'.repeat(300)).every((k) => k.length >= 2 && k.length <= maxPlaceNameLength));
  assert.deepEqual(placeNameKeys('  ，。'), []);
});

test('a full address finds the deepest area it names, its parents agreeing', () => {
  const ranked = matchPlaceNames('郑州市二七区淮河路街道康丰社区XX号', areas);
  assert.equal(ranked[0]!.areaId, 'm-kf1');
  assert.equal(ranked[0]!.kind, 'full');
  assert.equal(ranked[0]!.support, 3); // 二七区 (also the 片区's core), 淮河路街道, 康丰社区
  assert.deepEqual(best('郑州市二七区淮河路街道康丰社区XX号'), ['m-kf1']);
});

test('a name that two places share is ambiguous alone and decided by a parent named in the text', () => {
  assert.deepEqual(best('康丰社区').sort(), ['m-kf1', 'm-kf2']);
  assert.deepEqual(best('林山寨街道康丰社区'), ['m-kf2']);
  assert.deepEqual(best('二七区康丰社区'), ['m-kf1']);
  assert.deepEqual(best('中原区康丰社区门口'), ['m-kf2']);
  // a grid name repeats in every community: only its parents tell them apart
  assert.deepEqual(best('淮河路街道康丰社区网格0001'), ['g1']);
});

test('names are found with other suffixes or none: 办事处, 居委会, 村, 管城区, bare cores', () => {
  assert.deepEqual(best('淮河路街道办事处'), ['s-hh']);
  assert.deepEqual(best('康丰社区居委会，二七区'), ['m-kf1']);
  assert.deepEqual(best('林山寨康丰村'), ['m-kf2']);
  assert.deepEqual(best('管城区南关街道'), ['s-nan']);
  assert.deepEqual(best('管城区'), ['c3']);
  assert.deepEqual(best('二七区淮河路东段'), ['s-hh']); // a road named like its street office, backed by 二七区
  const m = matchPlaceNames('管城区', areas)[0]!;
  assert.equal(m.kind, 'suffixed');
  assert.equal(m.matched, '管城区');
});

test('a bare core followed by 路, 街 or 小区 is a road or a building, not the area', () => {
  assert.deepEqual(best('新庄路与大学路交叉口'), []);
  assert.deepEqual(best('二七区新庄小区3号楼'), ['c2']);
  // 解放路 is the core of 解放路街道 (a road named like its street office), never 解放社区
  assert.deepEqual(best('解放路'), ['s-jf']);
  assert.equal(matchPlaceNames('解放路', areas)[0]!.kind, 'bare');
  assert.ok(!matchPlaceNames('解放路', areas).some((m) => m.areaId === 'm-jf'));
});

test('a lone bare core loses to a name written in full; backed by a parent it wins', () => {
  // 新庄 (bare) alone vs 二七区 written out: the 区 is what the text clearly says
  assert.deepEqual(best('二七区新庄附近'), ['c2']);
  assert.deepEqual(best('林山寨街道新庄附近'), ['m-xz']);
});

test('a name inside a longer name at the same place is not matched there', () => {
  // 解放 is the core of 解放社区, but here it is part of 解放路街道
  const ids = matchPlaceNames('解放路街道', areas).map((m) => m.areaId);
  assert.ok(!ids.includes('m-jf'));
});

test('names pointing at different places are ambiguous unless one is clearly better supported', () => {
  // 新庄社区 is in 中原区, the text says 二七区: neither agrees with the other
  assert.deepEqual(best('二七区新庄社区').sort(), ['c2', 'm-xz']);
  // two names agree on 康丰社区 under 淮河路街道, one 新庄社区 contradicts: the two win
  assert.deepEqual(best('淮河路街道康丰社区旁新庄社区'), ['m-kf1']);
});

test('text with no area name finds nothing', () => {
  assert.deepEqual(matchPlaceNames('人行道地砖松动', areas), []);
  assert.deepEqual(matchPlaceNames('', areas), []);
  assert.deepEqual(bestPlaceMatches([], areas), []);
});

test('an area’s path runs from the 片区 down, and is written with ·', () => {
  const path = areaPath('g1', areas.map((a) => ({ ...a })));
  assert.deepEqual(path.map((a) => a.name), ['二七片区', '二七区', '淮河路街道', '康丰社区', '网格0001']);
  assert.equal(formatAreaPath(path.map((a) => a.name)), '二七片区·二七区·淮河路街道·康丰社区·网格0001');
  assert.deepEqual(areaPath('nope', areas), []);
  // a cycle in bad data ends instead of looping
  assert.equal(areaPath('x', [{ id: 'x', parentId: 'y' }, { id: 'y', parentId: 'x' }]).length, 2);
});

test('an address places a clue only from one 社区 or grid cell; coarser or ambiguous ones keep the shared areas', () => {
  const place = (text: string) => {
    const list = bestPlaceMatches(matchPlaceNames(text, areas), areas).map((m) => ({ ...m, id: m.areaId, path: areaPath(m.areaId, areas) }));
    const p = placeFromAddress(list);
    return { point: p.pointFrom?.id ?? null, areas: p.areas };
  };
  assert.deepEqual(place('二七区淮河路街道康丰社区12号'), { point: 'm-kf1', areas: { district: 'd2', county: 'c2', street: 's-hh', community: 'm-kf1' } });
  assert.deepEqual(place('淮河路街道康丰社区网格0001'), { point: 'g1', areas: { district: 'd2', county: 'c2', street: 's-hh', community: 'm-kf1', grid: 'g1' } });
  // a 街道 is kilometres across: the areas are known, the point is not
  assert.deepEqual(place('二七区淮河路街道'), { point: null, areas: { district: 'd2', county: 'c2', street: 's-hh' } });
  // two 康丰社区 in different 片区: nothing is certain
  assert.deepEqual(place('康丰社区'), { point: null, areas: {} });
  assert.deepEqual(place('人行道地砖松动'), { point: null, areas: {} });
  assert.deepEqual(addressPointLevels, ['community', 'grid']);
});

test('namesakes under one parent still settle that parent', () => {
  const twins: GazetteerArea[] = [
    { id: 'd', level: 'district', name: '一片区', parentId: null },
    { id: 'c', level: 'county', name: '甲区', parentId: 'd' },
    { id: 's1', level: 'street', name: '东街道', parentId: 'c' },
    { id: 's2', level: 'street', name: '西街道', parentId: 'c' },
    { id: 'm1', level: 'community', name: '新村社区', parentId: 's1' },
    { id: 'm2', level: 'community', name: '新村社区', parentId: 's2' },
  ];
  const best = bestPlaceMatches(matchPlaceNames('新村社区', twins), twins).map((m) => ({ ...m, path: areaPath(m.areaId, twins) }));
  assert.equal(best.length, 2);
  assert.deepEqual(placeFromAddress(best), { pointFrom: null, areas: { district: 'd', county: 'c' } });
});

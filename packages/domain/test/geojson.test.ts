import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaGeometryProblems } from '../src/index.ts';

const ring = [[113.6, 34.7], [113.61, 34.7], [113.61, 34.71], [113.6, 34.71], [113.6, 34.7]];

test('a closed polygon and a multipolygon of closed rings have no problems', () => {
  assert.deepEqual(areaGeometryProblems({ type: 'Polygon', coordinates: [ring] }), []);
  assert.deepEqual(areaGeometryProblems({ type: 'MultiPolygon', coordinates: [[ring], [ring]] }), []);
});

test('a missing geometry or one of another type is refused', () => {
  assert.deepEqual(areaGeometryProblems(null), ['geometry is missing']);
  assert.deepEqual(areaGeometryProblems({ type: 'Point', coordinates: [113.6, 34.7] }), ['geometry type Point is not Polygon or MultiPolygon']);
});

test('an unclosed ring is reported with where it is', () => {
  const open = ring.slice(0, 4).concat([[113.6, 34.705]]);
  assert.deepEqual(areaGeometryProblems({ type: 'Polygon', coordinates: [open] }), ['polygon ring 0: the ring is not closed']);
});

test('a ring of fewer than four positions is too short', () => {
  const tiny = [[113.6, 34.7], [113.61, 34.7], [113.6, 34.7]];
  assert.deepEqual(areaGeometryProblems({ type: 'Polygon', coordinates: [tiny] }), ['polygon ring 0: a ring needs at least 4 positions']);
});

test('coordinates outside longitude/latitude range are reported once per ring', () => {
  const swapped = ring.map(([x, y]) => [y! * 3, x]);
  const problems = areaGeometryProblems({ type: 'Polygon', coordinates: [swapped] });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /outside longitude\/latitude range/);
});

test('non-numeric positions and empty polygons are refused', () => {
  assert.deepEqual(areaGeometryProblems({ type: 'Polygon', coordinates: [[['a', 'b'], [1, 2], [3, 4], ['a', 'b']]] }), [
    'polygon ring 0: every position must be [longitude, latitude] numbers',
  ]);
  assert.deepEqual(areaGeometryProblems({ type: 'Polygon', coordinates: [] }), ['polygon: a polygon needs at least one ring']);
  assert.deepEqual(areaGeometryProblems({ type: 'MultiPolygon', coordinates: [] }), ['multipolygon: needs at least one polygon']);
});

test('the second polygon of a multipolygon is named in its problem', () => {
  const open = ring.slice(0, 4).concat([[113.6, 34.705]]);
  assert.deepEqual(areaGeometryProblems({ type: 'MultiPolygon', coordinates: [[ring], [open]] }), ['polygon 1 ring 0: the ring is not closed']);
});

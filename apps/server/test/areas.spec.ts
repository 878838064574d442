import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, fixture, newCity, testDb, type TestCity, type Client } from './harness.ts';

const square = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});
const fc = (...features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });
const feat = (props: object, geometry: object) => ({ type: 'Feature', properties: props, geometry });
const geo = { 'content-type': 'application/geo+json' };

async function areaCount(city: TestCity) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE city_id = $1`, [city.id]))[0]!.n;
}

describe('areas', () => {
  let city: TestCity;
  let admin: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  test('the city lists its areas by level as GeoJSON', async () => {
    const res = await (await anonymous(city)).get('/api/v1/areas?level=street');
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.type, 'FeatureCollection');
    assert.deepEqual(body.features.map((f: any) => f.properties.code).sort(), ['T-S1', 'T-S2']);
    assert.equal(body.features[0].geometry.type, 'MultiPolygon');
  });

  test('a point is located in every level from 片区 down to its grid cell', async () => {
    const res = await (await anonymous(city)).get('/api/v1/areas/locate?lng=113.6005&lat=34.7005');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json().areas.map((a: any) => `${a.level}:${a.code}`),
      ['district:T-D1', 'county:T-C1', 'street:T-S1', 'community:T-M1', 'grid:T-G1'],
    );
  });

  test('a point outside every area is located nowhere', async () => {
    const res = await (await anonymous(city)).get('/api/v1/areas/locate?lng=120.1&lat=30.2');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json().areas, []);
  });

  test('importing a good file adds its areas under existing parents and is idempotent', async () => {
    const file = fc(
      feat({ level: 'community', code: 'T-M2', name: '二号社区', parentCode: 'T-S2' }, square(113.66, 34.71, 113.67, 34.72)),
      feat({ level: 'grid', code: 'T-G9', name: '网格0009', parentCode: 'T-M2' }, square(113.661, 34.711, 113.662, 34.712)),
    );
    const first = await admin.post('/api/v1/areas/import', file, geo);
    assert.equal(first.status, 200, first.body);
    assert.deepEqual(first.json(), { created: 2, updated: 0, byLevel: { community: 1, grid: 1 } });
    const again = await admin.post('/api/v1/areas/import', file, geo);
    assert.deepEqual(again.json(), { created: 0, updated: 2, byLevel: { community: 1, grid: 1 } });
    const located = await admin.get('/api/v1/areas/locate?lng=113.6615&lat=34.7115');
    assert.equal(located.json().areas.at(-1).code, 'T-G9');
  });

  test('a file that is not GeoJSON is refused and changes nothing', async () => {
    const before = await areaCount(city);
    const zip = 'PK\u0003\u0004 not json at all';
    const res = await admin.post('/api/v1/areas/import', zip, geo);
    assert.equal(res.status, 422);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, 'area.not_geojson');
    const notFc = await admin.post('/api/v1/areas/import', JSON.stringify({ hello: 'world' }), geo);
    assert.equal(notFc.json().code, 'area.not_geojson');
    assert.equal(await areaCount(city), before);
  });

  test('a self-intersecting polygon is refused with PostGIS’s reason and nothing is written', async () => {
    const before = await areaCount(city);
    const bowtie = { type: 'Polygon', coordinates: [[[113.66, 34.71], [113.67, 34.72], [113.67, 34.71], [113.66, 34.72], [113.66, 34.71]]] };
    const res = await admin.post(
      '/api/v1/areas/import',
      fc(
        feat({ level: 'community', code: 'T-OK', name: '好社区', parentCode: 'T-S2' }, square(113.68, 34.71, 113.69, 34.72)),
        feat({ level: 'community', code: 'T-BAD', name: '坏社区', parentCode: 'T-S2' }, bowtie),
      ),
      geo,
    );
    assert.equal(res.status, 422);
    const body = res.json();
    assert.equal(body.code, 'area.invalid_geometry');
    assert.equal(body.features[0].index, 1);
    assert.match(body.features[0].problems[0], /self-intersection/i);
    assert.equal(await areaCount(city), before);
  });

  test('an unclosed ring, a point geometry and a missing name are each refused', async () => {
    const open = { type: 'Polygon', coordinates: [[[113.66, 34.71], [113.67, 34.71], [113.67, 34.72], [113.66, 34.72]]] };
    let res = await admin.post('/api/v1/areas/import', fc(feat({ level: 'community', code: 'X1', name: 'x', parentCode: 'T-S2' }, open)), geo);
    assert.equal(res.json().code, 'area.invalid_geometry');
    assert.match(res.json().features[0].problems.join(), /not closed/);
    res = await admin.post('/api/v1/areas/import', fc(feat({ level: 'community', code: 'X2', name: 'x', parentCode: 'T-S2' }, { type: 'Point', coordinates: [113.6, 34.7] })), geo);
    assert.equal(res.json().code, 'area.invalid_geometry');
    res = await admin.post('/api/v1/areas/import', fc(feat({ level: 'community', code: 'X3', parentCode: 'T-S2' }, square(113.66, 34.71, 113.67, 34.72))), geo);
    assert.equal(res.json().code, 'area.invalid_feature');
  });

  test('a parent that does not exist, or sits at the wrong level, is refused', async () => {
    let res = await admin.post('/api/v1/areas/import', fc(feat({ level: 'grid', code: 'X4', name: 'x', parentCode: 'NOPE' }, square(113.66, 34.71, 113.67, 34.72))), geo);
    assert.equal(res.json().code, 'area.unknown_parent');
    res = await admin.post('/api/v1/areas/import', fc(feat({ level: 'grid', code: 'X5', name: 'x', parentCode: 'T-S1' }, square(113.60, 34.70, 113.601, 34.701))), geo);
    assert.equal(res.json().code, 'area.bad_parent_level');
  });

  test('an admin renames an area and the change is audited', async () => {
    const list = (await admin.get('/api/v1/areas?level=street&q=T-S1')).json();
    const id = list.features[0].id;
    const res = await admin.patch(`/api/v1/areas/${id}`, { name: '建设路街道', nameEn: 'Jianshelu' });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().properties.name, '建设路街道');
    const dup = await admin.patch(`/api/v1/areas/${id}`, { code: 'T-S2' });
    assert.equal(dup.status, 409);
    assert.equal(dup.json().code, 'area.duplicate_code');
    const audit = (await admin.get('/api/v1/audit-events?action=area.update')).json();
    assert.equal(audit[0].targetId, id);
  });

  test('the fixture file imports cleanly into another city too (import is per city)', async () => {
    const other = await newCity();
    assert.ok(other.id !== city.id);
    assert.ok(fixture('areas.geojson').length > 0);
    const res = await (await anonymous(other)).get('/api/v1/areas?level=district');
    assert.equal(res.json().features.length, 2);
  });
});

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';

const examples = [
  ...['路灯不亮了', '晚上路灯坏了一片漆黑', '这条街的路灯全灭了', '路灯闪个不停', '小区门口路灯不亮', '路灯杆倒了'].map((text) => ({ text, label: 'light' })),
  ...['河水发黑发臭', '河道里全是垃圾还很臭', '臭水沟没人治理', '池塘的水发绿发臭', '河里漂着死鱼', '小河沟黑臭'].map((text) => ({ text, label: 'water' })),
  ...['早高峰路口堵车', '红绿灯太短一直堵', '学校门口天天堵车', '这条路堵得走不动', '晚高峰堵车严重', '匝道口经常堵'].map((text) => ({ text, label: 'traffic' })),
  ...['垃圾桶满了没人清理', '路边堆满了垃圾', '垃圾好几天没人收', '小区垃圾臭气熏天', '建筑垃圾乱倒', '垃圾站苍蝇乱飞'].map((text) => ({ text, label: 'waste' })),
];

async function modelCount(city: TestCity) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM classifier_models WHERE city_id = $1`, [city.id]))[0]!.n;
}

describe('text classifier API (fixed contract)', () => {
  let city: TestCity;
  let office: Client;
  let modelId: string;
  before(async () => {
    city = await newCity();
    office = await as(city, 'office');
  });

  test('office trains a model and gets 201 with id, labels, example count and cross-validation', async () => {
    const res = await office.post('/api/v1/classifier/models', { name: '四类投诉', examples });
    assert.equal(res.status, 201, res.body);
    const body = res.json();
    assert.match(body.id, /^[0-9a-f-]{36}$/);
    assert.equal(body.name, '四类投诉');
    assert.deepEqual(body.labels, ['light', 'traffic', 'waste', 'water']);
    assert.equal(body.examples, 24);
    assert.ok(!Number.isNaN(Date.parse(body.trainedAt)));
    assert.equal(body.crossValidation.k, 5);
    assert.equal(body.crossValidation.examples, 24);
    assert.ok(body.crossValidation.accuracy >= 0.75, `cross-validated accuracy ${body.crossValidation.accuracy}`);
    assert.deepEqual(Object.keys(body.crossValidation.perLabel).sort(), ['light', 'traffic', 'waste', 'water']);
    assert.equal(body.crossValidation.perLabel.light.support, 6);
    modelId = body.id;
  });

  test('predictions come back in input order with a label and a confidence', async () => {
    const texts = ['垃圾没人清理', '晚上路灯坏了', '路口堵车了', '河水又黑又臭', '路灯不亮', '垃圾'];
    const res = await office.post(`/api/v1/classifier/models/${modelId}/predict`, { texts });
    assert.equal(res.status, 200, res.body);
    const { predictions } = res.json();
    assert.deepEqual(
      predictions.map((p: any) => p.label),
      ['waste', 'light', 'traffic', 'water', 'light', 'waste'],
    );
    for (const p of predictions) {
      assert.deepEqual(Object.keys(p).sort(), ['confidence', 'label']);
      assert.ok(p.confidence > 0.25 && p.confidence <= 1, String(p.confidence));
    }
    const reversed = await office.post(`/api/v1/classifier/models/${modelId}/predict`, { texts: [...texts].reverse() });
    assert.deepEqual(reversed.json().predictions, [...predictions].reverse());
  });

  test('a text with no known word gets a low confidence, a clear one a high confidence', async () => {
    const res = await office.post(`/api/v1/classifier/models/${modelId}/predict`, { texts: ['今天天气不错', '路灯不亮晚上一片漆黑路灯坏了'] });
    const [vague, clear] = res.json().predictions;
    assert.ok(vague.confidence < 0.4, `vague ${vague.confidence}`);
    assert.ok(clear.confidence > 0.6, `clear ${clear.confidence}`);
  });

  test('admin may train and predict too, and a model is found only in its own city', async () => {
    const admin = await as(city, 'admin');
    const res = await admin.post(`/api/v1/classifier/models/${modelId}/predict`, { texts: ['路灯'] });
    assert.equal(res.status, 200);
    const other = await newCity();
    const elsewhere = await (await as(other, 'admin')).post(`/api/v1/classifier/models/${modelId}/predict`, { texts: ['路灯'] });
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.json().code, 'resource.not_found');
  });

  test('training is refused with a catalogue code for no examples, one label, or an empty text, and nothing is stored', async () => {
    const before = await modelCount(city);
    const none = await office.post('/api/v1/classifier/models', { name: 'x', examples: [] });
    assert.equal(none.status, 422);
    assert.match(String(none.headers['content-type']), /application\/problem\+json/);
    assert.equal(none.json().code, 'classifier.no_examples');
    const one = await office.post('/api/v1/classifier/models', { name: 'x', examples: examples.filter((e) => e.label === 'light') });
    assert.equal(one.json().code, 'classifier.one_label');
    const empty = await office.post('/api/v1/classifier/models', { name: 'x', examples: [...examples, { text: '  ', label: 'light' }, { text: '！？。', label: 'water' }] });
    assert.equal(empty.status, 422);
    assert.equal(empty.json().code, 'classifier.empty_text');
    assert.deepEqual(empty.json().indexes, [24, 25]);
    const malformed = await office.post('/api/v1/classifier/models', { name: 'x', examples: [{ text: 1 }] });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json().code, 'request.invalid');
    assert.equal(await modelCount(city), before);
  });

  test('prediction is refused for an empty text and for too many texts', async () => {
    const empty = await office.post(`/api/v1/classifier/models/${modelId}/predict`, { texts: ['路灯', ''] });
    assert.equal(empty.status, 422);
    assert.equal(empty.json().code, 'classifier.empty_text');
    assert.deepEqual(empty.json().indexes, [1]);
    const many = await office.post(`/api/v1/classifier/models/${modelId}/predict`, { texts: Array.from({ length: 1001 }, () => '路灯') });
    assert.equal(many.status, 422);
    assert.equal(many.json().code, 'classifier.too_many_texts');
    const unknown = await office.post('/api/v1/classifier/models/00000000-0000-4000-8000-000000000000/predict', { texts: ['路灯'] });
    assert.equal(unknown.status, 404);
  });

  test('a small set trains without cross-validation, and training is audited', async () => {
    const res = await office.post('/api/v1/classifier/models', { name: '两类', examples: [{ text: '路灯坏了', label: 'a' }, { text: '垃圾没清', label: 'b' }] });
    assert.equal(res.status, 201);
    assert.equal(res.json().crossValidation, undefined);
    const list = await office.get('/api/v1/classifier/models');
    assert.deepEqual(list.json().map((m: any) => m.name).sort(), ['两类', '四类投诉']);
    const db = await testDb();
    const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE city_id = $1 AND action = 'classifier.train'`, [city.id]))[0]!.n;
    assert.equal(n, 2);
  });

  test('citizens, units and nobody may not use the classifier', async () => {
    const citizen = await (await as(city, 'citizen')).post(`/api/v1/classifier/models/${modelId}/predict`, { texts: ['路灯'] });
    assert.equal(citizen.status, 403);
    const unit = await (await as(city, 'unit')).post('/api/v1/classifier/models', { name: 'x', examples });
    assert.equal(unit.status, 403);
    const nobody = await (await anonymous(city)).post('/api/v1/classifier/models', { name: 'x', examples });
    assert.equal(nobody.status, 401);
  });
});

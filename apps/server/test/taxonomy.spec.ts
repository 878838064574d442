import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, defaultSubcategories, unitDuties, type LabelledTokens } from '@cityloop/domain';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';
import { complaintSet } from './fixtures/complaints.ts';
import {
  currentTaxonomy,
  flushTaxonomyTraining,
  keywordExamples,
  recordConfirmedCategory,
  subcategoryByCode,
  suggestCategory,
  training,
} from '../src/modules/taxonomy/service.ts';
import { tokenize } from '../src/modules/classifier/service.ts';

async function count(sql: string, params: unknown[]) {
  const db = await testDb();
  return (await db.query<{ n: number }>(sql, params))[0]!.n;
}

describe('taxonomy (《城市建设问题分类分级标准》)', () => {
  let city: TestCity;
  let admin: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  test('anyone reads the default set: version 1, 6 categories, 28 subcategories, 8 high-frequency types', async () => {
    const res = await (await anonymous(city)).get('/api/v1/taxonomy');
    assert.equal(res.status, 200, res.body);
    const t = res.json();
    assert.equal(t.version, 1);
    assert.deepEqual(t.categories.map((c: any) => c.name), ['规划类', '建设类', '管理类', '安全类', '生态环境类', '民生服务类']);
    assert.equal(t.subcategories.length, 28);
    assert.equal(t.subcategories.filter((s: any) => s.highFrequency).length, 8);
    const js03 = t.subcategories.find((s: any) => s.code === 'JS-03');
    assert.match(js03.norm, /CJJ 36/);
    assert.deepEqual(js03.deadline, { amount: 10, unit: 'working_days' });
    assert.ok(unitDuties.includes(js03.defaultDuty));
    assert.equal(t.subcategories.find((s: any) => s.code === 'AQ-03').deadline.unit, 'hours');
  });

  test('the service answers the current taxonomy and one subcategory by code, also inside a transaction', async () => {
    const db = await testDb();
    const t = await currentTaxonomy(db, city.id);
    assert.equal(t.version, 1);
    assert.equal((await subcategoryByCode(db, city.id, 'AQ-01'))?.name, '城市内涝积水');
    assert.equal(await subcategoryByCode(db, city.id, 'XX-99'), undefined);
    const inTx = await db.tx((q) => currentTaxonomy(q, city.id));
    assert.equal(inTx.subcategories.length, 28);
  });

  test('editing makes version 2, audited, and version 1 stays readable unchanged', async () => {
    const v1 = (await admin.get('/api/v1/taxonomy/versions/1')).json();
    const edited = structuredClone(v1);
    edited.subcategories.find((s: any) => s.code === 'GL-02').deadline = { amount: 15, unit: 'working_days' };
    edited.subcategories.push({ ...edited.subcategories.find((s: any) => s.code === 'GL-05'), code: 'GL-06', name: '共享单车乱停放', nameEn: 'Dockless bikes', keywords: ['共享单车', '单车乱停', '单车堆积', '哈啰', '美团单车'] });
    const res = await admin.put('/api/v1/taxonomy', { categories: edited.categories, subcategories: edited.subcategories, note: '新增共享单车小类' });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().version, 2);
    assert.equal(res.json().subcategories.length, 29);
    assert.equal((await (await anonymous(city)).get('/api/v1/taxonomy')).json().version, 2);
    const again = (await admin.get('/api/v1/taxonomy/versions/1')).json();
    assert.deepEqual(again, v1);
    assert.equal(again.subcategories.find((s: any) => s.code === 'GL-02').deadline.amount, 20);
    const versions = (await admin.get('/api/v1/taxonomy/versions')).json();
    assert.deepEqual(versions.map((v: any) => [v.version, v.subcategories]), [[1, 28], [2, 29]]);
    assert.equal(versions[1].note, '新增共享单车小类');
    assert.equal(await count(`SELECT count(*)::int AS n FROM audit_events WHERE city_id = $1 AND action = 'taxonomy.update'`, [city.id]), 1);
    assert.equal((await admin.get('/api/v1/taxonomy/versions/9')).status, 404);
  });

  test('an inconsistent taxonomy is refused with every problem named, and no version is made', async () => {
    const t = (await admin.get('/api/v1/taxonomy')).json();
    const subs = structuredClone(t.subcategories);
    subs[1].code = subs[0].code;
    subs[2].categoryCode = 'ZZ';
    subs[3].deadline = { amount: 0, unit: 'working_days' };
    subs[4].defaultDuty = 'police';
    const res = await admin.put('/api/v1/taxonomy', { categories: t.categories, subcategories: subs });
    assert.equal(res.status, 422);
    assert.equal(res.json().code, 'taxonomy.invalid');
    const problems: string[] = res.json().problems;
    assert.ok(problems.some((p) => /duplicate code/.test(p)));
    assert.ok(problems.some((p) => /category ZZ does not exist/.test(p)));
    assert.ok(problems.some((p) => /deadline must be a whole number/.test(p)));
    assert.ok(problems.some((p) => /duty police/.test(p)));
    assert.equal((await admin.get('/api/v1/taxonomy')).json().version, t.version);
    const office = await (await as(city, 'office')).put('/api/v1/taxonomy', { categories: t.categories, subcategories: subs });
    assert.equal(office.status, 403);
  });

  test('office reads the risk thresholds, admin changes them, and the assessment follows them', async () => {
    const office = await as(city, 'office');
    const defaults = (await office.get('/api/v1/taxonomy/risk-thresholds')).json();
    assert.deepEqual(defaults.redOverride, { socialImpact: 5 });
    const scores = { socialImpact: 3, technicalDifficulty: 3, fundingPressure: 3 };
    assert.equal((await office.post('/api/v1/taxonomy/risk-assessment', scores)).json().level, 'yellow');
    assert.equal((await office.post('/api/v1/taxonomy/risk-assessment', { ...scores, socialImpact: 5 })).json().level, 'red');
    const stricter = { ...defaults, red: 3 };
    const res = await admin.put('/api/v1/taxonomy/risk-thresholds', stricter);
    assert.equal(res.status, 200, res.body);
    assert.equal((await office.get('/api/v1/taxonomy/risk-thresholds')).json().red, 3);
    assert.equal((await office.post('/api/v1/taxonomy/risk-assessment', scores)).json().level, 'red');
    const bad = await admin.put('/api/v1/taxonomy/risk-thresholds', { ...defaults, yellow: 4, red: 3 });
    assert.equal(bad.status, 422);
    assert.equal(bad.json().code, 'risk.invalid_thresholds');
    assert.equal((await office.put('/api/v1/taxonomy/risk-thresholds', stricter)).status, 403);
    assert.equal((await (await as(city, 'citizen')).get('/api/v1/taxonomy/risk-thresholds')).status, 403);
  });
});

describe('the taxonomy classifier', () => {
  let city: TestCity;
  let admin: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  test('before any model is trained, keywords suggest a category; a text without signal gets none', async () => {
    const db = await testDb();
    const s = await suggestCategory(db, city.id, '小区门口的井盖丢了，晚上很危险');
    assert.equal(s?.code, 'AQ-04');
    assert.equal(s?.version, 1);
    assert.equal(await suggestCategory(db, city.id, '您好，麻烦尽快处理一下，谢谢！'), null);
    assert.equal(await suggestCategory(db, city.id, '   '), null);
  });

  test('the model is trained in the background, stored, and then answers with its probability', async () => {
    await flushTaxonomyTraining();
    const status = (await admin.get('/api/v1/taxonomy/classifier')).json();
    assert.equal(status.trained, true);
    assert.equal(status.taxonomyVersion, 1);
    assert.ok(status.examples >= 28 * 8, `examples ${status.examples}`);
    assert.equal(await count(`SELECT count(*)::int AS n FROM taxonomy_models WHERE city_id = $1`, [city.id]), 1);
    const db = await testDb();
    const cases: [string, string][] = [
      ['一下雨路口就积水，车都过不去', 'AQ-01'],
      ['河水发黑发臭，夏天不敢开窗', 'ST-01'],
      ['早高峰这个路口堵车太严重了', 'GL-01'],
      ['楼道里有很浓的煤气味', 'AQ-03'],
      ['老小区外墙瓷砖往下掉，改造什么时候开始', 'JS-01'],
    ];
    for (const [text, code] of cases) {
      const s = await suggestCategory(db, city.id, text);
      assert.equal(s?.code, code, text);
      assert.ok(s!.confidence > 0.2 && s!.confidence <= 1, `${text}: ${s!.confidence}`);
    }
    assert.equal(await suggestCategory(db, city.id, '您好，谢谢'), null);
    const pub = await (await anonymous(city)).post('/api/v1/taxonomy/suggest', { text: '楼道里有很浓的煤气味' });
    assert.equal(pub.status, 200);
    assert.equal(pub.json().suggestion.code, 'AQ-03');
    assert.equal(pub.json().suggestion.name, '燃气安全隐患');
  });

  test('confirmed categories are recorded inside the caller’s transaction and teach the model after retraining', async () => {
    const db = await testDb();
    const text = '喵喵小区的猫咪咖啡馆外摆了桌椅';
    const before = await suggestCategory(db, city.id, text);
    assert.notEqual(before?.code, 'GL-04');
    await db.tx(async (q) => {
      for (let i = 0; i < training.retrainAfter; i++) await recordConfirmedCategory(q, city.id, `${text}${i % 3 ? '，占了人行道' : ''}`, 'GL-04', city.users.office!);
    });
    // A rolled-back confirmation leaves nothing behind.
    await db.tx(async (q) => {
      await recordConfirmedCategory(q, city.id, '回滚的确认', 'GL-01', null);
      throw new Error('rollback');
    }).catch(() => undefined);
    assert.equal(await count(`SELECT count(*)::int AS n FROM category_confirmations WHERE city_id = $1`, [city.id]), training.retrainAfter);
    const status = (await admin.get('/api/v1/taxonomy/classifier')).json();
    assert.equal(status.pending, training.retrainAfter);
    const retrain = await admin.post('/api/v1/taxonomy/classifier/retrain', {});
    assert.equal(retrain.status, 202);
    await flushTaxonomyTraining();
    const after = await suggestCategory(db, city.id, text);
    assert.equal(after?.code, 'GL-04');
    assert.equal((await admin.get('/api/v1/taxonomy/classifier')).json().pending, 0);
  });

  test('an admin uploads a labelled history as JSON or CSV and gets the cross-validated accuracy per subcategory', async () => {
    const set = complaintSet(2, 7).filter((e) => ['AQ-01', 'ST-01', 'GL-01', 'GL-02', 'MS-02'].includes(e.label));
    const json = await admin.post('/api/v1/taxonomy/training-set', { examples: set.map((e) => ({ text: e.text, subcategoryCode: e.label })) });
    assert.equal(json.status, 200, json.body);
    assert.equal(json.json().added, 10);
    assert.equal(json.json().taxonomyVersion, 1);
    const csv = ['text,category', ...complaintSet(2, 8).filter((e) => e.label === 'AQ-03').map((e) => `"${e.text.replaceAll('"', '""')}",燃气安全隐患`), '"井盖丢了,很危险",AQ-04'].join('\r\n');
    const res = await admin.post('/api/v1/taxonomy/training-set', csv, { 'content-type': 'text/csv' });
    assert.equal(res.status, 200, res.body);
    const body = res.json();
    assert.equal(body.added, 3);
    assert.equal(body.total, training.retrainAfter + 13);
    assert.equal(body.crossValidation.k, 5);
    assert.ok(body.crossValidation.accuracy > 0.5, `accuracy ${body.crossValidation.accuracy}`);
    assert.equal(body.crossValidation.perLabel['AQ-03'].support, 2);
    assert.ok('precision' in body.crossValidation.perLabel['GL-04'] && 'recall' in body.crossValidation.perLabel['GL-04']);
    assert.equal(await count(`SELECT count(*)::int AS n FROM audit_events WHERE city_id = $1 AND action = 'taxonomy.training_set'`, [city.id]), 2);
  });

  test('a training set naming an unknown category, or with empty text or a broken CSV, is refused whole', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM category_confirmations WHERE city_id = $1`, [city.id]);
    const unknown = await admin.post('/api/v1/taxonomy/training-set', 'text,category\n路灯坏了,GL-05\n有人吵架,邻里纠纷\n', { 'content-type': 'text/csv' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.json().code, 'taxonomy.unknown_subcategory');
    assert.deepEqual(unknown.json().rows, [{ row: 3, category: '邻里纠纷' }]);
    const empty = await admin.post('/api/v1/taxonomy/training-set', { examples: [{ text: '路灯坏了', subcategoryCode: 'GL-05' }, { text: '。。。', subcategoryCode: 'GL-05' }] });
    assert.equal(empty.json().code, 'classifier.empty_text');
    const noHeader = await admin.post('/api/v1/taxonomy/training-set', '路灯坏了,GL-05\n', { 'content-type': 'text/csv' });
    assert.equal(noHeader.json().code, 'taxonomy.bad_training_set');
    const unclosed = await admin.post('/api/v1/taxonomy/training-set', 'text,category\n"路灯坏了,GL-05\n', { 'content-type': 'text/csv' });
    assert.equal(unclosed.json().code, 'taxonomy.bad_training_set');
    const none = await admin.post('/api/v1/taxonomy/training-set', { examples: [] });
    assert.equal(none.json().code, 'classifier.no_examples');
    assert.equal((await (await as(city, 'office')).post('/api/v1/taxonomy/training-set', { examples: [] })).status, 403);
    assert.equal(await count(`SELECT count(*)::int AS n FROM category_confirmations WHERE city_id = $1`, [city.id]), before);
  });

  test('after an edit the model is retrained for the new version and can suggest the new subcategory', async () => {
    const t = (await admin.get('/api/v1/taxonomy')).json();
    const subs = [...t.subcategories, { ...t.subcategories.find((s: any) => s.code === 'GL-05'), code: 'GL-06', name: '共享单车乱停放', nameEn: 'Dockless bikes', keywords: ['共享单车', '单车', '自行车乱停', '单车堆积'] }];
    assert.equal((await admin.put('/api/v1/taxonomy', { categories: t.categories, subcategories: subs })).status, 200);
    const db = await testDb();
    await flushTaxonomyTraining();
    const s = await suggestCategory(db, city.id, '地铁口共享单车堆成山');
    assert.deepEqual([s?.code, s?.version], ['GL-06', 2]);
    assert.equal((await admin.get('/api/v1/taxonomy/classifier')).json().taxonomyVersion, 2);
  });
});

describe('taxonomy classifier accuracy on realistic complaints', () => {
  // 28 subcategories: chance is 1/28 ≈ 0.036, and a majority guess no better.
  const set = complaintSet(12, 20260301);
  const keywordTrainingSet = keywordExamples(defaultSubcategories);
  const labelled: LabelledTokens[] = set.map((e) => ({ tokens: tokenize(e.text), label: e.label }));

  function print(title: string, accuracy: number, perLabel?: Record<string, { precision: number; recall: number; support: number }>) {
    console.log(`# ${title}: accuracy ${accuracy.toFixed(3)} on ${set.length} texts, 28 classes (chance 0.036)`);
    if (!perLabel) return;
    for (const [code, s] of Object.entries(perLabel)) {
      const name = defaultSubcategories.find((x) => x.code === code)!.name;
      console.log(`#   ${code} ${name.padEnd(12, '　')} precision ${s.precision.toFixed(2)} recall ${s.recall.toFixed(2)} support ${s.support}`);
    }
  }

  test('the generated set has at least 300 varied texts over all 28 subcategories', () => {
    assert.ok(set.length >= 300);
    assert.equal(new Set(set.map((e) => e.label)).size, 28);
    assert.ok(new Set(set.map((e) => e.text)).size >= set.length * 0.95, 'texts are varied');
  });

  test('trained only on the taxonomy keywords, it classifies complaints written in other words', async () => {
    // The honest test of generalisation: no sentence and no symptom phrase of the set is
    // seen in training, only the standard's keywords and names. A floor of 0.8 is 22× chance
    // and leaves room for phrasing the keywords do not cover (measured: about 0.95).
    const { train, predict } = await import('@cityloop/domain');
    const model = train(keywordTrainingSet);
    const hits = new Map<string, { ok: number; n: number }>();
    let ok = 0;
    for (const e of labelled) {
      const right = predict(model, e.tokens).label === e.label;
      if (right) ok++;
      const h = hits.get(e.label) ?? { ok: 0, n: 0 };
      hits.set(e.label, { ok: h.ok + Number(right), n: h.n + 1 });
    }
    const accuracy = ok / labelled.length;
    print('keyword-trained model on unseen phrasing', accuracy);
    console.log(`#   weakest recall: ${[...hits].map(([c, h]) => [c, h.ok / h.n] as const).sort((a, b) => a[1] - b[1]).slice(0, 4).map(([c, r]) => `${c} ${r.toFixed(2)}`).join(', ')}`);
    assert.ok(accuracy >= 0.8, `accuracy ${accuracy}`);
  });

  test('uploaded as a labelled history, stratified 5-fold cross-validation is printed per subcategory and clears its floor', async () => {
    // Through the product's own path: POST /taxonomy/training-set answers the 5-fold
    // cross-validation over the uploaded history, keywords always in training. Texts of one
    // subcategory share symptom phrases, so a fold sees the phrasing of its test texts and
    // accuracy is high (measured: about 0.99); the floor of 0.9 guards against a regression
    // in segmentation, features or training, far above chance (0.036).
    const city = await newCity();
    const admin = await as(city, 'admin');
    const res = await admin.post('/api/v1/taxonomy/training-set', { examples: set.map((e) => ({ text: e.text, subcategoryCode: e.label })) });
    assert.equal(res.status, 200, res.body);
    const cv = res.json().crossValidation;
    print('5-fold cross-validation of the uploaded history', cv.accuracy, cv.perLabel);
    assert.equal(cv.examples, set.length);
    assert.ok(cv.accuracy >= 0.9, `accuracy ${cv.accuracy}`);
    for (const [code, s] of Object.entries<any>(cv.perLabel)) assert.ok(s.recall >= 0.5, `${code} recall ${s.recall}`);
    // The same figure from the domain directly: the endpoint adds nothing of its own.
    const direct = crossValidate(labelled, 5, { seed: 1, background: keywordTrainingSet });
    assert.equal(direct.accuracy, cv.accuracy);
    await flushTaxonomyTraining();
  });
});

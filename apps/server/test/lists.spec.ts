import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import exifr from 'exifr';
import { convertMillimetersToTwip } from 'docx';
import { anonymous, as, newCity, testApp, testDb, TEST_PASSWORD, type Client, type TestCity } from './harness.ts';
import { giveDuties, photo, sha256, snapshot, upload } from './fixtures/intake.ts';
import { judgment } from './fixtures/loop.ts';
import { getReport } from '../src/modules/reports/service.ts';
import { deadlineText } from '../src/documents/notice.ts';
import { contentDisposition } from '../src/documents/download.ts';

/** A signed-in session for raw requests: binary answers and multipart bodies, which the harness client does not do. */
async function session(city: TestCity, username: string) {
  const app = await testApp();
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, city: city.code } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = `cl_session=${res.cookies.find((c) => c.name === 'cl_session')!.value}`;
  const csrf = res.json().csrfToken as string;
  const headers = { 'x-city': city.code, cookie };
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers }),
    postFile: (url: string, data: Buffer, filename: string, contentType: string) => {
      const boundary = `----cityloop${crypto.randomBytes(8).toString('hex')}`;
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
        data,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return app.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'x-csrf-token': csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: body,
      });
    },
  };
}

/** A small but well-formed PDF: what a third-party lab sends. */
function testPdf(text: string): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 18 Tf 72 760 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 72 760 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function docxParts(body: Buffer) {
  const zip = await JSZip.loadAsync(body);
  return {
    zip,
    document: await zip.file('word/document.xml')!.async('string'),
    fonts: await zip.file('word/fontTable.xml')!.async('string'),
    media: Object.keys(zip.files).filter((n) => n.startsWith('word/media/') && !zip.files[n]!.dir),
  };
}

async function sheetOf(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const row = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
  return { ws, row };
}

describe('three lists (三单) and close-out evidence', () => {
  let city: TestCity;
  let office: Client;
  let citizen: Client;
  /** A: JS-03, photo, responsible U1 with U2 cooperating; B: U2 alone, overdue, no photo; C: not yet assigned */
  const ids = { a: '', b: '', c: '' };
  const deadlineA = new Date('2030-12-09T15:59:59.999Z'); // end of 2030-12-09 in Asia/Shanghai

  const reportProblem = async (body: object) => {
    const res = await citizen.post('/api/v1/reports', body);
    assert.equal(res.status, 201, res.body);
    return (await getReport(await testDb(), city.id, res.json().ticket))!.problemId;
  };

  before(async () => {
    city = await newCity();
    await giveDuties(city);
    office = await as(city, 'office');
    citizen = await as(city, 'citizen');
    const up = await upload(city, photo('photo-gps.jpg'), 'IMG_0001.JPG');
    assert.equal(up.status, 201, up.body);
    ids.a = await reportProblem({ text: '文化路路面有个大坑，车辆颠簸', mediaIds: [up.json().id] });
    ids.b = await reportProblem({ text: '地铁口附近积水严重，下雨就淹', lng: 113.75, lat: 34.75 });
    ids.c = await reportProblem({ text: '人行道上乱堆建筑垃圾', lng: 113.632, lat: 34.732 });
    // These cases are put in their states directly in SQL (the columns the assignment fills), so
    // the lists see known values, including an overdue case whose past deadline the loop's API
    // would refuse; the last test goes through the real 研判/交办 endpoints instead.
    const db = await testDb();
    await db.query(
      `UPDATE problems SET status = 'assigned', subcategory_code = 'JS-03', category_code = 'JS', risk_level = 'yellow',
              responsible_unit_id = $3, cooperating_unit_ids = $4::uuid[], lead_leader_id = $5, deadline = $6,
              deadline_spec = '{"amount": 10, "unit": "working_days"}', notice_no = 'TS整改〔2026〕0001号',
              requirement = '立即设置警示标志，十个工作日内修补坑槽', judged_at = now(), assigned_at = '2026-11-25T02:00:00Z'
        WHERE city_id = $1 AND id = $2`,
      [city.id, ids.a, city.units.u1, [city.units.u2], city.users.leader, deadlineA],
    );
    await db.query(
      `UPDATE problems SET status = 'in_progress', subcategory_code = 'ST-02', category_code = 'ST', risk_level = 'red',
              responsible_unit_id = $3, deadline = now() - interval '2 days', deadline_spec = '{"amount": 48, "unit": "hours"}',
              notice_no = 'TS整改〔2026〕0002号', judged_at = now(), assigned_at = '2026-11-25T03:00:00Z'
        WHERE city_id = $1 AND id = $2`,
      [city.id, ids.b, city.units.u2],
    );
  });

  test('the rectification notice is an official-layout .docx with the case’s number, unit, deadline, standard and photo', async () => {
    const res = await (await session(city, 'office')).get(`/api/v1/cases/${ids.a}/notice.docx`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const cd = String(res.headers['content-disposition']);
    assert.match(cd, /^attachment; filename="[\x20-\x7e]+\.docx"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(cd.split("''")[1]!), '问题整改通知书-TS整改〔2026〕0001号.docx');

    const { document, fonts, media } = await docxParts(res.rawPayload);
    for (const text of [
      '测试市城市建设视察工作领导小组办公室',
      'TS整改〔2026〕0001号',
      '问题整改通知书',
      '单位U1：',
      '一、问题描述',
      '问题类别：建设类／道路破损（JS-03）。',
      '风险等级：黄色（较大风险）。',
      '请于2030年12月9日前（10个工作日）完成整改。',
      '坑槽、沉陷、破损人行道按养护规范修补平整，路面平整度和标线恢复达标。',
      'CJJ 36《城镇道路养护技术规范》',
      '立即设置警示标志，十个工作日内修补坑槽。',
      '牵头领导：测试leader。',
      '配合单位：单位U2。',
      '2026年11月25日',
      '（盖章）',
    ]) {
      assert.ok(document.includes(text), `the notice says ${text}`);
    }
    assert.equal(media.length, 1, 'the report photo is embedded');
    assert.ok(document.includes('图1　受理编号'), 'with its caption');
    // Layout: A4, GB/T 9704 margins, red header and rule, 仿宋 三号 body, 小标宋 22 pt title, page numbers.
    assert.ok(document.includes(`w:top="${convertMillimetersToTwip(37)}"`) && document.includes(`w:left="${convertMillimetersToTwip(28)}"`));
    assert.ok(document.includes(`w:bottom="${convertMillimetersToTwip(35)}"`) && document.includes(`w:right="${convertMillimetersToTwip(26)}"`));
    assert.match(document, /<w:pBdr><w:bottom w:val="single" w:color="FF0000"/);
    assert.match(document, /w:eastAsia="方正小标宋简体"[^>]*\/><w:sz w:val="44"\/>.{0,80}问题整改通知书/);
    assert.match(document, /w:eastAsia="仿宋_GB2312"[^>]*\/><w:sz w:val="32"\/>/);
    assert.match(fonts, /<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"\/>/);
    assert.match(fonts, /<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"\/>/);
    assert.ok(document.includes('w:type="even"'), 'odd and even page-number footers');
  });

  test('the notice is made without LibreOffice or any other program', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const res = await (await session(city, 'office')).get(`/api/v1/cases/${ids.b}/notice.docx`);
      assert.equal(res.statusCode, 200, res.body);
      const { document, media } = await docxParts(res.rawPayload);
      assert.ok(document.includes('无照片。'));
      assert.equal(media.length, 0);
      assert.ok(document.includes('风险等级：红色（重大风险）。'));
      assert.match(document, /请于\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时(\d{1,2}分)?前（48小时）完成整改。/);
      assert.ok(document.includes('配合单位：无。'));
    } finally {
      process.env.PATH = path;
    }
  });

  test('a notice is 404 for a case the caller may not see, and 409 before the case is assigned', async () => {
    const unit = await session(city, 'unit');
    assert.equal((await unit.get(`/api/v1/cases/${ids.a}/notice.docx`)).statusCode, 200, 'U1 is responsible');
    const other = await unit.get(`/api/v1/cases/${ids.b}/notice.docx`);
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'resource.not_found');
    assert.equal((await unit.get(`/api/v1/cases/${crypto.randomUUID()}/notice.docx`)).statusCode, 404);
    assert.equal((await (await session(city, 'unit2')).get(`/api/v1/cases/${ids.a}/notice.docx`)).statusCode, 200, 'U2 cooperates');
    const pending = await (await session(city, 'office')).get(`/api/v1/cases/${ids.c}/notice.docx`);
    assert.equal(pending.statusCode, 409);
    assert.equal(pending.json().code, 'case.not_assigned');
    assert.equal((await (await session(city, 'citizen')).get(`/api/v1/cases/${ids.a}/notice.docx`)).statusCode, 403);
  });

  test('the responsibility list names leader, responsible and cooperating units, status and 滞后, and filters', async () => {
    const all = (await office.get('/api/v1/lists/responsibility')).json();
    assert.equal(all.total, 2, 'only assigned cases');
    const [a, b] = all.items;
    assert.equal(a.id, ids.a);
    assert.equal(a.noticeNo, 'TS整改〔2026〕0001号');
    assert.deepEqual(a.leadLeader, { id: city.users.leader, name: '测试leader' });
    assert.deepEqual(a.responsibleUnit, { id: city.units.u1, name: '单位U1' });
    assert.deepEqual(a.cooperatingUnits, [{ id: city.units.u2, name: '单位U2' }]);
    assert.equal(a.deadline, deadlineA.toISOString());
    assert.equal(a.deadlineText, '2030年12月9日前（10个工作日）');
    assert.equal(a.statusLabel, '已交办');
    assert.equal(a.overdue, false);
    assert.equal(a.subcategoryName, '道路破损');
    assert.equal(a.riskLabel, '黄色（较大风险）');
    assert.equal(b.statusLabel, '整改中');
    assert.equal(b.overdue, true);
    assert.equal(b.leadLeader, null);
    const q = async (s: string) => (await office.get(`/api/v1/lists/responsibility?${s}`)).json().items.map((i: any) => i.id);
    assert.deepEqual(await q('overdue=true'), [ids.b]);
    assert.deepEqual(await q('overdue=false'), [ids.a]);
    assert.deepEqual(await q(`unit=${city.units.u1}`), [ids.a]);
    assert.deepEqual(await q(`unit=${city.units.u2}`), [ids.a, ids.b], 'a unit’s cases include those it cooperates on');
    assert.deepEqual(await q('status=in_progress,closed'), [ids.b]);
    assert.deepEqual(await q('risk=red'), [ids.b]);
    assert.deepEqual(await q(`q=${encodeURIComponent('0001')}`), [ids.a]);
    assert.deepEqual(await q('page=2&pageSize=1'), [ids.b]);
    assert.equal((await office.get('/api/v1/lists/responsibility?status=nonsense')).status, 400);
  });

  test('a unit sees only its own cases in both lists and their exports; other roles none', async () => {
    const unit = await as(city, 'unit');
    const mine = (await unit.get('/api/v1/lists/responsibility')).json();
    assert.deepEqual(mine.items.map((i: any) => i.id), [ids.a]);
    assert.equal(mine.total, 1);
    assert.deepEqual((await unit.get('/api/v1/lists/standards')).json().items.map((i: any) => i.id), [ids.a]);
    assert.deepEqual((await unit.get(`/api/v1/lists/responsibility?unit=${city.units.u2}`)).json().items.map((i: any) => i.id), [ids.a], 'a filter cannot widen the scope');
    const x = await sheetOf((await (await session(city, 'unit')).get('/api/v1/lists/responsibility.xlsx')).rawPayload);
    assert.equal(x.ws.rowCount, 4, 'title, subtitle, header, one case');
    assert.deepEqual((await (await as(city, 'unit2')).get('/api/v1/lists/responsibility')).json().items.map((i: any) => i.id), [ids.a, ids.b]);
    for (const role of ['inspector', 'thirdparty', 'citizen']) assert.equal((await (await as(city, role)).get('/api/v1/lists/standards')).status, 403, role);
    assert.equal((await (await anonymous(city)).get('/api/v1/lists/responsibility.xlsx')).status, 401);
  });

  test('the standards list gives subcategory, norm, standard, deadline rule and the case’s requirement', async () => {
    const items = (await office.get('/api/v1/lists/standards')).json().items;
    const a = items.find((i: any) => i.id === ids.a);
    assert.equal(a.subcategoryCode, 'JS-03');
    assert.equal(a.norm, 'CJJ 36《城镇道路养护技术规范》；CJJ 1《城镇道路工程施工与质量验收规范》');
    assert.equal(a.standard, '坑槽、沉陷、破损人行道按养护规范修补平整，路面平整度和标线恢复达标。');
    assert.equal(a.deadlineSpec, '10个工作日');
    assert.equal(a.requirement, '立即设置警示标志，十个工作日内修补坑槽');
    assert.equal(items.find((i: any) => i.id === ids.b).deadlineSpec, '48小时');
  });

  test('both lists export as XLSX with a title, headers and one row per case, risk-coloured', async () => {
    const office_ = await session(city, 'office');
    const r = await office_.get('/api/v1/lists/responsibility.xlsx');
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(decodeURIComponent(String(r.headers['content-disposition']).split("''")[1]!), /^责任清单-\d{4}-\d{1,2}-\d{1,2}\.xlsx$/);
    const resp = await sheetOf(r.rawPayload);
    assert.equal(resp.ws.name, '责任清单');
    assert.equal(resp.row(1)[0], '测试市城市建设视察问题责任清单');
    assert.match(String(resp.row(2)[0]), /共 2 项/);
    assert.deepEqual(resp.row(3), ['序号', '通知书文号', '问题', '地点', '问题类别', '风险等级', '牵头领导', '责任单位', '配合单位', '整改时限', '状态', '是否滞后']);
    const a = resp.row(4);
    assert.deepEqual([a[0], a[1], a[4], a[5], a[6], a[7], a[8], a[10], a[11]], [1, 'TS整改〔2026〕0001号', '道路破损（JS-03）', '黄色（较大风险）', '测试leader', '单位U1', '单位U2', '已交办', '否']);
    // Excel has no zones: the deadline is written as the city's wall-clock day.
    assert.equal((a[9] as Date).toISOString().slice(0, 10), '2030-12-09');
    assert.equal(resp.ws.getRow(4).getCell(10).numFmt, 'yyyy-mm-dd');
    assert.deepEqual([resp.row(5)[10], resp.row(5)[11]], ['整改中', '是']);
    assert.equal((resp.ws.getRow(5).getCell(1).fill as any).fgColor.argb, 'FFFFC7CE', 'red risk row');

    const s = await sheetOf((await office_.get('/api/v1/lists/standards.xlsx?risk=yellow')).rawPayload);
    assert.equal(s.ws.name, '整改标准清单');
    assert.deepEqual(s.row(3), ['序号', '通知书文号', '问题', '小类编码', '问题小类', '技术规范', '整改标准（验收规范）', '时限标准', '整改要求', '责任单位', '整改时限', '状态']);
    assert.equal(s.ws.rowCount, 4, 'filtered to the yellow case');
    const row = s.row(4);
    assert.deepEqual([row[3], row[4], row[7], row[8], row[9]], ['JS-03', '道路破损', '10个工作日', '立即设置警示标志，十个工作日内修补坑槽', '单位U1']);
    assert.match(String(row[6]), /^坑槽、沉陷/);
    assert.match(String(row[5]), /CJJ 36/);
  });

  test('a PDF test report is stored and read back byte for byte, inline, never as a public file', async () => {
    const unit = await session(city, 'unit');
    const pdf = testPdf('Third-party test report No. 2026-117');
    const up = await unit.postFile('/api/v1/evidence', pdf, '第三方检测报告.pdf', 'application/pdf');
    assert.equal(up.statusCode, 201, up.body);
    const f = up.json();
    assert.equal(f.kind, 'pdf');
    assert.equal(f.mime, 'application/pdf');
    assert.equal(f.bytes, pdf.length);
    assert.equal(f.name, '第三方检测报告.pdf');
    assert.equal(f.phash, null);
    assert.equal(f.url, `/api/v1/evidence/${f.id}`);
    const back = await unit.get(f.url);
    assert.equal(back.statusCode, 200);
    assert.equal(back.headers['content-type'], 'application/pdf');
    assert.equal(back.headers['x-content-type-options'], 'nosniff');
    assert.equal(String(back.headers['content-disposition']), contentDisposition('inline', '第三方检测报告.pdf'));
    assert.equal(sha256(back.rawPayload), sha256(pdf), 'byte-identical');
    assert.equal((await (await session(city, 'office')).get(f.url)).statusCode, 200);
    const pub = await (await anonymous(city)).get(`/api/v1/files/${f.id}/public`);
    assert.equal(pub.status, 404, 'a document has no public copy');

    // Another unit sees it only once a case it works on cites it in its close-out.
    const other = await session(city, 'unit2');
    assert.equal((await other.get(f.url)).statusCode, 404);
    const db = await testDb();
    await db.query(`UPDATE problems SET closeout = $3 WHERE city_id = $1 AND id = $2`, [city.id, ids.a, JSON.stringify({ thirdPartyReportId: f.id })]);
    assert.equal((await other.get(f.url)).statusCode, 200, 'U2 cooperates on A');
    assert.equal((await (await session(city, 'citizen')).get(f.url)).statusCode, 403);
  });

  test('a photo receipt is accepted and read back only as its EXIF-free copy', async () => {
    const unit = await session(city, 'unit');
    const jpeg = photo('photo-gps.jpg');
    const up = await unit.postFile('/api/v1/evidence', jpeg, '满意度回执.jpg', 'image/jpeg');
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.json().kind, 'photo');
    const back = await unit.get(up.json().url);
    assert.equal(back.statusCode, 200);
    assert.equal(back.headers['content-type'], 'image/jpeg');
    assert.notEqual(sha256(back.rawPayload), sha256(jpeg));
    assert.equal(await exifr.gps(back.rawPayload).catch(() => undefined), undefined);
  });

  test('a program renamed .pdf is refused with 415 by its content, and nothing is kept', async () => {
    const unit = await session(city, 'unit');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62, 0), Buffer.from('This program cannot be run in DOS mode.'), crypto.randomBytes(512)]);
    const before = await snapshot(city);
    const res = await unit.postFile('/api/v1/evidence', exe, '检测报告.pdf', 'application/pdf');
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, 'evidence.unsupported_type');
    assert.equal(res.json().detected, 'application/x-msdownload');
    assert.deepEqual(await snapshot(city), before);
    assert.equal((await (await anonymous(city)).post('/api/v1/evidence', {})).status, 401);
    const res2 = await (await session(city, 'citizen')).postFile('/api/v1/evidence', testPdf('x'), 'a.pdf', 'application/pdf');
    assert.equal(res2.statusCode, 403);
  });

  test('deadline texts: working days, hours with the hour, fixed dates', () => {
    assert.equal(deadlineText(deadlineA, { amount: 10, unit: 'working_days' }), '2030年12月9日前（10个工作日）');
    assert.equal(deadlineText(new Date('2026-03-06T10:00:00Z'), { amount: 24, unit: 'hours' }), '2026年3月6日18时前（24小时）');
    assert.equal(deadlineText(new Date('2026-03-06T10:30:00Z'), { amount: 24, unit: 'hours' }), '2026年3月6日18时30分前（24小时）');
    assert.equal(deadlineText(deadlineA, { fixedDay: '2030-12-09' }), '2030年12月9日前');
    assert.equal(deadlineText(deadlineA, null), '2030年12月9日前');
  });

  // Last, as it adds a third assigned case to the lists.
  test('a case judged and assigned through the loop gets the notice and list rows of its assignment', async () => {
    const id = await reportProblem({ text: '文化路人行道砖破损翘起', lng: 113.615, lat: 34.715 });
    assert.equal((await office.post(`/api/v1/cases/${id}/judgment`, judgment(city))).status, 200);
    const assigned = await office.post(`/api/v1/cases/${id}/assign`, {});
    assert.equal(assigned.status, 200, assigned.body);
    const { noticeNo, deadline } = assigned.json();
    const { document } = await docxParts((await (await session(city, 'unit')).get(`/api/v1/cases/${id}/notice.docx`)).rawPayload);
    assert.ok(document.includes(noticeNo));
    assert.ok(document.includes(`请于${deadlineText(new Date(deadline), { amount: 10, unit: 'working_days' })}完成整改。`));
    assert.ok(document.includes('三日内设置围挡，十个工作日内修复路面。'));
    const row = (await office.get('/api/v1/lists/standards')).json().items.find((i: any) => i.id === id);
    assert.deepEqual([row.noticeNo, row.deadline, row.deadlineSpec, row.subcategoryCode], [noticeNo, deadline, '10个工作日', 'JS-03']);
  });
});

/**
 * Demo problems and cases, so a first start shows the loop at work: reports in the pool
 * awaiting judgment, and cases taken through the real services to each later state —
 * assigned, being rectified, awaiting verification, closed, sent back for low satisfaction.
 * Photos are generated (plain shapes: nothing here is a real place's picture).
 */
import sharp from 'sharp';
import type { UserRole } from '@cityloop/domain';
import type { Db } from '../db/index.ts';
import { systemActor, type Actor } from '../http/actor.ts';
import { storeUpload } from '../files/service.ts';
import { submitReport } from '../modules/reports/service.ts';
import { acceptCase, assignCase, closeCase, judgeCase, reportProgress, submitCloseout } from '../modules/cases/service.ts';
import { sweepEscalations } from '../modules/escalation/service.ts';

type Stage = 'pool' | 'judged' | 'assigned' | 'in_progress' | 'overdue' | 'pending_verification' | 'closed' | 'low_satisfaction';

interface DemoCase {
  text: string;
  lng: number;
  lat: number;
  address: string;
  stage: Stage;
  subcategoryCode: string;
  scores: [number, number, number];
}

// Places around the city centre (WGS-84); texts in the words citizens and hotlines use.
const demoCases: DemoCase[] = [
  { text: '金水路与经三路交叉口东南角人行道塌陷，出现一米多宽的坑，晚上看不清很危险', lng: 113.6832, lat: 34.7721, address: '金水区金水路与经三路交叉口', stage: 'pool', subcategoryCode: 'AQ-04', scores: [4, 2, 2] },
  { text: '中原路桐柏路立交桥下雨后积水很深，车辆熄火，排水口被垃圾堵住', lng: 113.6261, lat: 34.7505, address: '中原区中原路桐柏路立交', stage: 'pool', subcategoryCode: 'AQ-01', scores: [4, 3, 2] },
  { text: '二七区大学路一老旧小区加装电梯停工三个月，围挡一直不拆，居民出行不便', lng: 113.6502, lat: 34.7312, address: '二七区大学路', stage: 'pool', subcategoryCode: 'MS-01', scores: [3, 2, 3] },
  { text: '管城区东大街施工工地夜间施工噪音扰民，凌晨两点还在打桩', lng: 113.6853, lat: 34.7553, address: '管城区东大街', stage: 'pool', subcategoryCode: 'JS-06', scores: [3, 1, 1] },
  { text: '惠济区天河路新修道路两侧路灯大面积不亮，一到晚上漆黑一片', lng: 113.6328, lat: 34.8561, address: '惠济区天河路', stage: 'judged', subcategoryCode: 'GL-05', scores: [3, 2, 2] },
  { text: '郑东新区龙湖外环路绿化带被挖开后一直没有恢复，黄土裸露扬尘严重', lng: 113.7541, lat: 34.7988, address: '郑东新区龙湖外环路', stage: 'assigned', subcategoryCode: 'ST-02', scores: [3, 2, 1] },
  { text: '金水区文化路小区雨污管网混接，雨天污水从井盖冒出，气味很大', lng: 113.6621, lat: 34.7812, address: '金水区文化路', stage: 'assigned', subcategoryCode: 'ST-04', scores: [4, 3, 3] },
  { text: '中原区建设路一处老旧楼房外墙瓷砖脱落，砸坏了楼下停放的电动车', lng: 113.6153, lat: 34.7583, address: '中原区建设路', stage: 'in_progress', subcategoryCode: 'AQ-02', scores: [5, 3, 2] },
  { text: '二七区京广路人行天桥栏杆锈蚀断裂，有行人扶着差点摔下去', lng: 113.6455, lat: 34.7401, address: '二七区京广路人行天桥', stage: 'overdue', subcategoryCode: 'JS-02', scores: [4, 3, 2] },
  { text: '管城区紫荆山路地铁施工围挡占用盲道，盲道中断两百多米', lng: 113.6791, lat: 34.7622, address: '管城区紫荆山路', stage: 'pending_verification', subcategoryCode: 'MS-01', scores: [3, 1, 1] },
  { text: '金水区农业路一段路面坑洼不平，公交车经过颠簸严重', lng: 113.6702, lat: 34.7902, address: '金水区农业路', stage: 'closed', subcategoryCode: 'JS-03', scores: [2, 2, 2] },
  { text: '郑东新区商务内环一处窨井盖缺失，用树枝插着提醒', lng: 113.7305, lat: 34.7731, address: '郑东新区商务内环', stage: 'closed', subcategoryCode: 'AQ-04', scores: [4, 1, 1] },
  { text: '中原区秦岭路小区改造后屋面漏水，楼顶住户家里天花板发霉', lng: 113.6002, lat: 34.7701, address: '中原区秦岭路', stage: 'low_satisfaction', subcategoryCode: 'JS-01', scores: [3, 2, 2] },
];

/** A plain generated photo: a sky, a ground and a few shapes, different for each seed. */
async function demoPhoto(seed: number): Promise<Buffer> {
  const hue = (seed * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <rect width="640" height="260" fill="hsl(${hue},45%,78%)"/><rect y="260" width="640" height="220" fill="hsl(${(hue + 30) % 360},20%,45%)"/>
    <rect x="${60 + (seed % 5) * 40}" y="150" width="180" height="140" fill="hsl(${(hue + 180) % 360},25%,60%)"/>
    <ellipse cx="${380 + (seed % 3) * 30}" cy="360" rx="120" ry="36" fill="hsl(${hue},10%,25%)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

async function userActor(db: Db, cityId: string, username: string): Promise<Actor> {
  const u = (
    await db.query<{ id: string; display_name: string; roles: UserRole[]; unit_id: string | null }>(
      `SELECT id, display_name, roles, unit_id FROM users WHERE city_id = $1 AND username = $2`,
      [cityId, username],
    )
  )[0]!;
  return { kind: 'user', cityId, userId: u.id, username, displayName: u.display_name, roles: u.roles, unitId: u.unit_id, csrfToken: '' };
}

const order: Stage[] = ['judged', 'assigned', 'in_progress', 'overdue', 'pending_verification', 'closed', 'low_satisfaction'];
const reached = (stage: Stage, step: Stage) => stage !== 'pool' && order.indexOf(stage) >= order.indexOf(step);

export async function seedDemoCases(db: Db, cityId: string): Promise<number> {
  const system = systemActor(cityId);
  const office = await userActor(db, cityId, 'office');
  const unit = await userActor(db, cityId, 'unit');
  const leaderId = (await db.query<{ id: string }>(`SELECT id FROM users WHERE city_id = $1 AND username = 'leader'`, [cityId]))[0]!.id;
  const ip = '127.0.0.1';
  let photoSeed = 0;
  const photo = async () => (await storeUpload(db, system, await demoPhoto(++photoSeed), 'demo.jpg')).id;

  for (const [i, c] of demoCases.entries()) {
    const receipt = await submitReport(
      db,
      system,
      { source: i % 3 === 1 ? 'hotline' : 'citizen', text: c.text, lng: c.lng, lat: c.lat, address: c.address, mediaIds: [await photo()], externalId: `demo-${i + 1}` },
      { ip },
    );
    if (c.stage === 'pool') continue;
    const id = receipt.problemId;
    const [socialImpact, technicalDifficulty, fundingPressure] = c.scores;
    await judgeCase(db, office, id, {
      subcategoryCode: c.subcategoryCode,
      riskScores: { socialImpact, technicalDifficulty, fundingPressure },
      responsibleUnitId: unit.kind === 'user' ? unit.unitId! : '',
      leadLeaderId: leaderId,
      requirement: '按整改标准限期整改，整改前后拍照留档，完成后报送销号材料。',
    }, ip);
    if (!reached(c.stage, 'assigned')) continue;
    await assignCase(db, office, id, null, ip);
    if (!reached(c.stage, 'in_progress')) continue;
    await acceptCase(db, unit, id, ip);
    await reportProgress(db, unit, id, { note: '已到现场核实，设置安全围挡，制定整改方案。', photoIds: [await photo()] }, ip);
    if (c.stage === 'overdue') {
      // Demo only: a case whose deadline has already passed, so 滞后 shows on a first start.
      await db.query(`UPDATE problems SET deadline = now() - interval '3 days' WHERE city_id = $1 AND id = $2`, [cityId, id]);
      continue;
    }
    if (!reached(c.stage, 'pending_verification')) continue;
    const score = c.stage === 'low_satisfaction' ? 68 : 93;
    await submitCloseout(
      db,
      unit,
      id,
      { beforePhotoIds: [await photo()], afterPhotoIds: [await photo()], thirdPartyReportId: await photo(), satisfactionReceiptId: await photo(), satisfactionScore: score },
      ip,
    );
    if (c.stage === 'closed') await closeCase(db, office, id, '现场核验合格，同意销号。', ip);
  }
  // the day's escalation sweep once now, so the late case shows its 一级督办 before the first 09:00 run
  await sweepEscalations(db, cityId);
  return demoCases.length;
}

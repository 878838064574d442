import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { teamComposition } from '@cityloop/domain';
import type { Db, Queryable } from '../db/index.ts';
import { sha256 } from '../http/auth.ts';
import { seedDemoCases } from './cases.ts';
import { systemActor } from '../http/actor.ts';
import { hashPassword } from '../modules/auth/service.ts';
import { importAreas } from '../modules/areas/service.ts';
import { createCity } from '../modules/city/service.ts';
import { recordAudit } from '../modules/audit/service.ts';
import {
  demoApiKey,
  demoCity,
  demoExperts,
  demoLeaders,
  demoRoleUsers,
  demoTeamGroups,
  demoUnits,
  teamNumerals,
} from './data.ts';

export const demoAreasFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/areas.geojson');

async function insertUser(
  q: Queryable,
  cityId: string,
  u: { username: string; displayName: string; roles: string[]; phone?: string | null; unitId?: string | null; slot?: 'A' | 'B' | null; passwordHash: string },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO users (city_id, username, display_name, phone, password_hash, roles, unit_id, staff_slot)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [cityId, u.username, u.displayName, u.phone ?? null, u.passwordHash, u.roles, u.unitId ?? null, u.slot ?? null],
  );
  return rows[0]!.id;
}

/** A plausible mobile number, stable per index so the demo reads the same every time. */
function phoneOf(i: number): string {
  return `139${String(37100000 + i * 7919).slice(-8)}`;
}

const familyNames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const givenNames = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '桂英', '建华', '晓明', '海燕', '志强', '丽华', '国庆', '春梅'];
function personName(i: number): string {
  return familyNames[(i * 7) % familyNames.length]! + givenNames[(i * 11) % givenNames.length]!;
}

/**
 * Loads the demo city: areas, units with A/B staff, one user per role, leaders
 * on their districts, ten inspection teams, the expert library and the demo API key.
 * Every demo account gets `password`.
 */
/** The demo city; `withCases` (default) also files demo reports and walks some through the loop (needs the blob store bound: build the app first). */
export async function seedDemoCity(db: Db, password: string, opts: { isDefault?: boolean; code?: string; withCases?: boolean } = {}): Promise<string> {
  const passwordHash = await hashPassword(password);
  const areasText = await fs.readFile(demoAreasFile, 'utf8');
  const cityId = await db.tx((q) => createCity(q, { ...demoCity, code: opts.code ?? demoCity.code, isDefault: opts.isDefault ?? true }));
  const system = systemActor(cityId);
  await importAreas(db, system, areasText, {}, '127.0.0.1');

  await db.tx(async (q) => {
    await q.query(`UPDATE cities SET settings = settings || jsonb_build_object('intake', jsonb_build_object('ticketPrefix', $2::text)) WHERE id = $1`, [cityId, demoCity.ticketPrefix]);
    const districtIds = new Map(
      (await q.query<{ id: string; code: string }>(`SELECT id, code FROM areas WHERE city_id = $1 AND level = 'district'`, [cityId])).map(
        (r) => [r.code, r.id],
      ),
    );
    const unitIds = new Map<string, string>();
    for (const u of demoUnits) {
      const rows = await q.query<{ id: string }>(
        `INSERT INTO units (city_id, code, name, name_en, kind, district_id, phone, duties) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [cityId, u.code, u.name, u.nameEn, u.kind, u.districtCode ? (districtIds.get(u.districtCode) ?? null) : null, u.phone, u.duties],
      );
      unitIds.set(u.code, rows[0]!.id);
    }

    const userIds = new Map<string, string>();
    for (const u of demoRoleUsers) {
      userIds.set(
        u.username,
        await insertUser(q, cityId, { ...u, unitId: u.unitCode ? unitIds.get(u.unitCode)! : null, slot: u.slot ?? null, passwordHash }),
      );
    }
    // A/B staff for every unit that has no demo-role user in the slot yet.
    let n = 0;
    for (const u of demoUnits) {
      if (u.kind === 'third_party') continue;
      for (const slot of ['A', 'B'] as const) {
        if (demoRoleUsers.some((r) => r.unitCode === u.code && r.slot === slot)) continue;
        n += 1;
        await insertUser(q, cityId, {
          username: `${u.code.toLowerCase()}-${slot.toLowerCase()}`,
          displayName: `${personName(n)}（${u.name.replace(/^郑州市/, '')} ${slot}角）`,
          roles: ['unit'],
          phone: phoneOf(n),
          unitId: unitIds.get(u.code)!,
          slot,
          passwordHash,
        });
      }
    }
    for (const l of demoLeaders) {
      let id = userIds.get(l.username);
      if (!id) {
        id = await insertUser(q, cityId, { username: l.username, displayName: l.displayName, roles: ['leader'], phone: phoneOf(100 + userIds.size), passwordHash });
        userIds.set(l.username, id);
      }
      await q.query(`INSERT INTO leader_districts (city_id, user_id, area_id) VALUES ($1, $2, $3)`, [cityId, id, districtIds.get(l.districtCode)!]);
    }

    const expertUserIds: string[] = [];
    for (const [i, e] of demoExperts.entries()) {
      const userId =
        e.username !== undefined
          ? userIds.get(e.username)!
          : await insertUser(q, cityId, { username: `expert${String(i + 1).padStart(2, '0')}`, displayName: `${e.name}（专家）`, roles: ['expert'], phone: phoneOf(200 + i), passwordHash });
      expertUserIds.push(userId);
      await q.query(
        `INSERT INTO experts (city_id, user_id, name, organisation, title, phone, fields, mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [cityId, userId, e.name, e.organisation, e.title, phoneOf(200 + i), e.fields, e.mode],
      );
    }

    // Ten teams (§4.1). Team 一 holds the demo inspector (lead), expert and discipline users.
    for (const [t, group] of demoTeamGroups.entries()) {
      const team = await q.query<{ id: string }>(
        `INSERT INTO teams (city_id, name, specialist_group) VALUES ($1, $2, $3) RETURNING id`,
        [cityId, `第${teamNumerals[t]}视察组`, group],
      );
      const members: { userId: string; role: string }[] = [];
      const seat = async (role: string, demoUser: string | null, label: string, k: number) => {
        let id = demoUser ? userIds.get(demoUser) : undefined;
        if (!id) {
          const username = `team${String(t + 1).padStart(2, '0')}-${role}${k > 0 ? k + 1 : ''}`;
          const roles = role === 'discipline' ? ['discipline'] : ['inspector'];
          id = await insertUser(q, cityId, { username, displayName: `${personName(300 + t * 5 + k + members.length)}（${label}）`, roles, phone: phoneOf(300 + t * 5 + members.length), passwordHash });
        }
        members.push({ userId: id, role });
      };
      await seat('lead', t === 0 ? 'inspector' : null, '领队', 0);
      members.push({ userId: expertUserIds[(t * 2) % expertUserIds.length]!, role: 'expert' });
      members.push({ userId: expertUserIds[(t * 2 + 1) % expertUserIds.length]!, role: 'expert' });
      await seat('discipline', t === 0 ? 'discipline' : null, '纪检', 0);
      await seat('recorder', null, '记录员', 0);
      if (members.length !== Object.values(teamComposition).reduce((a, b) => a + b, 0)) throw new Error('demo team composition');
      for (const m of members) {
        await q.query(`INSERT INTO team_members (city_id, team_id, user_id, team_role) VALUES ($1, $2, $3, $4)`, [cityId, team[0]!.id, m.userId, m.role]);
      }
    }

    await q.query(`INSERT INTO api_keys (city_id, name, key_prefix, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)`, [
      cityId,
      demoApiKey.name,
      demoApiKey.key.slice(0, 8),
      sha256(demoApiKey.key),
      demoApiKey.scopes,
    ]);
    await recordAudit(q, system, { action: 'demo.seed', targetType: 'city', targetId: cityId, details: { units: demoUnits.length } });
  });
  if (opts.withCases ?? true) await seedDemoCases(db, cityId);
  return cityId;
}

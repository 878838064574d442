import { phoneFor, seesOnlyOwnUnit } from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { countUnits, insertUnit, listUnits, staffOfUnits, unitById, updateUnit, type StaffRow, type UnitRow } from './queries.ts';
import type { UnitCreateBodyT, UnitListQueryT, UnitT, UnitUpdateBodyT } from './schemas.ts';

function toUnit(actor: Actor, r: UnitRow, staff: StaffRow[]): UnitT {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    kind: r.kind,
    districtId: r.district_id,
    phone: r.phone,
    address: r.address,
    active: r.active,
    staff: staff
      .filter((s) => s.unit_id === r.id)
      .map((s) => ({
        userId: s.user_id,
        username: s.username,
        displayName: s.display_name,
        slot: s.staff_slot,
        phone: phoneFor('staff', actor.roles, s.phone),
      })),
  };
}

/** A unit's own staff and third parties see their unit only; `undefined` means no limit. */
function scopeOf(actor: Actor): string | null | undefined {
  if (!seesOnlyOwnUnit(actor.roles)) return undefined;
  return actor.kind === 'user' ? actor.unitId : null;
}

export async function unitList(db: Db, actor: Actor, query: UnitListQueryT): Promise<UnitT[]> {
  const rows = await listUnits(db, actor.cityId, { ...query, onlyId: scopeOf(actor) });
  const staff = await staffOfUnits(db, actor.cityId, rows.map((r) => r.id));
  return rows.map((r) => toUnit(actor, r, staff));
}

/**
 * The unit if the actor may see it. Another unit's id answers 404 like an
 * unknown one, so a unit's staff cannot even learn which ids exist.
 */
export async function getUnit(db: Db, actor: Actor, id: string): Promise<UnitT> {
  const scope = scopeOf(actor);
  const row = scope === undefined || scope === id ? await unitById(db, actor.cityId, id) : undefined;
  if (!row) throw new AppError('resource.not_found');
  return toUnit(actor, row, await staffOfUnits(db, actor.cityId, [id]));
}

export async function createUnit(db: Db, actor: Actor, body: UnitCreateBodyT, ip: string): Promise<UnitT> {
  const id = await db.tx(async (q) => {
    const id = await insertUnit(q, actor.cityId, {
      code: body.code,
      name: body.name,
      nameEn: body.nameEn ?? '',
      kind: body.kind,
      districtId: body.districtId ?? null,
      phone: body.phone ?? null,
      address: body.address ?? null,
    });
    await recordAudit(q, actor, { action: 'unit.create', targetType: 'unit', targetId: id, details: { ...body }, ip });
    return id;
  });
  return getUnit(db, actor, id);
}

export async function editUnit(db: Db, actor: Actor, id: string, patch: UnitUpdateBodyT, ip: string): Promise<UnitT> {
  await db.tx(async (q) => {
    const before = await unitById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    const after: UnitRow = {
      ...before,
      ...(patch.code !== undefined && { code: patch.code }),
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
      ...(patch.kind !== undefined && { kind: patch.kind }),
      ...(patch.districtId !== undefined && { district_id: patch.districtId }),
      ...(patch.phone !== undefined && { phone: patch.phone }),
      ...(patch.address !== undefined && { address: patch.address }),
      ...(patch.active !== undefined && { active: patch.active }),
    };
    await updateUnit(q, actor.cityId, id, after);
    const changed = Object.fromEntries(
      (Object.keys(after) as (keyof UnitRow)[]).filter((k) => after[k] !== before[k]).map((k) => [k, { before: before[k], after: after[k] }]),
    );
    await recordAudit(q, actor, { action: 'unit.update', targetType: 'unit', targetId: id, details: { changed }, ip });
  });
  return getUnit(db, actor, id);
}

/** For other modules: how many of `ids` are units of the city (checks references up front). */
export async function countExistingUnits(db: Db, cityId: string, ids: string[]): Promise<number> {
  return countUnits(db, cityId, ids);
}

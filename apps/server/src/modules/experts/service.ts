import { phoneFor } from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { expertById, insertExpert, listExperts, setConflicts, updateExpert, type ExpertRow } from './queries.ts';
import type { ExpertCreateBodyT, ExpertListQueryT, ExpertT, ExpertUpdateBodyT } from './schemas.ts';

function toExpert(actor: Actor, r: ExpertRow): ExpertT {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    organisation: r.organisation,
    title: r.title,
    phone: phoneFor('expert', actor.roles, r.phone),
    fields: r.fields,
    mode: r.mode,
    available: r.available,
    conflictUnitIds: r.conflict_unit_ids,
  };
}

export async function expertList(db: Db, actor: Actor, query: ExpertListQueryT): Promise<ExpertT[]> {
  return (await listExperts(db, actor.cityId, query)).map((r) => toExpert(actor, r));
}

export async function getExpert(db: Queryable, actor: Actor, id: string): Promise<ExpertT> {
  const row = await expertById(db, actor.cityId, id);
  if (!row) throw new AppError('resource.not_found');
  return toExpert(actor, row);
}

// Unknown user or unit ids fail on their foreign keys and answer `reference.unknown`.
export async function createExpert(db: Db, actor: Actor, body: ExpertCreateBodyT, ip: string): Promise<ExpertT> {
  return db.tx(async (q) => {
    const id = await insertExpert(q, actor.cityId, {
      user_id: body.userId ?? null,
      name: body.name,
      organisation: body.organisation ?? '',
      title: body.title ?? '',
      phone: body.phone ?? null,
      fields: body.fields,
      mode: body.mode,
      available: body.available ?? true,
    });
    if (body.conflictUnitIds?.length) await setConflicts(q, actor.cityId, id, body.conflictUnitIds);
    const { phone: _phone, ...details } = body;
    await recordAudit(q, actor, { action: 'expert.create', targetType: 'expert', targetId: id, details, ip });
    return getExpert(q, actor, id);
  });
}

export async function editExpert(db: Db, actor: Actor, id: string, patch: ExpertUpdateBodyT, ip: string): Promise<ExpertT> {
  return db.tx(async (q) => {
    const before = await expertById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    await updateExpert(q, actor.cityId, id, {
      user_id: patch.userId !== undefined ? patch.userId : before.user_id,
      name: patch.name ?? before.name,
      organisation: patch.organisation ?? before.organisation,
      title: patch.title ?? before.title,
      phone: patch.phone !== undefined ? patch.phone : before.phone,
      fields: patch.fields ?? before.fields,
      mode: patch.mode ?? before.mode,
      available: patch.available ?? before.available,
    });
    if (patch.conflictUnitIds) await setConflicts(q, actor.cityId, id, patch.conflictUnitIds);
    const { phone: _phone, ...after } = patch;
    const { phone: _p, ...was } = before;
    await recordAudit(q, actor, {
      action: 'expert.update',
      targetType: 'expert',
      targetId: id,
      details: { before: was, after, ...(patch.phone !== undefined && { phoneChanged: true }) },
      ip,
    });
    return getExpert(q, actor, id);
  });
}

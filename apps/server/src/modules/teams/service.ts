import { seatProblems, seesOnlyOwnTeams, teamCompositionProblems, type TeamMemberRef } from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { usersForSeats } from '../users/service.ts';
import { deleteTeam, insertTeam, listTeams, membersOf, setMembers, teamById, updateTeam, type MemberRow, type TeamRow } from './queries.ts';
import type { TeamCreateBodyT, TeamT, TeamUpdateBodyT } from './schemas.ts';

function toTeam(r: TeamRow, members: MemberRow[]): TeamT {
  return {
    id: r.id,
    name: r.name,
    specialistGroup: r.specialist_group,
    members: members
      .filter((m) => m.team_id === r.id)
      .map((m) => ({ userId: m.user_id, username: m.username, displayName: m.display_name, teamRole: m.team_role })),
  };
}

/** An inspector sees the teams they sit in; `undefined` means every team. */
function memberScope(actor: Actor): string | null | undefined {
  if (!seesOnlyOwnTeams(actor.roles)) return undefined;
  return actor.kind === 'user' ? actor.userId : null;
}

export async function teamList(db: Db, actor: Actor): Promise<TeamT[]> {
  const rows = await listTeams(db, actor.cityId, memberScope(actor));
  const members = await membersOf(db, actor.cityId, rows.map((r) => r.id));
  return rows.map((r) => toTeam(r, members));
}

export async function getTeam(db: Queryable, actor: Actor, id: string): Promise<TeamT> {
  const row = await teamById(db, actor.cityId, id);
  const members = row ? await membersOf(db, actor.cityId, [id]) : [];
  const scope = memberScope(actor);
  // Another team is answered like an unknown one.
  if (!row || (scope !== undefined && !members.some((m) => m.user_id === scope))) throw new AppError('resource.not_found');
  return toTeam(row, members);
}

/** The plan's composition (§4.1), then every seat held by an active person with the fitting role. */
async function checkMembers(q: Queryable, cityId: string, members: TeamMemberRef[]) {
  const composition = teamCompositionProblems(members);
  if (composition.length > 0) throw new AppError('team.bad_composition', { problems: composition });
  const people = await usersForSeats(q, cityId, members.map((m) => m.userId));
  const unknown = members.filter((m) => !people.some((p) => p.id === m.userId)).map((m) => m.userId);
  if (unknown.length > 0) throw new AppError('reference.unknown', { userIds: unknown });
  const unfit = seatProblems(members.map((m) => ({ ...m, roles: people.find((p) => p.id === m.userId)!.roles })));
  if (unfit.length > 0) throw new AppError('team.unfit_member', { problems: unfit });
}

export async function createTeam(db: Db, actor: Actor, body: TeamCreateBodyT, ip: string): Promise<TeamT> {
  return db.tx(async (q) => {
    await checkMembers(q, actor.cityId, body.members);
    const id = await insertTeam(q, actor.cityId, body);
    await setMembers(q, actor.cityId, id, body.members);
    await recordAudit(q, actor, { action: 'team.create', targetType: 'team', targetId: id, details: { ...body }, ip });
    return getTeam(q, actor, id);
  });
}

export async function editTeam(db: Db, actor: Actor, id: string, patch: TeamUpdateBodyT, ip: string): Promise<TeamT> {
  return db.tx(async (q) => {
    const before = await teamById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    if (patch.members) await checkMembers(q, actor.cityId, patch.members);
    await updateTeam(q, actor.cityId, id, { name: patch.name ?? before.name, specialistGroup: patch.specialistGroup ?? before.specialist_group });
    let membersBefore: { userId: string; teamRole: string }[] | undefined;
    if (patch.members) {
      membersBefore = (await membersOf(q, actor.cityId, [id])).map((m) => ({ userId: m.user_id, teamRole: m.team_role }));
      await setMembers(q, actor.cityId, id, patch.members);
    }
    await recordAudit(q, actor, {
      action: 'team.update',
      targetType: 'team',
      targetId: id,
      details: { before: { name: before.name, specialistGroup: before.specialist_group, ...(membersBefore && { members: membersBefore }) }, after: patch },
      ip,
    });
    return getTeam(q, actor, id);
  });
}

export async function removeTeam(db: Db, actor: Actor, id: string, ip: string): Promise<void> {
  await db.tx(async (q) => {
    const before = await teamById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    const members = (await membersOf(q, actor.cityId, [id])).map((m) => ({ userId: m.user_id, teamRole: m.team_role }));
    await deleteTeam(q, actor.cityId, id);
    await recordAudit(q, actor, {
      action: 'team.delete',
      targetType: 'team',
      targetId: id,
      details: { name: before.name, specialistGroup: before.specialist_group, members },
      ip,
    });
  });
}

import type { Queryable } from '../../db/index.ts';
import type { SpecialistGroup, TeamRole } from '@cityloop/domain';

export interface TeamRow {
  id: string;
  name: string;
  specialist_group: SpecialistGroup;
}

export interface MemberRow {
  team_id: string;
  user_id: string;
  username: string;
  display_name: string;
  team_role: TeamRole;
}

/** All teams, or when `memberId` is given only the teams that person sits in. */
export async function listTeams(q: Queryable, cityId: string, memberId?: string | null): Promise<TeamRow[]> {
  return q.query<TeamRow>(
    `SELECT t.id, t.name, t.specialist_group FROM teams t
      WHERE t.city_id = $1
        AND ($2::boolean IS FALSE OR EXISTS (
              SELECT 1 FROM team_members m WHERE m.city_id = t.city_id AND m.team_id = t.id AND m.user_id = $3::uuid))
      ORDER BY t.name`,
    [cityId, memberId !== undefined, memberId ?? null],
  );
}

export async function teamById(q: Queryable, cityId: string, id: string): Promise<TeamRow | undefined> {
  return (await q.query<TeamRow>(`SELECT id, name, specialist_group FROM teams WHERE city_id = $1 AND id = $2`, [cityId, id]))[0];
}

const seatOrder = `array_position(ARRAY['lead','expert','discipline','recorder']::text[], m.team_role)`;

export async function membersOf(q: Queryable, cityId: string, teamIds: string[]): Promise<MemberRow[]> {
  if (teamIds.length === 0) return [];
  return q.query<MemberRow>(
    `SELECT m.team_id, m.user_id, u.username, u.display_name, m.team_role
       FROM team_members m JOIN users u ON u.city_id = m.city_id AND u.id = m.user_id
      WHERE m.city_id = $1 AND m.team_id = ANY($2::uuid[])
      ORDER BY m.team_id, ${seatOrder}, u.username`,
    [cityId, teamIds],
  );
}

export async function insertTeam(q: Queryable, cityId: string, t: { name: string; specialistGroup: string }): Promise<string> {
  const rows = await q.query<{ id: string }>(`INSERT INTO teams (city_id, name, specialist_group) VALUES ($1, $2, $3) RETURNING id`, [
    cityId,
    t.name,
    t.specialistGroup,
  ]);
  return rows[0]!.id;
}

export async function updateTeam(q: Queryable, cityId: string, id: string, t: { name: string; specialistGroup: string }): Promise<void> {
  await q.query(`UPDATE teams SET name = $3, specialist_group = $4 WHERE city_id = $1 AND id = $2`, [cityId, id, t.name, t.specialistGroup]);
}

export async function setMembers(q: Queryable, cityId: string, teamId: string, members: { userId: string; teamRole: string }[]): Promise<void> {
  await q.query(`DELETE FROM team_members WHERE city_id = $1 AND team_id = $2`, [cityId, teamId]);
  if (members.length === 0) return;
  await q.query(
    `INSERT INTO team_members (city_id, team_id, user_id, team_role)
     SELECT $1, $2, x.user_id, x.team_role FROM unnest($3::uuid[], $4::text[]) AS x(user_id, team_role)`,
    [cityId, teamId, members.map((m) => m.userId), members.map((m) => m.teamRole)],
  );
}

export async function deleteTeam(q: Queryable, cityId: string, id: string): Promise<boolean> {
  return (await q.query(`DELETE FROM teams WHERE city_id = $1 AND id = $2 RETURNING id`, [cityId, id])).length > 0;
}

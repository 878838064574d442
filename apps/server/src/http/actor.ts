import type { Role, UserRole } from '@cityloop/domain';

/** Who is calling: resolved once per request by the auth hook, passed to services. */
export type Actor =
  | {
      kind: 'user';
      cityId: string;
      userId: string;
      username: string;
      displayName: string;
      roles: UserRole[];
      unitId: string | null;
      csrfToken: string;
    }
  | { kind: 'apikey'; cityId: string; keyId: string; name: string; roles: ['integration']; scopes: string[] }
  | { kind: 'anonymous'; cityId: string; roles: [] }
  /** The platform itself: start-up seeding and scheduled jobs. */
  | { kind: 'system'; cityId: string; roles: ['admin'] };

export function systemActor(cityId: string): Actor {
  return { kind: 'system', cityId, roles: ['admin'] };
}

export function actorRoles(actor: Actor): Role[] {
  return actor.roles;
}

export function actorLabel(actor: Actor): string {
  if (actor.kind === 'user') return actor.username;
  if (actor.kind === 'apikey') return `apikey:${actor.name}`;
  return actor.kind;
}

export function actorId(actor: Actor): string | null {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'apikey') return actor.keyId;
  return null;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

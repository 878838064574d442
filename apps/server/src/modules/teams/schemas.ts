import { Type, type Static } from 'typebox';
import { specialistGroups, teamRoles } from '@cityloop/domain';

export const TeamRole = Type.Enum([...teamRoles]);
export const SpecialistGroup = Type.Enum([...specialistGroups]);

export const TeamMember = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  teamRole: TeamRole,
});

export const Team = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    specialistGroup: SpecialistGroup,
    members: Type.Array(TeamMember),
  },
  { $id: 'Team' },
);
export type TeamT = Static<typeof Team>;

export const TeamIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const Seat = Type.Object({ userId: Type.String({ format: 'uuid' }), teamRole: TeamRole }, { additionalProperties: false });
const seats = Type.Array(Seat, { maxItems: 50 });

export const TeamCreateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), specialistGroup: SpecialistGroup, members: seats },
  { additionalProperties: false },
);
export type TeamCreateBodyT = Static<typeof TeamCreateBody>;

export const TeamUpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    specialistGroup: Type.Optional(SpecialistGroup),
    /** replaces the whole team */
    members: Type.Optional(seats),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TeamUpdateBodyT = Static<typeof TeamUpdateBody>;

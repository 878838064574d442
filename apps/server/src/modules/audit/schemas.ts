import { Type, type Static } from 'typebox';

export const AuditEvent = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
  hash: Type.String(),
});

export const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
});
export type AuditQueryT = Static<typeof AuditQuery>;

export const AuditVerification = Type.Object({
  ok: Type.Boolean(),
  events: Type.Integer(),
  brokenAt: Type.Union([Type.Integer(), Type.Null()]),
});

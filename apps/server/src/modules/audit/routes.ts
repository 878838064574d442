import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { AuditEvent, AuditQuery, AuditVerification } from './schemas.ts';
import { auditLog, verifyAuditChain } from './service.ts';

export default async function auditRoutes(app: App) {
  app.get(
    '/audit-events',
    {
      config: { permission: 'audit.read' },
      schema: { tags: ['audit'], summary: 'Logins and admin changes, newest first', querystring: AuditQuery, response: { 200: Type.Array(AuditEvent) } },
    },
    async (request) => {
      const rows = await auditLog(app.db, request.actor, { ...request.query, limit: request.query.limit ?? 100 });
      return rows.map((r) => ({
        seq: r.seq,
        at: new Date(r.at).toISOString(),
        actorId: r.actor_id,
        actorLabel: r.actor_label,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        details: r.details,
        ip: r.ip,
        hash: r.hash,
      }));
    },
  );
  app.get(
    '/audit-events/verify',
    {
      config: { permission: 'audit.read' },
      schema: { tags: ['audit'], summary: 'Recompute the hash chain; reports the first altered event', response: { 200: AuditVerification } },
    },
    async (request) => verifyAuditChain(app.db, request.actor.cityId),
  );
}

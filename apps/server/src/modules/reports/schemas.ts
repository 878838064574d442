import { Type, type Static } from 'typebox';
import { problemStatuses } from '@cityloop/domain';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CitizenReportBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 2000, description: 'what is wrong' }),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    mediaIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 9, description: 'ids from POST /uploads, 1–9 photos' })),
    subcategoryCode: Type.Optional(Type.String({ maxLength: 20, description: 'the category the citizen picked (else suggested)' })),
    phone: Type.Optional(Type.String({ maxLength: 30 })),
    name: Type.Optional(Type.String({ maxLength: 50 })),
    deviceId: Type.Optional(Type.String({ maxLength: 100, description: 'an anonymous id the page keeps, to find one’s reports again' })),
    clientId: Type.Optional(Type.String({ maxLength: 100, description: 'idempotency key: a retried submit returns the first receipt' })),
  },
  { additionalProperties: false },
);
export type CitizenReportBodyT = Static<typeof CitizenReportBody>;

/** What the citizen gets back at once: their ticket, and nothing about anyone else. */
export const CitizenReceipt = Type.Object({
  ticket: Type.String(),
  serviceRequestId: Type.String(),
  status: Type.Enum([...problemStatuses]),
  statusLabel: Type.String(),
  merged: Type.Boolean(),
  duplicate: Type.Boolean(),
  area: Type.Object({ districtCode: Type.String(), gridCode: Nullable(Type.String()) }),
  subcategoryCode: Nullable(Type.String()),
  classificationConfidence: Nullable(Type.Number()),
  submittedAt: Type.String(),
});

export const TicketParams = Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 40 }) });

export const ReportStatus = Type.Object({
  ticket: Type.String(),
  status: Type.Enum([...problemStatuses]),
  statusLabel: Type.String(),
  statusCategory: Type.Enum(['open', 'in_progress', 'closed']),
  category: Nullable(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() })),
  submittedAt: Type.String(),
  history: Type.Array(Type.Object({ at: Type.String(), status: Type.Enum([...problemStatuses]), note: Type.String() })),
});

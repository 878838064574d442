import { Type, type Static } from 'typebox';
import { sensorTypes, thresholdKinds } from './thresholds.ts';

const lng = Type.Number({ minimum: -180, maximum: 180 });
const lat = Type.Number({ minimum: -90, maximum: 90 });

export const SensorReading = Type.Object(
  {
    sensorId: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Enum([...sensorTypes]),
    value: Type.Number(),
    unit: Type.String({ minLength: 1, maxLength: 20 }),
    lng,
    lat,
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export const SensorReadingsBody = Type.Array(SensorReading, { minItems: 1, maxItems: 1000 });
export type SensorReadingsBodyT = Static<typeof SensorReadingsBody>;

const outcome = Type.Enum(['clue', 'reading', 'duplicate', 'rejected']);
const receiptFields = {
  ticket: Type.Optional(Type.String()),
  serviceRequestId: Type.Optional(Type.String()),
  problemId: Type.Optional(Type.String()),
  merged: Type.Optional(Type.Boolean()),
  error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
};

export const SensorReadingsResult = Type.Object({
  received: Type.Integer(),
  clues: Type.Integer(),
  readings: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      sensorId: Type.String(),
      status: outcome,
      value: Type.Number({ description: 'in the threshold’s unit' }),
      threshold: Type.Number(),
      unit: Type.String(),
      ...receiptFields,
    }),
  ),
});
export type SensorReadingsResultT = Static<typeof SensorReadingsResult>;

export const DetectionBody = Type.Object(
  {
    detectorId: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. pothole, garbage, illegal_construction, waterlogging, manhole, …' }),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    lng,
    lat,
    at: Type.String({ format: 'date-time' }),
    imageUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type DetectionBodyT = Static<typeof DetectionBody>;

export const DetectionResult = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  status: Type.Enum(['clue', 'stored', 'duplicate']),
  confidence: Type.Number(),
  floor: Type.Number(),
  ...receiptFields,
});
export type DetectionResultT = Static<typeof DetectionResult>;

export const Threshold = Type.Object({
  kind: Type.Enum([...thresholdKinds]),
  label: Type.Object({ zh: Type.String(), en: Type.String() }),
  limit: Type.Number(),
  unit: Type.String(),
  acceptedUnits: Type.Array(Type.String()),
  configured: Type.Boolean({ description: 'false: the built-in default applies' }),
  default: Type.Number(),
  basis: Type.String(),
});
export const Thresholds = Type.Array(Threshold);
export type ThresholdT = Static<typeof Threshold>;

export const ThresholdsPutBody = Type.Array(
  Type.Object({ kind: Type.Enum([...thresholdKinds]), limit: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
  { minItems: 1, maxItems: thresholdKinds.length },
);
export type ThresholdsPutBodyT = Static<typeof ThresholdsPutBody>;

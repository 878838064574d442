import { Type, type Static } from 'typebox';

export const LabelScore = Type.Object({ precision: Type.Number(), recall: Type.Number(), support: Type.Integer() });

export const CrossValidation = Type.Object(
  {
    k: Type.Integer({ description: 'number of folds' }),
    examples: Type.Integer({ description: 'examples tested, each exactly once' }),
    accuracy: Type.Number(),
    macroF1: Type.Number(),
    perLabel: Type.Record(Type.String(), LabelScore),
  },
  { $id: 'CrossValidation' },
);

export const TrainBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    examples: Type.Array(Type.Object({ text: Type.String({ maxLength: 5000 }), label: Type.String({ minLength: 1, maxLength: 100 }) })),
  },
  { additionalProperties: false },
);
export type TrainBodyT = Static<typeof TrainBody>;

export const ModelSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  labels: Type.Array(Type.String()),
  trainedAt: Type.String({ format: 'date-time' }),
  examples: Type.Integer(),
  crossValidation: Type.Optional(CrossValidation),
});
export type ModelSummaryT = Static<typeof ModelSummary>;

export const ModelIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const PredictBody = Type.Object({ texts: Type.Array(Type.String({ maxLength: 5000 })) }, { additionalProperties: false });

export const Predictions = Type.Object({
  predictions: Type.Array(Type.Object({ label: Type.String(), confidence: Type.Number({ minimum: 0, maximum: 1 }) })),
});
export type PredictionsT = Static<typeof Predictions>;

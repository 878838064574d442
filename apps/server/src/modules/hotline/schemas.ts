import { Type, type Static } from 'typebox';
import { importFields } from './table.ts';

export const ImportSource = Type.Enum(['hotline', 'audit']);
export const Mapping = Type.Object(Object.fromEntries(importFields.map((f) => [f, Type.Optional(Type.String({ minLength: 1 }))])), {
  additionalProperties: false,
  description: 'field → column name',
});
export type MappingT = Static<typeof Mapping>;

export const Preview = Type.Object({
  format: Type.Enum(['csv', 'xlsx']),
  encoding: Type.String(),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.String()), { description: 'the first rows, header excluded' }),
  rowCount: Type.Integer(),
  suggestedMapping: Mapping,
  fields: Type.Array(Type.String()),
});
export type PreviewT = Static<typeof Preview>;

const Failure = Type.Object({ row: Type.Integer({ description: 'row number in the file, the header being row 1' }), code: Type.String(), reason: Type.String() });

export const ImportBatch = Type.Object({
  id: Type.String(),
  source: ImportSource,
  fileName: Type.String(),
  format: Type.Enum(['csv', 'xlsx']),
  encoding: Type.String(),
  mapping: Mapping,
  total: Type.Integer(),
  created: Type.Integer({ description: 'new reports (merged ones included)' }),
  merged: Type.Integer({ description: 'of those, joined to an existing problem' }),
  duplicates: Type.Integer({ description: 'rows imported before (same source id or same row): nothing added' }),
  failed: Type.Integer(),
  failures: Type.Array(Failure),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ImportBatchT = Static<typeof ImportBatch>;

export const ImportListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) });

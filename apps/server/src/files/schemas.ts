import { Type, type Static } from 'typebox';

export const Upload = Type.Object(
  {
    id: Type.String(),
    mime: Type.String(),
    bytes: Type.Integer(),
    width: Type.Union([Type.Integer(), Type.Null()]),
    height: Type.Union([Type.Integer(), Type.Null()]),
    /** read from the original; the public copy and thumbnail carry none of it */
    exif: Type.Object({
      lng: Type.Optional(Type.Number()),
      lat: Type.Optional(Type.Number()),
      takenAt: Type.Optional(Type.String()),
    }),
    phash: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Upload' },
);
export type UploadT = Static<typeof Upload>;

export const FileIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

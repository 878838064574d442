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

/** A close-out document as stored (POST /evidence): a PDF kept as sent, or a photo. */
export const EvidenceFile = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum(['pdf', 'photo']),
    mime: Type.String(),
    name: Type.String(),
    bytes: Type.Integer(),
    width: Type.Union([Type.Integer(), Type.Null()]),
    height: Type.Union([Type.Integer(), Type.Null()]),
    /** a photo's perceptual hash (reuse across cases is a fraud signal); null for a PDF */
    phash: Type.Union([Type.String(), Type.Null()]),
    /** GET it here: the PDF, or the photo's EXIF-free copy */
    url: Type.String(),
  },
  { $id: 'EvidenceFile' },
);
export type EvidenceFileT = Static<typeof EvidenceFile>;


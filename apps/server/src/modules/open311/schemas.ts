import { Type, type Static } from 'typebox';

/**
 * Open311 GeoReport v2 arguments, as the spec names them. Every value is a
 * string on the wire; the service parses and judges them, so a bad value gets
 * the spec's error format with a reason rather than a schema dump.
 */
const format = Type.String({ description: '`json` or `xml`' });
const jurisdiction_id = Type.Optional(Type.String({ description: 'The city code; defaults to the city of the caller or the deployment' }));

export const FormatParams = Type.Object({ format });
export const ServiceParams = Type.Object({ service_code: Type.String(), format });
export const RequestParams = Type.Object({ service_request_id: Type.String(), format });
export const TokenParams = Type.Object({ token: Type.String(), format });

export const JurisdictionQuery = Type.Object({ jurisdiction_id });
export type JurisdictionQueryT = Static<typeof JurisdictionQuery>;

export const RequestsQuery = Type.Object({
  jurisdiction_id,
  service_request_id: Type.Optional(Type.String({ description: 'One or more ids, comma separated; overrides every other argument' })),
  service_code: Type.Optional(Type.String({ description: 'One or more service codes, comma separated' })),
  start_date: Type.Optional(Type.String({ description: 'W3C datetime; with end_date at most 90 days apart' })),
  end_date: Type.Optional(Type.String({ description: 'W3C datetime' })),
  status: Type.Optional(Type.String({ description: '`open`, `closed` or both, comma separated' })),
});
export type RequestsQueryT = Static<typeof RequestsQuery>;

/**
 * Shapes the console exchanges with the server: TYPES ONLY, taken from the
 * server's TypeBox schemas (one schema per shape), never hand-copied.
 */
import type { Static } from "typebox";
import type { Me } from "@cityloop/server/schemas/auth";
import type { City, Basemap } from "@cityloop/server/schemas/city";
import type {
  AreaSummary,
  AreaFeature,
  AreaFeatureCollection,
  LocateResult,
  AreaUpdateBody,
  ImportResult,
} from "@cityloop/server/schemas/areas";
import type {
  AuditEvent,
  AuditVerification,
} from "@cityloop/server/schemas/audit";
import type { Settings } from "@cityloop/server/schemas/settings";
import type {
  Unit,
  UnitStaff,
  UnitCreateBody,
  UnitUpdateBody,
} from "@cityloop/server/schemas/units";
import type {
  User,
  UserCreateBody,
  UserUpdateBody,
} from "@cityloop/server/schemas/users";
import type {
  Team,
  TeamMember,
  TeamCreateBody,
  TeamUpdateBody,
} from "@cityloop/server/schemas/teams";
import type {
  Expert,
  ExpertCreateBody,
  ExpertUpdateBody,
} from "@cityloop/server/schemas/experts";
import type {
  ApiKey,
  NewApiKey,
  ApiKeyCreateBody,
} from "@cityloop/server/schemas/apikeys";

export type MeT = Static<typeof Me>;
export type CityT = Static<typeof City>;
export type BasemapT = Static<typeof Basemap>;
export type AreaSummaryT = Static<typeof AreaSummary>;
export type AreaFeatureT = Static<typeof AreaFeature>;
export type AreaCollectionT = Static<typeof AreaFeatureCollection>;
export type LocateResultT = Static<typeof LocateResult>;
export type AreaUpdateT = Static<typeof AreaUpdateBody>;
export type ImportResultT = Static<typeof ImportResult>;
export type AuditEventT = Static<typeof AuditEvent>;
export type AuditVerificationT = Static<typeof AuditVerification>;
export type SettingsT = Static<typeof Settings>;

export type UnitT = Static<typeof Unit>;
export type UnitStaffT = Static<typeof UnitStaff>;
export type UnitCreateT = Static<typeof UnitCreateBody>;
export type UnitUpdateT = Static<typeof UnitUpdateBody>;

export type UserT = Static<typeof User>;
export type UserCreateT = Static<typeof UserCreateBody>;
export type UserUpdateT = Static<typeof UserUpdateBody>;

export type TeamT = Static<typeof Team>;
export type TeamMemberT = Static<typeof TeamMember>;
export type TeamCreateT = Static<typeof TeamCreateBody>;
export type TeamUpdateT = Static<typeof TeamUpdateBody>;

export type ExpertT = Static<typeof Expert>;
export type ExpertCreateT = Static<typeof ExpertCreateBody>;
export type ExpertUpdateT = Static<typeof ExpertUpdateBody>;

export type ApiKeyT = Static<typeof ApiKey>;
export type ApiKeyCreatedT = Static<typeof NewApiKey>;
export type ApiKeyCreateT = Static<typeof ApiKeyCreateBody>;

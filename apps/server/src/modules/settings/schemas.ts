import { Type, type Static } from 'typebox';
import { Basemap } from '../city/schemas.ts';

export const Settings = Type.Object({ basemap: Basemap });
export type SettingsT = Static<typeof Settings>;

export const SettingsPatch = Type.Object({ basemap: Type.Optional(Basemap) }, { additionalProperties: false, minProperties: 1 });
export type SettingsPatchT = Static<typeof SettingsPatch>;

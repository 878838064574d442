export * from './roles.ts';
export * from './areas.ts';
export * from './accounts.ts';
export * from './org.ts';
export * from './geojson.ts';

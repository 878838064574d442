/**
 * Structural checks of GeoJSON area geometry, before PostGIS sees it.
 * PostGIS then checks topology (self-intersections) with its own reasons.
 */
export type Position = number[];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

function isPosition(p: unknown): p is Position {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

function ringProblems(ring: unknown, where: string): string[] {
  if (!Array.isArray(ring)) return [`${where}: a ring must be an array of positions`];
  if (!ring.every(isPosition)) return [`${where}: every position must be [longitude, latitude] numbers`];
  const problems: string[] = [];
  if (ring.length < 4) problems.push(`${where}: a ring needs at least 4 positions`);
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (ring.length > 0 && (first[0] !== last[0] || first[1] !== last[1])) problems.push(`${where}: the ring is not closed`);
  for (const [lng, lat] of ring as Position[]) {
    if (lng! < -180 || lng! > 180 || lat! < -90 || lat! > 90) {
      problems.push(`${where}: position [${lng}, ${lat}] is outside longitude/latitude range`);
      break;
    }
  }
  return problems;
}

function polygonProblems(rings: unknown, where: string): string[] {
  if (!Array.isArray(rings) || rings.length === 0) return [`${where}: a polygon needs at least one ring`];
  return rings.flatMap((r, i) => ringProblems(r, `${where} ring ${i}`));
}

/** Problems with an area geometry; an empty list means it is a well-formed (Multi)Polygon. */
export function areaGeometryProblems(geometry: unknown): string[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object') return ['geometry is missing'];
  if (g.type === 'Polygon') return polygonProblems(g.coordinates, 'polygon');
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return ['multipolygon: needs at least one polygon'];
    return g.coordinates.flatMap((p, i) => polygonProblems(p, `polygon ${i}`));
  }
  return [`geometry type ${String(g.type)} is not Polygon or MultiPolygon`];
}

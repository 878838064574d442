/**
 * Deterministic generator of the demo city's area polygons (郑州市).
 *
 *   node --import tsx scripts/generate-demo-areas.ts
 *
 * Reads  apps/server/demo/zhengzhou-districts.geojson (12 real county-level polygons, GCJ-02)
 * Writes apps/server/demo/areas.geojson (WGS-84), one feature per line, parents before children:
 *
 *   district  片区     6   unions of real county polygons            generated: false
 *   county    区县     12  the real polygons, converted GCJ-02→WGS-84  generated: false
 *   street    街道     seeded Voronoi split of the six urban 区        generated: true
 *   community 社区     seeded Voronoi split of every street            generated: true
 *   grid      单元网格 ~100 m × 100 m cells over some communities      generated: true
 *
 * Everything random comes from mulberry32 seeded by a hash of the area code, so the output
 * is byte-identical on every run. The script fails loudly if any output polygon is invalid,
 * if a child is not inside its parent, or if siblings do not tile their parent.
 * See apps/server/demo/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import gcoordModule from 'gcoord';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { seededRandom } from '@cityloop/domain';

// gcoord's CommonJS build sets module.exports to the API, while its .d.ts declares an ES
// default export; under NodeNext typing the API is therefore `.default`. Accept both shapes.
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_DIR = path.join(ROOT, 'apps', 'server', 'demo');
const SOURCE_FILE = path.join(DEMO_DIR, 'zhengzhou-districts.geojson');
const OUTPUT_FILE = path.join(DEMO_DIR, 'areas.geojson');

/** Global seed (7·20, the 2021 Zhengzhou flood). Change it and every generated polygon changes. */
const SEED = 20210720;
/** Lloyd relaxation rounds applied to the Voronoi seeds (makes cells more even, still seeded). */
const LLOYD_ROUNDS = 3;
/** Budget for the number of grid cells in the file (keeps it small). */
const MAX_GRID_CELLS = 12_000;
/** Grid cell side: 100 m, i.e. ~10,000 m² per cell (GB/T 30428.1 单元网格). */
const GRID_CELL_KM = 0.1;
/** Clipped grid cells smaller than this are slivers and are dropped. */
const MIN_GRID_CELL_M2 = 1_000;
/** Parts/holes below this in the source (1/1024° quantisation artefacts, all < 0.07 km²) are dropped. */
const MIN_SOURCE_PART_M2 = 100_000;
/** Parts below this in generated street/community polygons are dropped as slivers. */
const MIN_GENERATED_PART_M2 = 1_000;
/** Relative slop allowed when checking that a child lies inside its parent. */
const CONTAINMENT_TOLERANCE = 5e-4;
/** Largest displacement of a point by rounding to 6 decimals at this latitude (≈ 0.055 m). */
const ROUNDING_SHIFT_M = 0.06;
/** WGS-84 position of 二七纪念塔 (Erqi Memorial Tower): must fall in 二七区 after conversion. */
const ERQI_TOWER_WGS84: Position = [113.6604, 34.7538];

type Level = 'district' | 'county' | 'street' | 'community' | 'grid';
const CHILD_LEVEL: Record<Level, string> = {
  district: 'county',
  county: 'street',
  street: 'community',
  community: 'grid',
  grid: '-',
};
interface AreaProps {
  level: Level;
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
  generated: boolean;
}
type AreaGeom = Polygon | MultiPolygon;
type AreaFeature = Feature<AreaGeom, AreaProps>;
type Ring = Position[];
type Poly = Ring[];

interface CountyInfo {
  name: string;
  nameEn: string;
}
const COUNTIES: Record<string, CountyInfo> = {
  '410102': { name: '中原区', nameEn: 'Zhongyuan District' },
  '410103': { name: '二七区', nameEn: 'Erqi District' },
  '410104': { name: '管城回族区', nameEn: 'Guancheng Hui District' },
  '410105': { name: '金水区', nameEn: 'Jinshui District' },
  '410106': { name: '上街区', nameEn: 'Shangjie District' },
  '410108': { name: '惠济区', nameEn: 'Huiji District' },
  '410122': { name: '中牟县', nameEn: 'Zhongmu County' },
  '410181': { name: '巩义市', nameEn: 'Gongyi City' },
  '410182': { name: '荥阳市', nameEn: 'Xingyang City' },
  '410183': { name: '新密市', nameEn: 'Xinmi City' },
  '410184': { name: '新郑市', nameEn: 'Xinzheng City' },
  '410185': { name: '登封市', nameEn: 'Dengfeng City' },
};

/** The six 片区, each named after its urban 区 and grouped with adjacent counties. */
const DISTRICTS: { code: string; name: string; nameEn: string; counties: string[] }[] = [
  { code: 'ZZ-D01', name: '中原片区', nameEn: 'Zhongyuan Area', counties: ['410102', '410182'] },
  { code: 'ZZ-D02', name: '二七片区', nameEn: 'Erqi Area', counties: ['410103', '410183', '410185'] },
  { code: 'ZZ-D03', name: '管城片区', nameEn: 'Guancheng Area', counties: ['410104', '410184', '410122'] },
  { code: 'ZZ-D04', name: '金水片区', nameEn: 'Jinshui Area', counties: ['410105'] },
  { code: 'ZZ-D05', name: '惠济片区', nameEn: 'Huiji Area', counties: ['410108'] },
  { code: 'ZZ-D06', name: '上街片区', nameEn: 'Shangjie Area', counties: ['410106', '410181'] },
];

/**
 * Streets (街道) of the six urban 区. The names are real 街道办事处 of each 区, but only a
 * subset, and the polygons are synthetic: a name's position has nothing to do with the
 * real street office's territory.
 */
const STREETS: Record<string, [string, string][]> = {
  '410102': [
    ['林山寨街道', 'Linshanzhai'],
    ['建设路街道', 'Jianshelu'],
    ['棉纺路街道', 'Mianfanglu'],
    ['桐柏路街道', 'Tongbailu'],
    ['秦岭路街道', 'Qinlinglu'],
    ['三官庙街道', 'Sanguanmiao'],
    ['须水街道', 'Xushui'],
  ],
  '410103': [
    ['淮河路街道', 'Huaihelu'],
    ['解放路街道', 'Jiefanglu'],
    ['铭功路街道', 'Minggonglu'],
    ['德化街街道', 'Dehuajie'],
    ['嵩山路街道', 'Songshanlu'],
    ['大学路街道', 'Daxuelu'],
  ],
  '410104': [
    ['北下街街道', 'Beixiajie'],
    ['西大街街道', 'Xidajie'],
    ['南关街道', 'Nanguan'],
    ['城东路街道', 'Chengdonglu'],
    ['二里岗街道', 'Erligang'],
    ['十八里河街道', 'Shibalihe'],
  ],
  '410105': [
    ['人民路街道', 'Renminlu'],
    ['杜岭街道', 'Duling'],
    ['经八路街道', 'Jingbalu'],
    ['花园路街道', 'Huayuanlu'],
    ['文化路街道', 'Wenhualu'],
    ['丰产路街道', 'Fengchanlu'],
    ['未来路街道', 'Weilailu'],
  ],
  '410108': [
    ['新城街道', 'Xincheng'],
    ['长兴路街道', 'Changxinglu'],
    ['迎宾路街道', 'Yingbinlu'],
    ['刘寨街道', 'Liuzhai'],
    ['老鸦陈街道', 'Laoyachen'],
  ],
  '410106': [
    ['济源路街道', 'Jiyuanlu'],
    ['中心路街道', 'Zhongxinlu'],
    ['新安路街道', "Xin'anlu"],
    ['工业路街道', 'Gongyelu'],
  ],
};
/** Order in which the urban 区 are processed (also the round-robin order for grids). */
const URBAN_COUNTIES = ['410102', '410103', '410104', '410105', '410108', '410106'];

/** Community (社区) names: a seeded shuffle of these two-character combinations. */
const COMMUNITY_FIRST: [string, string][] = [
  ['和', 'He'], ['兴', 'Xing'], ['康', 'Kang'], ['安', 'An'], ['福', 'Fu'], ['锦', 'Jin'],
  ['金', 'Jin'], ['翠', 'Cui'], ['瑞', 'Rui'], ['泰', 'Tai'], ['祥', 'Xiang'], ['文', 'Wen'],
  ['明', 'Ming'], ['新', 'Xin'], ['永', 'Yong'], ['丰', 'Feng'],
];
const COMMUNITY_SECOND: [string, string][] = [
  ['苑', 'yuan'], ['园', 'yuan'], ['城', 'cheng'], ['庄', 'zhuang'], ['里', 'li'], ['坊', 'fang'],
  ['居', 'ju'], ['湾', 'wan'], ['华', 'hua'], ['丰', 'feng'], ['阁', 'ge'], ['林', 'lin'],
];

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

function fail(message: string): never {
  throw new Error(`generate-demo-areas: ${message}`);
}

function at<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) fail(`index ${index} out of range (length ${list.length})`);
  return value;
}

/** A PRNG for one named purpose: FNV-1a of the key mixed with the global seed. */
function rngFor(key: string): () => number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return seededRandom(h >>> 0);
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const samePoint = (a: Position, b: Position): boolean => a[0] === b[0] && a[1] === b[1];
const xy = (p: Position): [number, number] => [at(p, 0), at(p, 1)];

function toPolys(geom: AreaGeom): Poly[] {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}

function fromPolys(polys: Poly[]): AreaGeom {
  if (polys.length === 1) return { type: 'Polygon', coordinates: at(polys, 0) };
  return { type: 'MultiPolygon', coordinates: polys };
}

/** Planar signed area in degree² (positive = counter-clockwise). */
function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = xy(at(ring, i));
    const [x2, y2] = xy(at(ring, i + 1));
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

const ringAreaM2 = (ring: Ring): number => turf.area(turf.polygon([ring]));

function asFeature(geom: AreaGeom): Feature<AreaGeom> {
  return turf.feature(geom);
}

/** Intersection of two areas (turf v7 / polyclip-ts), or null when they do not overlap. */
function clip(a: AreaGeom, b: AreaGeom): AreaGeom | null {
  const result = turf.intersect(turf.featureCollection([asFeature(a), asFeature(b)]));
  return result ? result.geometry : null;
}

/** Union of areas; with a single input it is unioned with itself, which resolves self-intersections. */
function unionAll(geoms: AreaGeom[]): AreaGeom {
  const features = geoms.map(asFeature);
  if (features.length === 1) features.push(at(features, 0));
  const result = turf.union(turf.featureCollection(features));
  if (!result) fail('union produced nothing');
  return result.geometry;
}

// ---------------------------------------------------------------------------------------------
// Geometry hygiene: round, clean, drop slivers, separate touching rings, validate
// ---------------------------------------------------------------------------------------------

/**
 * Rounds to 6 decimals and removes duplicate, collinear and spike vertices.
 * Returns a closed ring with at least 4 positions, or null if it degenerates.
 */
function cleanRing(ring: Ring): Ring | null {
  const pts: Position[] = ring.map((p) => [round6(at(p, 0)), round6(at(p, 1))]);
  if (pts.length > 1 && samePoint(at(pts, 0), at(pts, pts.length - 1))) pts.pop();
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    let i = 0;
    while (i < pts.length && pts.length >= 3) {
      const [px, py] = xy(at(pts, (i - 1 + pts.length) % pts.length));
      const [cx, cy] = xy(at(pts, i));
      const [nx, ny] = xy(at(pts, (i + 1) % pts.length));
      const cross = (cx - px) * (ny - cy) - (cy - py) * (nx - cx);
      if ((px === cx && py === cy) || Math.abs(cross) < 1e-13) {
        pts.splice(i, 1);
        changed = true;
        if (i > 0) i--;
      } else {
        i++;
      }
    }
  }
  if (pts.length < 3) return null;
  pts.push([...at(pts, 0)]);
  return pts;
}

function orient(ring: Ring, counterClockwise: boolean): Ring {
  return signedArea(ring) > 0 === counterClockwise ? ring : [...ring].reverse();
}

/** Cleans every ring, drops parts and holes under minAreaM2, orients outer CCW / holes CW. */
function tidy(polys: Poly[], minAreaM2: number): Poly[] {
  const out: Poly[] = [];
  for (const poly of polys) {
    const [outer0, ...holes0] = poly;
    if (!outer0) continue;
    const outer = cleanRing(outer0);
    if (!outer || ringAreaM2(outer) < minAreaM2) continue;
    const holes: Ring[] = [];
    for (const hole0 of holes0) {
      const hole = cleanRing(hole0);
      if (hole && ringAreaM2(hole) >= minAreaM2) holes.push(orient(hole, false));
    }
    out.push([orient(outer, true), ...holes]);
  }
  return out;
}

/**
 * polyclip-ts output may have rings that touch at a vertex (a ring touching itself, a hole
 * touching its shell, two parts sharing a point). turf.kinks reports those, so they are
 * separated: at a shared vertex every occurrence but the one with the widest interior angle
 * gets its corner cut back by ≤ 2e-5° (≈ 2 m) along its two edges.
 */
function separateTouches(polys: Poly[]): Poly[] {
  interface Occurrence {
    p: number;
    r: number;
    v: number;
    angle: number;
  }
  const occurrences = new Map<string, Occurrence[]>();
  polys.forEach((poly, p) =>
    poly.forEach((ring, r) => {
      const n = ring.length - 1;
      for (let v = 0; v < n; v++) {
        const [px, py] = xy(at(ring, (v - 1 + n) % n));
        const [cx, cy] = xy(at(ring, v));
        const [nx, ny] = xy(at(ring, (v + 1) % n));
        // Interior is on the left (outer CCW, holes CW): sweep from →next to →prev, CCW.
        let angle = Math.atan2(py - cy, px - cx) - Math.atan2(ny - cy, nx - cx);
        while (angle < 0) angle += 2 * Math.PI;
        const key = `${cx},${cy}`;
        const list = occurrences.get(key) ?? [];
        list.push({ p, r, v, angle });
        occurrences.set(key, list);
      }
    }),
  );
  const cut = new Set<string>();
  for (const list of occurrences.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.angle - b.angle);
    for (const o of list.slice(0, -1)) cut.add(`${o.p}/${o.r}/${o.v}`);
  }
  if (cut.size === 0) return polys;
  return polys.map((poly, p) =>
    poly.map((ring, r) => {
      const n = ring.length - 1;
      const out: Ring = [];
      for (let v = 0; v < n; v++) {
        const cur = at(ring, v);
        if (!cut.has(`${p}/${r}/${v}`)) {
          out.push(cur);
          continue;
        }
        const [cx, cy] = xy(cur);
        const [px, py] = xy(at(ring, (v - 1 + n) % n));
        const [nx, ny] = xy(at(ring, (v + 1) % n));
        const dPrev = Math.hypot(px - cx, py - cy);
        const dNext = Math.hypot(nx - cx, ny - cy);
        const eps = Math.min(2e-5, 0.3 * dPrev, 0.3 * dNext);
        out.push([cx + ((px - cx) * eps) / dPrev, cy + ((py - cy) * eps) / dPrev]);
        out.push([cx + ((nx - cx) * eps) / dNext, cy + ((ny - cy) * eps) / dNext]);
      }
      out.push([...at(out, 0)]);
      return out;
    }),
  );
}

/** Returns a description of what is wrong with the geometry, or null if it is valid. */
function validityProblem(geom: AreaGeom): string | null {
  const polys = toPolys(geom);
  if (polys.length === 0) return 'no polygons';
  for (const poly of polys) {
    if (poly.length === 0) return 'polygon without rings';
    for (const [ri, ring] of poly.entries()) {
      if (ring.length < 4) return `ring with ${ring.length} positions`;
      if (!samePoint(at(ring, 0), at(ring, ring.length - 1))) return 'ring not closed';
      for (const p of ring) {
        if (p.length !== 2 || !p.every((c) => Number.isFinite(c) && round6(c) === c)) {
          return `bad position ${JSON.stringify(p)}`;
        }
      }
      const area = signedArea(ring);
      if (ri === 0 ? area <= 0 : area >= 0) return 'ring orientation / zero area';
    }
  }
  const kinks = turf.kinks(asFeature(geom)).features;
  if (kinks.length > 0) {
    return `${kinks.length} self-intersection(s), first at ${JSON.stringify(kinks[0]?.geometry.coordinates)}`;
  }
  if (!turf.booleanValid(asFeature(geom))) return 'turf.booleanValid() is false';
  return null;
}

/**
 * Makes a geometry publishable: 6-decimal coordinates, turf.cleanCoords, no slivers under
 * minAreaM2, no touching/crossing rings. Returns null if nothing of at least minAreaM2 is left;
 * throws if it cannot be made valid.
 */
function sanitize(geom: AreaGeom, minAreaM2: number, label: string): AreaGeom | null {
  let polys = toPolys(geom);
  let problem = 'not checked';
  for (let attempt = 0; attempt < 4; attempt++) {
    polys = tidy(polys, minAreaM2);
    if (polys.length === 0) return null;
    polys = tidy(separateTouches(polys), minAreaM2);
    if (polys.length === 0) return null;
    const cleaned = turf.cleanCoords(asFeature(fromPolys(polys))).geometry;
    const problemOrNull = validityProblem(cleaned);
    if (problemOrNull === null) return cleaned;
    problem = problemOrNull;
    // Let polyclip-ts rebuild the rings (resolves crossings), then try again.
    polys = toPolys(unionAll([cleaned]));
  }
  fail(`${label}: could not make a valid polygon: ${problem}`);
}

// ---------------------------------------------------------------------------------------------
// Seeded Voronoi subdivision
// ---------------------------------------------------------------------------------------------

function pointInArea(p: Position, area: AreaGeom): boolean {
  return turf.booleanPointInPolygon(p, area);
}

/**
 * A point strictly inside the geometry (turf.pointOnFeature may return a boundary point: it
 * tries the bbox centre first). Centroid if that is inside, else the middle of the widest
 * interior run of a horizontal scan line through the largest part.
 */
function interiorPoint(geom: AreaGeom): Position {
  const centroid = turf.centroid(asFeature(geom)).geometry.coordinates;
  if (turf.booleanPointInPolygon(centroid, geom, { ignoreBoundary: true })) return centroid;
  const largest = toPolys(geom)
    .map((poly) => ({ poly, area: ringAreaM2(at(poly, 0)) }))
    .sort((a, b) => b.area - a.area)[0]?.poly;
  if (!largest) fail('interiorPoint of an empty geometry');
  const ys = [...new Set(at(largest, 0).map((p) => at(p, 1)))].sort((a, b) => a - b);
  // Scan between the two middle distinct vertex latitudes, so the line hits no vertex.
  const mid = Math.max(1, Math.floor(ys.length / 2));
  const y = (at(ys, mid - 1) + at(ys, mid)) / 2;
  const xs: number[] = [];
  for (const ring of largest) {
    for (let k = 0; k < ring.length - 1; k++) {
      const [x1, y1] = xy(at(ring, k));
      const [x2, y2] = xy(at(ring, k + 1));
      if (y1 <= y !== y2 <= y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
    }
  }
  xs.sort((a, b) => a - b);
  let best: Position | null = null;
  let bestWidth = 0;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    const width = at(xs, k + 1) - at(xs, k);
    if (width > bestWidth) {
      bestWidth = width;
      best = [(at(xs, k) + at(xs, k + 1)) / 2, y];
    }
  }
  return best ?? fail('no interior point found');
}

function voronoiCells(seeds: Position[], parent: AreaGeom): (AreaGeom | null)[] {
  const [w, s, e, n] = turf.bbox(parent);
  const pad = 0.05;
  const cells = turf.voronoi(turf.featureCollection(seeds.map((p) => turf.point(p))), {
    bbox: [w - pad, s - pad, e + pad, n + pad],
  });
  return seeds.map((_, i) => {
    const cell = cells.features[i];
    return cell ? clip(cell.geometry, parent) : null;
  });
}

/** Splits `parent` into `count` seeded Voronoi cells, ordered north to south. */
function subdivide(parent: AreaGeom, count: number, key: string): AreaGeom[] {
  const rng = rngFor(key);
  const [w, s, e, n] = turf.bbox(parent);
  let minDistM = 0.7 * Math.sqrt(turf.area(parent) / count / Math.PI);
  let seeds: Position[] = [];
  for (let tries = 1; seeds.length < count; tries++) {
    if (tries > 200_000) fail(`${key}: cannot place ${count} seed points`);
    if (tries % 2_000 === 0) minDistM *= 0.8;
    const p: Position = [round6(w + rng() * (e - w)), round6(s + rng() * (n - s))];
    if (!pointInArea(p, parent)) continue;
    if (seeds.some((q) => turf.distance(p, q, { units: 'meters' }) < minDistM)) continue;
    seeds.push(p);
  }
  for (let round = 0; round < LLOYD_ROUNDS; round++) {
    const cells = voronoiCells(seeds, parent);
    seeds = seeds.map((seed, i) => {
      const cell = cells[i];
      if (!cell) return seed;
      const c = turf.centerOfMass(asFeature(cell)).geometry.coordinates;
      const moved = pointInArea(c, cell) ? c : turf.pointOnFeature(asFeature(cell)).geometry.coordinates;
      return [round6(at(moved, 0)), round6(at(moved, 1))];
    });
  }
  const order = seeds
    .map((seed, i) => ({ seed, i }))
    .sort((a, b) => at(b.seed, 1) - at(a.seed, 1) || at(a.seed, 0) - at(b.seed, 0));
  const cells = voronoiCells(seeds, parent);
  const result: AreaGeom[] = [];
  for (const { i } of order) {
    const cell = cells[i];
    const clean = cell ? sanitize(cell, MIN_GENERATED_PART_M2, `${key} cell ${i}`) : null;
    if (!clean) fail(`${key}: Voronoi cell ${i} vanished`);
    result.push(clean);
  }
  return absorbFragments(result, key);
}

function perimeterM(geom: AreaGeom): number {
  let sum = 0;
  for (const poly of toPolys(geom)) for (const ring of poly) sum += turf.length(turf.lineString(ring), { units: 'meters' });
  return sum;
}

/**
 * A Voronoi cell clipped to a concave parent can fall apart into a main part and small
 * detached fragments. Each fragment is given to the sibling it shares the longest border
 * with, so areas stay in one piece where the parent allows it.
 */
function absorbFragments(cells: AreaGeom[], key: string): AreaGeom[] {
  const result = [...cells];
  result.forEach((cell, i) => {
    if (cell.type !== 'MultiPolygon') return;
    const parts = cell.coordinates
      .map((poly) => ({ poly, area: ringAreaM2(at(poly, 0)) }))
      .sort((a, b) => b.area - a.area);
    const keep: Poly[] = [at(parts, 0).poly];
    for (const { poly } of parts.slice(1)) {
      const fragment: Polygon = { type: 'Polygon', coordinates: poly };
      const fragmentPerimeter = perimeterM(fragment);
      let best: { j: number; merged: AreaGeom; shared: number } | null = null;
      result.forEach((other, j) => {
        if (j === i) return;
        const merged = unionAll([other, fragment]);
        const shared = (fragmentPerimeter + perimeterM(other) - perimeterM(merged)) / 2;
        if (shared > 1 && (!best || shared > best.shared)) best = { j, merged, shared };
      });
      const chosen = best as { j: number; merged: AreaGeom; shared: number } | null;
      if (chosen) {
        result[chosen.j] =
          sanitize(chosen.merged, MIN_GENERATED_PART_M2, `${key} cell ${chosen.j}`) ?? fail(`${key}: merge failed`);
      } else {
        keep.push(poly);
      }
    }
    result[i] = sanitize(fromPolys(keep), MIN_GENERATED_PART_M2, `${key} cell ${i}`) ?? fail(`${key}: cell vanished`);
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Grid cells (单元网格)
// ---------------------------------------------------------------------------------------------

/** One city-wide lattice so neighbouring communities' cells line up. */
const GRID_LON0 = 112.5;
const GRID_LAT0 = 34.0;
const GRID_DY = turf.lengthToDegrees(GRID_CELL_KM, 'kilometers');
const GRID_DX = GRID_DY / Math.cos((34.75 * Math.PI) / 180);

function gridCells(area: AreaGeom, label: string): AreaGeom[] {
  const [w, s, e, n] = turf.bbox(area);
  const i0 = Math.floor((w - GRID_LON0) / GRID_DX);
  const i1 = Math.ceil((e - GRID_LON0) / GRID_DX);
  const j0 = Math.floor((s - GRID_LAT0) / GRID_DY);
  const j1 = Math.ceil((n - GRID_LAT0) / GRID_DY);
  // Mark cells the boundary may pass through (sampled every quarter cell, plus neighbours).
  const boundary = new Set<string>();
  const step = Math.min(GRID_DX, GRID_DY) / 4;
  for (const poly of toPolys(area)) {
    for (const ring of poly) {
      for (let k = 0; k < ring.length - 1; k++) {
        const [ax, ay] = xy(at(ring, k));
        const [bx, by] = xy(at(ring, k + 1));
        const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
        for (let t = 0; t <= steps; t++) {
          const x = ax + ((bx - ax) * t) / steps;
          const y = ay + ((by - ay) * t) / steps;
          const ci = Math.floor((x - GRID_LON0) / GRID_DX);
          const cj = Math.floor((y - GRID_LAT0) / GRID_DY);
          for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) boundary.add(`${ci + di},${cj + dj}`);
        }
      }
    }
  }
  const cells: AreaGeom[] = [];
  for (let j = j1 - 1; j >= j0; j--) {
    for (let i = i0; i < i1; i++) {
      const x0 = round6(GRID_LON0 + i * GRID_DX);
      const x1 = round6(GRID_LON0 + (i + 1) * GRID_DX);
      const y0 = round6(GRID_LAT0 + j * GRID_DY);
      const y1 = round6(GRID_LAT0 + (j + 1) * GRID_DY);
      const square: Polygon = {
        type: 'Polygon',
        coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
      };
      let cell: AreaGeom | null;
      if (boundary.has(`${i},${j}`)) {
        const clipped = clip(square, area);
        cell = clipped ? sanitize(clipped, MIN_GRID_CELL_M2, `${label} cell ${i},${j}`) : null;
      } else {
        cell = pointInArea([(x0 + x1) / 2, (y0 + y1) / 2], area) ? square : null;
      }
      if (cell && turf.area(cell) >= MIN_GRID_CELL_M2) cells.push(cell);
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------------------------

function props(
  level: Level,
  code: string,
  name: string,
  nameEn: string,
  parentCode: string | null,
  generated: boolean,
): AreaProps {
  return { level, code, name, nameEn, parentCode, generated };
}

function main(): void {
  const started = Date.now();
  const source = JSON.parse(fs.readFileSync(SOURCE_FILE, 'utf8')) as FeatureCollection<AreaGeom, { name: string }>;

  // 1. Datum: the source is GCJ-02 (see README for the evidence); storage is WGS-84.
  const wgs84 = gcoord.transform(
    structuredClone(source) as unknown as Parameters<typeof gcoord.transform>[0],
    gcoord.GCJ02,
    gcoord.WGS84,
  ) as unknown as FeatureCollection<AreaGeom, { name: string }>;

  // 2. Counties: repair (self-union), drop quantisation slivers, validate.
  const counties = new Map<string, AreaGeom>();
  for (const f of wgs84.features) {
    const code = String(f.id);
    const info = COUNTIES[code];
    if (!info) fail(`unexpected feature id ${code} (${f.properties.name}) in the source`);
    if (info.name !== f.properties.name) fail(`feature ${code} is ${f.properties.name}, expected ${info.name}`);
    if (counties.has(code)) fail(`duplicate feature id ${code}`);
    const geom = sanitize(unionAll([f.geometry]), MIN_SOURCE_PART_M2, `county ${code}`);
    if (!geom) fail(`county ${code} vanished`);
    counties.set(code, geom);
  }
  const assigned = DISTRICTS.flatMap((d) => d.counties);
  for (const code of Object.keys(COUNTIES)) {
    if (!counties.has(code)) fail(`county ${code} missing from the source`);
    if (assigned.filter((c) => c === code).length !== 1) fail(`county ${code} must be in exactly one 片区`);
  }
  const county = (code: string): AreaGeom => counties.get(code) ?? fail(`no county ${code}`);
  if (!pointInArea(ERQI_TOWER_WGS84, county('410103'))) fail('二七纪念塔 is not inside 二七区 after conversion');

  const districtFeatures: AreaFeature[] = [];
  const countyFeatures: AreaFeature[] = [];
  const streetFeatures: AreaFeature[] = [];
  const communityFeatures: AreaFeature[] = [];
  const gridFeatures: AreaFeature[] = [];
  const notes: string[] = [];

  // 3. 片区 = union of their counties.
  for (const d of DISTRICTS) {
    const geom = sanitize(unionAll(d.counties.map(county)), MIN_SOURCE_PART_M2, d.code);
    if (!geom) fail(`${d.code} vanished`);
    if (geom.type !== 'Polygon') notes.push(`${d.code} ${d.name} is not contiguous (${geom.coordinates.length} parts)`);
    districtFeatures.push(turf.feature(geom, props('district', d.code, d.name, d.nameEn, null, false)));
    for (const code of d.counties) {
      const info = COUNTIES[code] ?? fail(`no county info ${code}`);
      countyFeatures.push(turf.feature(county(code), props('county', code, info.name, info.nameEn, d.code, false)));
    }
  }

  // 4. Streets and communities in the six urban 区.
  const communityNames = COMMUNITY_FIRST.flatMap(([a, ae]) =>
    COMMUNITY_SECOND.filter(([b]) => b !== a).map(([b, be]): [string, string] => [`${a}${b}`, `${ae}${be}`]),
  );
  const nameRng = rngFor('community-names');
  for (let i = communityNames.length - 1; i > 0; i--) {
    const j = Math.floor(nameRng() * (i + 1));
    [communityNames[i], communityNames[j]] = [at(communityNames, j), at(communityNames, i)];
  }
  let nextCommunityName = 0;
  const firstCommunityOfStreet = new Map<string, AreaFeature>();
  for (const countyCode of URBAN_COUNTIES) {
    const names = STREETS[countyCode] ?? fail(`no street names for ${countyCode}`);
    if (names.length < 4 || names.length > 7) fail(`${countyCode} must have 4–7 streets`);
    const streets = subdivide(county(countyCode), names.length, `streets-${countyCode}`);
    streets.forEach((geom, si) => {
      const [name, pinyin] = at(names, si);
      const streetCode = `${countyCode}-S${String(si + 1).padStart(2, '0')}`;
      streetFeatures.push(turf.feature(geom, props('street', streetCode, name, `${pinyin} Subdistrict`, countyCode, true)));
      const count = 3 + Math.floor(rngFor(`community-count-${streetCode}`)() * 3);
      const communities = subdivide(geom, count, `communities-${streetCode}`);
      communities.forEach((cgeom, ci) => {
        const [cname, cpinyin] = communityNames[nextCommunityName++] ?? fail('ran out of community names');
        const communityCode = `${streetCode}-C${String(ci + 1).padStart(2, '0')}`;
        const feature = turf.feature(
          cgeom,
          props('community', communityCode, `${cname}社区`, `${cpinyin} Community`, streetCode, true),
        );
        communityFeatures.push(feature);
        if (ci === 0) firstCommunityOfStreet.set(streetCode, feature);
      });
    });
  }

  // 5. Grid cells over the first community of streets, round-robin over the 区, within budget.
  const maxStreets = Math.max(...URBAN_COUNTIES.map((c) => STREETS[c]?.length ?? 0));
  let gridTotal = 0;
  const skipped: string[] = [];
  const gridded: string[] = [];
  for (let si = 1; si <= maxStreets; si++) {
    for (const countyCode of URBAN_COUNTIES) {
      const community = firstCommunityOfStreet.get(`${countyCode}-S${String(si).padStart(2, '0')}`);
      if (!community) continue;
      const code = community.properties.code;
      const cells = gridCells(community.geometry, code);
      if (cells.length > 9_999) fail(`${code}: too many grid cells for 4-digit codes`);
      if (gridTotal + cells.length > MAX_GRID_CELLS) {
        skipped.push(code);
        continue;
      }
      gridTotal += cells.length;
      gridded.push(code);
      cells.forEach((cell, k) => {
        const no = String(k + 1).padStart(4, '0');
        gridFeatures.push(turf.feature(cell, props('grid', `${code}-G${no}`, `网格${no}`, `Grid ${no}`, code, true)));
      });
    }
  }

  const features = [...districtFeatures, ...countyFeatures, ...streetFeatures, ...communityFeatures, ...gridFeatures];

  // 6. Checks: validity, unique codes, parents first, containment, tiling.
  const index = new Map<string, number>();
  const areaOf = new Map<string, number>();
  features.forEach((f, i) => {
    const { code, parentCode } = f.properties;
    if (index.has(code)) fail(`duplicate code ${code}`);
    const problem = validityProblem(f.geometry);
    if (problem) fail(`${code}: invalid geometry: ${problem}`);
    if (parentCode !== null) {
      const pi = index.get(parentCode);
      if (pi === undefined) fail(`${code}: parent ${parentCode} missing or not before the child`);
      const parent = at(features, pi);
      const inside = interiorPoint(f.geometry);
      if (!pointInArea(inside, parent.geometry)) fail(`${code}: its interior point is outside parent ${parentCode}`);
      const own = turf.area(f);
      const shared = clip(f.geometry, parent.geometry);
      const ratio = shared ? turf.area(shared) / own : 0;
      // Slop: relative, or the area a 6-decimal rounding shift (≤ 0.06 m) along the perimeter can move.
      const perimeterM = turf.length(turf.polygonToLine(f), { units: 'meters' });
      const allowedOutsideM2 = Math.max(CONTAINMENT_TOLERANCE * own, ROUNDING_SHIFT_M * perimeterM);
      if (own * (1 - ratio) > allowedOutsideM2) fail(`${code}: only ${(ratio * 100).toFixed(3)}% inside ${parentCode} (outside ${(own * (1 - ratio)).toFixed(2)} m²)`);
    }
    index.set(code, i);
    areaOf.set(code, turf.area(f));
  });
  const childArea = new Map<string, number>();
  for (const f of features) {
    const { parentCode, code } = f.properties;
    if (parentCode) childArea.set(parentCode, (childArea.get(parentCode) ?? 0) + (areaOf.get(code) ?? 0));
  }
  const tiling: Record<string, [number, number]> = {};
  for (const f of features) {
    const sum = childArea.get(f.properties.code);
    if (sum === undefined) continue;
    const ratio = sum / (areaOf.get(f.properties.code) ?? fail('no area'));
    const childLevel = CHILD_LEVEL[f.properties.level];
    const [lo, hi] = tiling[childLevel] ?? [Infinity, -Infinity];
    tiling[childLevel] = [Math.min(lo, ratio), Math.max(hi, ratio)];
    // Children of districts, counties and streets must tile their parent.
    if (f.properties.level !== 'community' && (ratio < 0.995 || ratio > 1 + CONTAINMENT_TOLERANCE)) {
      fail(`${f.properties.code}: children cover ${(ratio * 100).toFixed(3)}% of it`);
    }
  }

  // 7. Write: one feature per line, so diffs stay readable.
  const lines = features.map((f) => JSON.stringify({ type: 'Feature', properties: f.properties, geometry: f.geometry }));
  const text = `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
  fs.writeFileSync(OUTPUT_FILE, text);

  // 8. Summary.
  const count = (level: Level): number => features.filter((f) => f.properties.level === level).length;
  const multi = features.filter((f) => f.geometry.type === 'MultiPolygon').map((f) => f.properties.code);
  console.log(`wrote ${path.relative(ROOT, OUTPUT_FILE)} (${(Buffer.byteLength(text) / 1024 / 1024).toFixed(2)} MB, ${features.length} features) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const level of ['district', 'county', 'street', 'community', 'grid'] as const) {
    console.log(`  ${level.padEnd(9)} ${String(count(level)).padStart(6)}`);
  }
  console.log(`  grid cells cover the first community of ${gridded.length} streets (budget ${MAX_GRID_CELLS}); not gridded: ${skipped.length ? skipped.join(', ') : 'none'}`);
  for (const [level, [lo, hi]] of Object.entries(tiling)) {
    console.log(`  ${level} area / parent area: ${(lo * 100).toFixed(2)}% … ${(hi * 100).toFixed(2)}%`);
  }
  console.log(`  MultiPolygon features: ${multi.length ? multi.join(', ') : 'none'}`);
  for (const note of notes) console.log(`  note: ${note}`);
}

main();

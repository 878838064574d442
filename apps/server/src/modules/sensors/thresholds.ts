/**
 * Sensor and detection thresholds: the pure rules. A reading whose magnitude is
 * above its type's limit becomes a clue; a detection whose confidence is at or
 * above the floor does. Limits are configured per city (feed_thresholds); these
 * are the defaults, with the standard each one comes from.
 */
export const sensorTypes = ['settlement', 'leakage', 'tilt', 'water_level', 'crack', 'gas'] as const;
export type SensorType = (typeof sensorTypes)[number];
export const thresholdKinds = [...sensorTypes, 'detection'] as const;
export type ThresholdKind = (typeof thresholdKinds)[number];

export interface ThresholdDefault {
  limit: number;
  /** the canonical unit of the kind: limits are kept in it and readings converted to it */
  unit: string;
  zh: string;
  en: string;
  /** where the default comes from */
  basis: string;
  /** the taxonomy subcategory a clue of this kind is filed under, when the taxonomy has it */
  subcategoryCode: string | null;
}

export const thresholdDefaults: Record<ThresholdKind, ThresholdDefault> = {
  settlement: { limit: 30, unit: 'mm', zh: '沉降', en: 'Settlement', basis: 'GB 50497《建筑基坑工程监测技术标准》周边地表累计沉降报警值 30 mm', subcategoryCode: 'AQ-04' },
  leakage: { limit: 1, unit: 'L/min', zh: '渗漏', en: 'Leakage', basis: '管网与地下结构渗漏水量超过 1 L/min 即需处置（运维经验值，可按项目调整）', subcategoryCode: 'MS-02' },
  tilt: { limit: 2, unit: '‰', zh: '倾斜', en: 'Tilt', basis: 'GB 50497 邻近建筑倾斜报警值 2‰', subcategoryCode: 'AQ-02' },
  water_level: { limit: 15, unit: 'cm', zh: '积水水位', en: 'Water level', basis: 'GB 51222《城镇内涝防治技术标准》道路积水深度超过 15 cm', subcategoryCode: 'AQ-01' },
  crack: { limit: 1.5, unit: 'mm', zh: '裂缝', en: 'Crack width', basis: 'GB 50497 邻近建筑裂缝宽度报警值 1.5 mm', subcategoryCode: 'AQ-02' },
  gas: { limit: 20, unit: '%LEL', zh: '可燃气体浓度', en: 'Combustible gas', basis: 'GB/T 50493《石油化工可燃气体和有毒气体检测报警设计标准》一级报警 ≤25 %LEL，取 20 %LEL', subcategoryCode: 'AQ-03' },
  detection: { limit: 0.6, unit: 'confidence', zh: '智能识别置信度下限', en: 'Detection confidence floor', basis: '低于此置信度的识别结果只存档，不作为线索', subcategoryCode: null },
};

/** Unit spellings a gateway may send, as factors to the canonical unit (or a function). */
const conversions: Record<SensorType, Record<string, (v: number) => number>> = {
  settlement: { mm: (v) => v, cm: (v) => v * 10, m: (v) => v * 1000 },
  crack: { mm: (v) => v, cm: (v) => v * 10, um: (v) => v / 1000, 'μm': (v) => v / 1000 },
  water_level: { cm: (v) => v, mm: (v) => v / 10, m: (v) => v * 100 },
  tilt: { '‰': (v) => v, permille: (v) => v, '%': (v) => v * 10, deg: (v) => Math.tan((v * Math.PI) / 180) * 1000, '°': (v) => Math.tan((v * Math.PI) / 180) * 1000 },
  leakage: { 'l/min': (v) => v, 'l/h': (v) => v / 60, 'l/s': (v) => v * 60, 'm3/h': (v) => (v * 1000) / 60, 'm³/h': (v) => (v * 1000) / 60 },
  gas: { '%lel': (v) => v, lel: (v) => v },
};

/** The reading in the canonical unit of its type, or null when the unit is not one we can convert. */
export function toCanonical(type: SensorType, value: number, unit: string): number | null {
  const f = conversions[type][unit.trim().toLowerCase()] ?? conversions[type][unit.trim()];
  return f ? f(value) : null;
}

export function acceptedUnits(type: SensorType): string[] {
  return Object.keys(conversions[type]);
}

/**
 * Over the threshold? Magnitude is what matters: settlement and tilt come signed
 * (down/up, one way or the other) depending on the instrument.
 */
export function overThreshold(canonicalValue: number, limit: number): boolean {
  return Math.abs(canonicalValue) > limit;
}

/** A detection is a clue at or above the floor. */
export function detectionIsClue(confidence: number, floor: number): boolean {
  return confidence >= floor;
}

/** What an image-analysis type means, for the clue's text and category. */
export const detectionTypes: Record<string, { zh: string; subcategoryCode: string }> = {
  pothole: { zh: '路面坑槽', subcategoryCode: 'JS-03' },
  road_damage: { zh: '道路破损', subcategoryCode: 'JS-03' },
  road_collapse: { zh: '路面塌陷', subcategoryCode: 'AQ-04' },
  manhole: { zh: '井盖缺损', subcategoryCode: 'AQ-04' },
  garbage: { zh: '垃圾堆放', subcategoryCode: 'GL-03' },
  illegal_construction: { zh: '违章搭建', subcategoryCode: 'GH-01' },
  waterlogging: { zh: '道路积水', subcategoryCode: 'AQ-01' },
  street_vending: { zh: '占道经营', subcategoryCode: 'GL-04' },
  illegal_parking: { zh: '违章停车', subcategoryCode: 'GL-02' },
  black_water: { zh: '黑臭水体', subcategoryCode: 'ST-01' },
  dust: { zh: '工地扬尘', subcategoryCode: 'JS-06' },
  streetlight: { zh: '路灯损坏', subcategoryCode: 'GL-05' },
};

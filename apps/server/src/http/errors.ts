/**
 * The one error catalogue. Every error the API answers is an entry here:
 * a stable code, an HTTP status and a message in Chinese and English.
 * Thrown as `AppError`, mapped to RFC 9457 problem+json in `errorHandler`.
 */
export const errorCatalogue = {
  'request.invalid': { status: 400, zh: '请求内容不符合要求', en: 'The request is not valid' },
  'request.not_found': { status: 404, zh: '没有这个地址', en: 'No such endpoint' },
  'request.too_large': { status: 413, zh: '上传内容过大', en: 'The upload is too large' },
  'request.unsupported_media_type': { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  'request.rate_limited': { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests, try again later' },
  'auth.required': { status: 401, zh: '请先登录', en: 'Sign-in required' },
  'auth.forbidden': { status: 403, zh: '没有权限执行此操作', en: 'You are not allowed to do this' },
  'auth.csrf': { status: 403, zh: '页面已过期，请刷新后重试', en: 'Missing or wrong CSRF token; reload the page' },
  'auth.invalid_credentials': { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  'auth.account_locked': { status: 429, zh: '登录失败次数过多，账号已暂时锁定', en: 'Too many failed logins; the account is locked for a while' },
  'auth.invalid_api_key': { status: 401, zh: 'API 密钥无效', en: 'Invalid API key' },
  'city.not_found': { status: 404, zh: '没有这个城市', en: 'No such city' },
  'resource.not_found': { status: 404, zh: '找不到该记录', en: 'Not found' },
  'area.not_geojson': { status: 422, zh: '文件不是有效的 GeoJSON', en: 'The file is not valid GeoJSON' },
  'area.invalid_feature': { status: 422, zh: '区域要素缺少必要属性', en: 'An area feature lacks required properties' },
  'area.invalid_geometry': { status: 422, zh: '区域几何图形无效', en: 'An area geometry is invalid' },
  'area.outside_range': { status: 422, zh: '坐标超出经纬度范围', en: 'Coordinates are out of longitude/latitude range' },
  'area.unknown_parent': { status: 422, zh: '上级区域不存在', en: 'The parent area does not exist' },
  'area.bad_parent_level': { status: 422, zh: '上级区域层级不正确', en: 'The parent area is at the wrong level' },
  'area.duplicate_code': { status: 409, zh: '区域编码重复', en: 'Duplicate area code' },
  'area.has_children': { status: 409, zh: '该区域还有下级区域', en: 'The area still has child areas' },
  'unit.duplicate_code': { status: 409, zh: '单位编码已存在', en: 'A unit with this code exists' },
  'user.duplicate_username': { status: 409, zh: '用户名已存在', en: 'This username is taken' },
  'user.weak_password': { status: 422, zh: '密码长度须为 8 至 128 位', en: 'Passwords must be 8 to 128 characters' },
  'user.staff_slot_taken': { status: 409, zh: '该单位的 A/B 角已有人担任', en: 'That A/B staff slot of the unit is taken' },
  'user.unit_required': { status: 422, zh: '责任单位用户必须属于一个单位', en: 'A unit user must belong to a unit' },
  'user.not_leader': { status: 422, zh: '只有领导可以包片', en: 'Only leaders can lead districts' },
  'user.district_required': { status: 422, zh: '包片区域必须是片区', en: 'Leaders lead areas of the district level' },
  'team.bad_composition': { status: 422, zh: '视察组须由1名领队、2名专家、1名纪检、1名记录员组成', en: 'A team needs 1 lead, 2 experts, 1 discipline member and 1 recorder' },
  'team.unfit_member': { status: 422, zh: '成员的账号角色与所坐席位不符', en: 'A member does not hold the role their seat needs' },
  'team.duplicate_name': { status: 409, zh: '视察组名称已存在', en: 'A team with this name exists' },
  'reference.unknown': { status: 422, zh: '引用的记录不存在', en: 'A referenced record does not exist' },
  internal: { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, details?: Record<string, unknown>, detail?: string) {
    super(detail ?? errorCatalogue[code].en);
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  message: { zh: string; en: string };
  instance?: string;
  [extra: string]: unknown;
}

export function problemOf(err: AppError, instance?: string): Problem {
  const entry = errorCatalogue[err.code];
  return {
    type: `/api/problems#${err.code}`,
    title: entry.en,
    status: err.status,
    code: err.code,
    detail: err.message,
    message: { zh: entry.zh, en: entry.en },
    ...(instance ? { instance } : {}),
    ...(err.details ?? {}),
  };
}

/** SQLSTATE + constraint name → our code. The database guards invariants; we name what it says. */
const constraintCodes: Record<string, ErrorCode> = {
  areas_code_key: 'area.duplicate_code',
  areas_geom_valid: 'area.invalid_geometry',
  areas_parent_fkey: 'area.has_children',
  units_code_key: 'unit.duplicate_code',
  users_username_key: 'user.duplicate_username',
  users_unit_staff_slot_key: 'user.staff_slot_taken',
  users_staff_slot_needs_unit: 'user.unit_required',
  teams_name_key: 'team.duplicate_name',
};

export function fromDatabaseError(err: unknown): AppError | null {
  const e = err as { code?: string; constraint?: string };
  if (typeof e?.code !== 'string') return null;
  if (e.constraint && constraintCodes[e.constraint]) return new AppError(constraintCodes[e.constraint]!);
  if (e.code === '23503') return new AppError('reference.unknown');
  return null;
}

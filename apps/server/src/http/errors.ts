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
  'upload.no_file': { status: 400, zh: '请求中没有文件', en: 'The request carries no file' },
  'upload.too_large': { status: 413, zh: '文件超过大小上限', en: 'The file is larger than allowed' },
  'upload.unsupported_type': { status: 415, zh: '只接受 JPEG、PNG、WebP 或 HEIC 照片', en: 'Only JPEG, PNG, WebP or HEIC photos are accepted' },
  'upload.broken_image': { status: 422, zh: '图片已损坏，无法读取', en: 'The image is damaged and cannot be read' },
  'report.location_required': { status: 422, zh: '请提供位置：开启定位、在地图上选点，或上传带位置信息的照片', en: 'A location is required: share it, pick it on the map, or attach a photo with GPS' },
  'report.outside_city': { status: 422, zh: '该位置不在本市范围内', en: 'The location is outside the city' },
  'report.unknown_category': { status: 422, zh: '没有这个问题分类', en: 'No such problem category' },
  'report.unknown_media': { status: 422, zh: '附件不存在或已失效', en: 'An attached file does not exist' },
  'report.not_found': { status: 404, zh: '没有这个受理编号', en: 'No report with this ticket number' },
  'problem.bad_merge': { status: 409, zh: '不能合并：目标问题已合并、已关闭或就是本问题', en: 'Cannot merge: the target is this problem, merged or closed' },
  'problem.bad_split': { status: 422, zh: '拆分的线索须属于本问题，且不能全部拆出', en: 'Split reports must belong to this problem, and not all of them' },
  'problem.not_locatable': { status: 409, zh: '只有待研判的问题可以设置位置', en: 'Only a problem pending judgment can be located' },
  'problem.needs_location': { status: 409, zh: '该问题尚未定位，请先在问题池中设置位置', en: 'The problem has no location yet; set it in the pool first' },
  'problem.not_open': { status: 409, zh: '问题已关闭或已合并，不能修改', en: 'The problem is closed or merged and cannot be changed' },
  'case.invalid_transition': { status: 409, zh: '案件当前状态下不能执行此操作（可能已被他人处理，请刷新）', en: 'This action is not possible in the case\'s current state (someone may have acted first; reload)' },
  'case.forbidden': { status: 403, zh: '您的角色不能对案件执行此操作', en: 'Your role may not take this action on the case' },
  'case.missing_evidence': { status: 422, zh: '缺少必需的材料', en: 'Required evidence is missing' },
  'case.reason_required': { status: 422, zh: '请填写理由', en: 'A reason is required' },
  'case.low_satisfaction': { status: 422, zh: '群众满意度低于80%，不能销号，须重新整改', en: 'Satisfaction is under 80%: the case cannot be closed and goes back for rectification' },
  'case.satisfaction_not_low': { status: 422, zh: '满意度不低于80%，无需重新整改', en: 'Satisfaction is not under 80%; no rework is needed' },
  'case.not_responsible_unit': { status: 403, zh: '只有责任单位可以办理此案件（配合单位只能查看）', en: 'Only the responsible unit may act on this case (cooperating units can only view it)' },
  'case.unknown_unit': { status: 422, zh: '责任单位或配合单位不存在或已停用', en: 'A responsible or cooperating unit does not exist or is inactive' },
  'case.unknown_leader': { status: 422, zh: '牵头领导须为在职的领导账号', en: 'The lead leader must be an active leader account' },
  'case.unknown_expert': { status: 422, zh: '所选专家不存在或没有专家角色', en: 'The chosen expert does not exist or lacks the expert role' },
  'case.not_judged': { status: 409, zh: '请先完成研判（问题分类、风险等级、责任单位）', en: 'Judge the case first (category, risk level, responsible unit)' },
  'case.bad_deadline': { status: 422, zh: '整改时限须晚于当前时间', en: 'The deadline must lie in the future' },
  'case.extension_not_later': { status: 422, zh: '申请延期的日期须晚于现在的整改时限', en: 'The extension must end after the current deadline' },
  'case.unknown_file': { status: 422, zh: '所附材料不存在或已失效', en: 'An attached file does not exist' },
  'case.not_legacy': { status: 409, zh: '只有历史遗留问题可以一事一议', en: 'Only legacy problems can be ruled case by case' },
  'case.no_open_task': { status: 409, zh: '没有交给您的待办任务', en: 'There is no open task of yours on this case' },
  'consolidation.not_found': { status: 404, zh: '该日没有问题清单（尚未汇编或尚未推送）', en: 'There is no list for this day (not compiled or not pushed yet)' },
  'consolidation.future_day': { status: 422, zh: '不能汇编未来日期的问题清单', en: 'A list cannot be compiled for a day still to come' },
  'consolidation.frozen': { status: 409, zh: '该日的问题清单已审核或已推送，不再重新汇编', en: 'The list of this day was reviewed or pushed and is not recompiled' },
  'consolidation.already_reviewed': { status: 409, zh: '该日的问题清单已审核', en: 'The list of this day has already been reviewed' },
  'recheck.not_closed': { status: 409, zh: '只能对已销号的案件做满意度回访', en: 'A satisfaction survey is for closed cases only' },
  'escalation.task_not_open': { status: 409, zh: '该核查任务已完成或已取消', en: 'This verification task is already done or cancelled' },
  'escalation.interview_not_scheduled': { status: 409, zh: '该约谈已举行或已取消', en: 'This interview has already been held or was cancelled' },
  'loop.invalid_settings': { status: 422, zh: '闭环流程设置无效（时间须为 HH:MM，日期 1–31，抽检比例 0–1）', en: 'The loop settings are not valid (times HH:MM, days 1–31, sample rate 0–1)' },
  'classifier.no_examples': { status: 422, zh: '没有训练样本', en: 'There are no training examples' },
  'classifier.one_label': { status: 422, zh: '训练样本至少需要两个不同的类别', en: 'Training needs examples of at least two labels' },
  'classifier.empty_text': { status: 422, zh: '文本为空或没有可用的词语', en: 'A text is empty or has no usable words' },
  'classifier.too_many_examples': { status: 422, zh: '训练样本数量超出上限', en: 'Too many training examples' },
  'classifier.too_many_texts': { status: 422, zh: '一次提交的文本数量超出上限', en: 'Too many texts in one request' },
  'taxonomy.invalid': { status: 422, zh: '分类分级标准不完整或有矛盾', en: 'The taxonomy is incomplete or inconsistent' },
  'taxonomy.unknown_subcategory': { status: 422, zh: '问题小类不存在', en: 'No such problem subcategory' },
  'taxonomy.bad_training_set': { status: 422, zh: '训练数据文件无法读取', en: 'The training set cannot be read' },
  'risk.invalid_thresholds': { status: 422, zh: '风险矩阵阈值设置无效', en: 'The risk thresholds are not valid' },
  'apikey.missing_scope': { status: 403, zh: 'API 密钥没有此项权限', en: 'The API key lacks the scope this needs' },
  'georeport.api_key_required': { status: 403, zh: '提交服务请求须提供 api_key', en: 'An api_key is required to post a service request' },
  'georeport.invalid_api_key': { status: 403, zh: 'api_key 无效或无权提交服务请求', en: 'The api_key is invalid or may not post service requests' },
  'georeport.unknown_jurisdiction': { status: 404, zh: '没有这个 jurisdiction_id', en: 'No such jurisdiction_id' },
  'georeport.unknown_service': { status: 404, zh: '没有这个 service_code', en: 'No such service_code' },
  'georeport.unknown_request': { status: 404, zh: '没有这个服务请求', en: 'No such service request' },
  'georeport.unknown_token': { status: 404, zh: '没有这个 token', en: 'No such token' },
  'georeport.private_request': { status: 403, zh: '该服务请求不公开', en: 'This service request is not public' },
  'georeport.missing_field': { status: 400, zh: '缺少必填参数', en: 'A required parameter is missing' },
  'georeport.invalid_field': { status: 400, zh: '参数取值无效', en: 'A parameter has an invalid value' },
  'georeport.no_geocoder': { status: 400, zh: '仅有地址无法定位，请提供经纬度 (lat/long)', en: 'An address alone cannot be located here (no geocoder); send lat and long' },
  'import.unreadable': { status: 422, zh: '文件不是可读取的 CSV 或 XLSX', en: 'The file is not a readable CSV or XLSX' },
  'import.malformed_csv': { status: 422, zh: 'CSV 格式错误', en: 'The CSV is malformed' },
  'import.bad_encoding': { status: 422, zh: '无法识别文件编码（支持 UTF-8 与 GBK）', en: 'The file encoding is not recognised (UTF-8 and GBK are)' },
  'import.empty': { status: 422, zh: '文件中没有数据行', en: 'The file has no data rows' },
  'import.too_many_rows': { status: 422, zh: '一次导入的行数超出上限', en: 'Too many rows in one import' },
  'import.bad_mapping': { status: 422, zh: '列映射无效', en: 'The column mapping is not valid' },
  'sensor.unit_mismatch': { status: 422, zh: '读数单位与该类型阈值的单位不一致且无法换算', en: 'The reading unit differs from the threshold unit and cannot be converted' },
  'threshold.invalid': { status: 422, zh: '阈值设置无效', en: 'The threshold is not valid' },
  'calendar.invalid_day': { status: 422, zh: '不是有效的日期（应为 YYYY-MM-DD，2000 至 2100 年）', en: 'Not a valid day (YYYY-MM-DD, years 2000 to 2100)' },
  'calendar.day_outside_year': { status: 422, zh: '日期不在所录入的年度内', en: 'A day lies outside the year being entered' },
  'calendar.duplicate_day': { status: 422, zh: '同一日期重复出现', en: 'A day is listed twice' },
  'calendar.year_exists': { status: 409, zh: '该年度的节假日安排已存在，请逐日修改', en: 'The year already has an arrangement; edit its days one by one' },
  'calendar.invalid_deadline': { status: 422, zh: '期限无效', en: 'The deadline is not valid' },
  'case.not_assigned': { status: 409, zh: '该问题尚未交办，还没有整改通知书', en: 'The case has not been assigned yet, so it has no rectification notice' },
  'evidence.unsupported_type': { status: 415, zh: '只接受照片（JPEG、PNG、WebP、HEIC）或 PDF 文件', en: 'Only photos (JPEG, PNG, WebP, HEIC) or PDF files are accepted' },
  'channel.invalid_url': { status: 422, zh: '渠道地址须为有效的 http 或 https 网址', en: 'The channel URL must be a valid http or https URL' },
  'channel.unofficial_url': {
    status: 422,
    zh: '企业微信机器人须使用 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…，钉钉机器人须使用 https://oapi.dingtalk.com/robot/send?access_token=…；私有部署或中转地址请勾选“自定义地址”',
    en: 'WeCom robots use https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…, DingTalk robots https://oapi.dingtalk.com/robot/send?access_token=…; tick "custom URL" for a private deployment or relay',
  },
  'channel.invalid_config': { status: 422, zh: '渠道设置不完整或与渠道类型不符', en: 'The channel settings are incomplete or do not fit its kind' },
  'channel.duplicate_name': { status: 409, zh: '已有同名的通知渠道', en: 'A notification channel with this name exists' },
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
  // Details extend the problem; they never replace its standard members (RFC 9457 §3.1).
  return {
    ...(err.details ?? {}),
    type: `/api/problems#${err.code}`,
    title: entry.en,
    status: err.status,
    code: err.code,
    detail: err.message,
    message: { zh: entry.zh, en: entry.en },
    ...(instance ? { instance } : {}),
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
  notification_channels_name_key: 'channel.duplicate_name',
};

export function fromDatabaseError(err: unknown): AppError | null {
  const e = err as { code?: string; constraint?: string };
  if (typeof e?.code !== 'string') return null;
  if (e.constraint && constraintCodes[e.constraint]) return new AppError(constraintCodes[e.constraint]!);
  if (e.code === '23503') return new AppError('reference.unknown');
  return null;
}

/**
 * The demo city: Zhengzhou (郑州市), whose 7·20 flood the plan cites (§1.3).
 * Units, people and teams are invented but shaped like the plan: six 片区 each
 * led by a city leader (§3.1), A/B staff per unit (§3.3), ten inspection teams
 * of lead + 2 experts + discipline + recorder (§4.1), fifteen experts (§5.4).
 */
import type { ExpertField, ExpertMode, SpecialistGroup, UnitDuty, UnitKind } from '@cityloop/domain';

export const demoCity = {
  code: 'zhengzhou',
  name: '郑州市',
  nameEn: 'Zhengzhou',
  // 二七纪念塔, the city centre, WGS-84
  center: [113.6604, 34.7538] as [number, number],
  /** tickets read ZZ20261125-000123 (郑州) */
  ticketPrefix: 'ZZ',
};

export interface DemoUnit {
  code: string;
  name: string;
  nameEn: string;
  kind: UnitKind;
  /** the 片区 code for a district government */
  districtCode?: string;
  phone: string;
  /** what the unit answers for: routing proposes it for subcategories with this default duty */
  duties: UnitDuty[];
}

export const demoUnits: DemoUnit[] = [
  { code: 'ZJJ', name: '郑州市住房和城乡建设局', nameEn: 'Housing and Urban-Rural Development Bureau', kind: 'government', phone: '0371-67181234', duties: ['housing'] },
  { code: 'ZRGH', name: '郑州市自然资源和规划局', nameEn: 'Natural Resources and Planning Bureau', kind: 'government', phone: '0371-67182345', duties: ['planning'] },
  { code: 'CGJ', name: '郑州市城市管理局', nameEn: 'Urban Management Bureau', kind: 'government', phone: '0371-67183456', duties: ['urban_management'] },
  { code: 'SLJ', name: '郑州市水利局', nameEn: 'Water Resources Bureau', kind: 'government', phone: '0371-67184567', duties: ['water'] },
  { code: 'STHJ', name: '郑州市生态环境局', nameEn: 'Ecology and Environment Bureau', kind: 'government', phone: '0371-67185678', duties: ['environment'] },
  { code: 'JTYS', name: '郑州市交通运输局', nameEn: 'Transport Bureau', kind: 'government', phone: '0371-67186789', duties: ['transport'] },
  { code: 'YLJ', name: '郑州市园林局', nameEn: 'Landscape and Gardens Bureau', kind: 'government', phone: '0371-67187890', duties: ['landscape'] },
  { code: 'FGW', name: '郑州市发展和改革委员会', nameEn: 'Development and Reform Commission', kind: 'government', phone: '0371-67188901', duties: [] },
  { code: 'CZJ', name: '郑州市财政局', nameEn: 'Finance Bureau', kind: 'government', phone: '0371-67189012', duties: [] },
  { code: 'YJGL', name: '郑州市应急管理局', nameEn: 'Emergency Management Bureau', kind: 'government', phone: '0371-67180123', duties: ['emergency'] },
  { code: 'WWJ', name: '郑州市文物局', nameEn: 'Cultural Heritage Bureau', kind: 'government', phone: '0371-67171234', duties: ['heritage'] },
  { code: 'JYJ', name: '郑州市教育局', nameEn: 'Education Bureau', kind: 'government', phone: '0371-67172345', duties: ['education'] },
  { code: 'WJW', name: '郑州市卫生健康委员会', nameEn: 'Health Commission', kind: 'government', phone: '0371-67173456', duties: ['health'] },
  { code: 'ZYQ', name: '中原区人民政府', nameEn: 'Zhongyuan District Government', kind: 'district_government', districtCode: 'ZZ-D01', phone: '0371-67174567', duties: ['district'] },
  { code: 'EQQ', name: '二七区人民政府', nameEn: 'Erqi District Government', kind: 'district_government', districtCode: 'ZZ-D02', phone: '0371-67175678', duties: ['district'] },
  { code: 'GCQ', name: '管城回族区人民政府', nameEn: 'Guancheng Hui District Government', kind: 'district_government', districtCode: 'ZZ-D03', phone: '0371-67176789', duties: ['district'] },
  { code: 'JSQ', name: '金水区人民政府', nameEn: 'Jinshui District Government', kind: 'district_government', districtCode: 'ZZ-D04', phone: '0371-67177890', duties: ['district'] },
  { code: 'HJQ', name: '惠济区人民政府', nameEn: 'Huiji District Government', kind: 'district_government', districtCode: 'ZZ-D05', phone: '0371-67178901', duties: ['district'] },
  { code: 'SJQ', name: '上街区人民政府', nameEn: 'Shangjie District Government', kind: 'district_government', districtCode: 'ZZ-D06', phone: '0371-67179012', duties: ['district'] },
  { code: 'ZLS', name: '郑州自来水投资控股有限公司', nameEn: 'Zhengzhou Water Supply Holdings', kind: 'enterprise', phone: '0371-67161234', duties: ['water_supply'] },
  { code: 'RQJT', name: '郑州燃气集团有限公司', nameEn: 'Zhengzhou Gas Group', kind: 'enterprise', phone: '0371-67162345', duties: ['gas'] },
  { code: 'DTJT', name: '郑州地铁集团有限公司', nameEn: 'Zhengzhou Metro Group', kind: 'enterprise', phone: '0371-67163456', duties: ['metro'] },
  { code: 'SZGC', name: '郑州市市政工程总公司', nameEn: 'Zhengzhou Municipal Engineering Corp.', kind: 'enterprise', phone: '0371-67164567', duties: ['municipal_works'] },
  { code: 'JKY', name: '中国建筑科学研究院（工程质量检测）', nameEn: 'China Academy of Building Research (testing)', kind: 'third_party', phone: '010-64517890', duties: [] },
  { code: 'LDDC', name: '零点有数（满意度调查）', nameEn: 'Horizon Research (satisfaction surveys)', kind: 'third_party', phone: '010-68001234', duties: [] },
];

/** One user per role, named after the role (DESIGN.md fixed points). */
export const demoRoleUsers: { username: string; displayName: string; roles: string[]; unitCode?: string; slot?: 'A' | 'B'; phone: string }[] = [
  { username: 'admin', displayName: '系统管理员', roles: ['admin'], phone: '13800000001' },
  { username: 'office', displayName: '王晓红（专班）', roles: ['office'], phone: '13800000002' },
  { username: 'leader', displayName: '李建国（副市长）', roles: ['leader'], phone: '13800000003' },
  { username: 'inspector', displayName: '张伟（视察组领队）', roles: ['inspector'], phone: '13800000004' },
  { username: 'expert', displayName: '陈静（结构专家）', roles: ['expert'], phone: '13800000005' },
  { username: 'unit', displayName: '刘洋（市住建局 A角）', roles: ['unit'], unitCode: 'ZJJ', slot: 'A', phone: '13800000006' },
  { username: 'thirdparty', displayName: '赵敏（建研院检测）', roles: ['thirdparty'], unitCode: 'JKY', phone: '13800000007' },
  { username: 'discipline', displayName: '孙志刚（纪检组）', roles: ['discipline'], phone: '13800000008' },
  { username: 'citizen', displayName: '市民周女士', roles: ['citizen'], phone: '13900000009' },
];

/** 领导包片: the demo `leader` leads 金水片区; five more leaders take the others. */
export const demoLeaders: { username: string; displayName: string; districtCode: string }[] = [
  { username: 'leader', displayName: '李建国（副市长）', districtCode: 'ZZ-D04' },
  { username: 'leader2', displayName: '马文斌（副市长）', districtCode: 'ZZ-D01' },
  { username: 'leader3', displayName: '高丽娟（副市长）', districtCode: 'ZZ-D02' },
  { username: 'leader4', displayName: '郭振华（市政府秘书长）', districtCode: 'ZZ-D03' },
  { username: 'leader5', displayName: '何志强（副秘书长）', districtCode: 'ZZ-D05' },
  { username: 'leader6', displayName: '罗红梅（副秘书长）', districtCode: 'ZZ-D06' },
];

export const demoExperts: { name: string; organisation: string; title: string; fields: ExpertField[]; mode: ExpertMode; username?: string }[] = [
  { name: '陈静', organisation: '郑州大学土木工程学院', title: '教授', fields: ['structural', 'municipal'], mode: 'fixed', username: 'expert' },
  { name: '王立新', organisation: '中国城市规划设计研究院', title: '教授级高工', fields: ['planning'], mode: 'fixed' },
  { name: '刘芳', organisation: '清华大学建筑学院', title: '副教授', fields: ['architecture', 'heritage'], mode: 'fixed' },
  { name: '杨海涛', organisation: '河南省水利勘测设计研究院', title: '高级工程师', fields: ['water'], mode: 'fixed' },
  { name: '黄晓东', organisation: '同济大学交通运输工程学院', title: '教授', fields: ['transport'], mode: 'fixed' },
  { name: '周丽', organisation: '河南省环境科学研究院', title: '研究员', fields: ['environment'], mode: 'on_call' },
  { name: '吴国强', organisation: '郑州市园林规划设计院', title: '高级工程师', fields: ['landscape'], mode: 'on_call' },
  { name: '徐文', organisation: '河南大学法学院', title: '教授', fields: ['law'], mode: 'on_call' },
  { name: '孙丽华', organisation: '郑州大学公共管理学院', title: '教授', fields: ['public_admin'], mode: 'on_call' },
  { name: '朱明', organisation: '河南省建设工程造价管理总站', title: '高级造价工程师', fields: ['cost'], mode: 'on_call' },
  { name: '胡建军', organisation: '郑州市市政设计研究院', title: '教授级高工', fields: ['municipal', 'water'], mode: 'fixed' },
  { name: '林晓燕', organisation: '河南省文物建筑保护设计中心', title: '研究馆员', fields: ['heritage'], mode: 'on_call' },
  { name: '郑伟', organisation: '华北水利水电大学', title: '教授', fields: ['water', 'environment'], mode: 'on_call' },
  { name: '谢宏', organisation: '郑州轨道交通设计院', title: '高级工程师', fields: ['transport', 'structural'], mode: 'on_call' },
  { name: '韩冰', organisation: '河南工业大学建筑学院', title: '副教授', fields: ['architecture', 'planning'], mode: 'on_call' },
];

export const demoTeamGroups: SpecialistGroup[] = [
  'infrastructure', 'infrastructure', 'infrastructure',
  'public_service', 'public_service', 'public_service',
  'ecology', 'ecology',
  'history_culture', 'history_culture',
];

export const teamNumerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export const demoApiKey = { name: 'cityloop-demo', key: 'cityloop-demo', scopes: ['open311.post', 'sensor.post'] };

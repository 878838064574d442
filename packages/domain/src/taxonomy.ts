/**
 * The problem taxonomy: 《城市建设问题分类分级标准》 (SPEC.md M2, seed §5.4: 规划类、建设类、
 * 管理类等6大类, 细分为28小类, 明确每类问题的技术规范和整改标准).
 *
 * The seed names three of the six categories; the other three follow the plan's own
 * fields and the 8 high-frequency problem types of §4.1 (交通拥堵、老旧小区改造、黑臭水体、
 * 内涝、公共服务短板、停车难、断头路 and, from §1.4, 加装电梯): safety (§6.2 重大安全隐患:
 * 危房、燃气泄漏), ecology (§1.3 生态环境压力) and livelihood services (§1.4 多元期待).
 *
 * Norms cite the national standard (GB) or industry standard (CJJ/JGJ) by number and
 * title without the year, so a revised edition does not make the entry wrong.
 * Deadlines of urgent safety items are in hours, the rest in working days (工作日).
 */
import { unitDuties, type UnitDuty } from './org.ts';

export const deadlineUnits = ['working_days', 'hours'] as const;
export type DeadlineUnit = (typeof deadlineUnits)[number];

export interface Deadline {
  amount: number;
  unit: DeadlineUnit;
}

export interface TaxonomyCategory {
  code: string;
  name: string;
  nameEn: string;
}

export interface Subcategory {
  code: string;
  categoryCode: string;
  name: string;
  nameEn: string;
  /** the technical norm (技术规范) the problem is judged against */
  norm: string;
  /** the rectification standard (整改标准): what "fixed" means */
  standard: string;
  deadline: Deadline;
  /** the duty of the unit routed the problem by default (see `unitDuties`) */
  defaultDuty: UnitDuty;
  /** one of the 8 high-frequency types of §4.1 */
  highFrequency: boolean;
  /** complaint vocabulary: the classifier's starting examples */
  keywords: string[];
}

export interface Taxonomy {
  categories: TaxonomyCategory[];
  subcategories: Subcategory[];
}

export const defaultCategories: TaxonomyCategory[] = [
  { code: 'GH', name: '规划类', nameEn: 'Planning' },
  { code: 'JS', name: '建设类', nameEn: 'Construction' },
  { code: 'GL', name: '管理类', nameEn: 'Management' },
  { code: 'AQ', name: '安全类', nameEn: 'Safety' },
  { code: 'ST', name: '生态环境类', nameEn: 'Ecology & environment' },
  { code: 'MS', name: '民生服务类', nameEn: 'Livelihood services' },
];

const wd = (amount: number): Deadline => ({ amount, unit: 'working_days' });
const hours = (amount: number): Deadline => ({ amount, unit: 'hours' });

export const defaultSubcategories: Subcategory[] = [
  // 规划类
  {
    code: 'GH-01',
    categoryCode: 'GH',
    name: '违法建设',
    nameEn: 'Illegal construction',
    norm: '《中华人民共和国城乡规划法》；GB 50137《城市用地分类与规划建设用地标准》',
    standard: '违法建筑依法拆除或完善规划许可手续，现场恢复原状并出具规划核实意见。',
    deadline: wd(15),
    defaultDuty: 'urban_management',
    highFrequency: false,
    keywords: ['违建', '违章建筑', '违章搭建', '私搭乱建', '加盖', '楼顶加层', '阳光房', '彩钢棚', '铁皮房', '圈地', '侵占公共用地', '没有规划许可', '擅自改建', '扩建', '封院子', '地下室违规开挖'],
  },
  {
    code: 'GH-02',
    categoryCode: 'GH',
    name: '断头路',
    nameEn: 'Dead-end roads',
    norm: 'GB/T 51328《城市综合交通体系规划标准》；CJJ 37《城市道路工程设计规范》',
    standard: '按控制性详细规划打通道路并通车，或明确征拆与资金计划并公示开工时间。',
    deadline: wd(60),
    defaultDuty: 'transport',
    highFrequency: true,
    keywords: ['断头路', '路不通', '道路没打通', '绕行', '绕远路', '规划道路', '迟迟不通', '卡脖子路', '征地拆迁', '路修一半', '道路中断', '不能通行', '瓶颈路', '连通', '打通'],
  },
  {
    code: 'GH-03',
    categoryCode: 'GH',
    name: '公共服务设施配套不足',
    nameEn: 'Public-service facility gaps',
    norm: 'GB 50180《城市居住区规划设计标准》；《完整居住社区建设标准（试行）》',
    standard: '按15分钟生活圈配建学校、社区卫生服务站、养老等设施，或落实选址与建设计划并公示。',
    deadline: wd(60),
    defaultDuty: 'district',
    highFrequency: true,
    keywords: ['配套', '学校不够', '上学难', '学位紧张', '幼儿园', '社区医院', '卫生服务站', '看病远', '养老设施', '菜市场', '没有超市', '公共厕所', '配套设施不足', '生活圈', '托育', '社区食堂'],
  },
  {
    code: 'GH-04',
    categoryCode: 'GH',
    name: '历史文化风貌破坏',
    nameEn: 'Damage to historic character',
    norm: 'GB/T 50357《历史文化名城保护规划标准》；《历史文化名城名镇名村保护条例》',
    standard: '停止破坏行为，按保护规划恢复历史建筑与街巷风貌，并经文物或规划部门验收。',
    deadline: wd(20),
    defaultDuty: 'heritage',
    highFrequency: false,
    keywords: ['历史建筑', '文物', '古建筑', '老街', '历史街区', '风貌', '拆老房子', '古树', '牌坊', '保护建筑', '老城墙', '破坏文物', '仿古', '历史文化'],
  },
  // 建设类
  {
    code: 'JS-01',
    categoryCode: 'JS',
    name: '老旧小区改造',
    nameEn: 'Old-community renovation',
    norm: '《城镇老旧小区改造技术导则》；GB 50180《城市居住区规划设计标准》',
    standard: '按改造方案完成水电气暖管网、外墙与屋面、道路与照明等基础类改造，并经居民代表参与验收。',
    deadline: wd(30),
    defaultDuty: 'housing',
    highFrequency: true,
    keywords: ['老旧小区', '老小区', '改造', '旧改', '外墙脱落', '楼道', '屋顶漏水', '管网老化', '线缆乱拉', '飞线', '小区道路', '改造进度', '改造质量', '单元门', '暖气不热', '雨污分流'],
  },
  {
    code: 'JS-02',
    categoryCode: 'JS',
    name: '工程质量缺陷',
    nameEn: 'Construction quality defects',
    norm: 'GB 50300《建筑工程施工质量验收统一标准》；《建设工程质量管理条例》',
    standard: '委托检测机构检测，按设计要求返工或加固，重新组织竣工验收并出具检测报告。',
    deadline: wd(20),
    defaultDuty: 'housing',
    highFrequency: false,
    keywords: ['质量问题', '墙体开裂', '裂缝', '渗水', '空鼓', '偷工减料', '豆腐渣', '楼板', '钢筋', '验收', '不合格', '返工', '新房', '交房', '墙皮脱落', '地面下沉'],
  },
  {
    code: 'JS-03',
    categoryCode: 'JS',
    name: '道路破损',
    nameEn: 'Damaged roads and pavements',
    norm: 'CJJ 36《城镇道路养护技术规范》；CJJ 1《城镇道路工程施工与质量验收规范》',
    standard: '坑槽、沉陷、破损人行道按养护规范修补平整，路面平整度和标线恢复达标。',
    deadline: wd(10),
    defaultDuty: 'municipal_works',
    highFrequency: false,
    keywords: ['坑洼', '坑槽', '路面破损', '大坑', '路坑', '坑坑洼洼', '路面开裂', '人行道', '地砖松动', '盲道', '路沿石', '颠簸', '翻浆', '车辙', '补路'],
  },
  {
    code: 'JS-04',
    categoryCode: 'JS',
    name: '管线建设与道路反复开挖',
    nameEn: 'Utility works and repeated road digging',
    norm: 'GB 50289《城市工程管线综合规划规范》；CJJ 36《城镇道路养护技术规范》',
    standard: '统筹管线工程计划，按期回填并恢复路面，新建道路五年内不得重复开挖。',
    deadline: wd(10),
    defaultDuty: 'municipal_works',
    highFrequency: false,
    keywords: ['反复开挖', '拉链路', '挖了又填', '挖开', '管线施工', '埋管', '回填', '开挖', '电缆', '光缆', '挖路', '迟迟不回填', '沟槽', '围挡占道'],
  },
  {
    code: 'JS-05',
    categoryCode: 'JS',
    name: '工程进度滞后与停工烂尾',
    nameEn: 'Project delays and stalled works',
    norm: '《建设工程质量管理条例》；《政府投资条例》',
    standard: '查明停工原因，落实资金和施工计划并公示复工节点，按节点完成并向社会通报。',
    deadline: wd(30),
    defaultDuty: 'housing',
    highFrequency: false,
    keywords: ['停工', '烂尾', '进度慢', '工期', '延期', '拖了', '迟迟不完工', '烂尾楼', '工地荒废', '没人施工', '交付', '逾期', '复工', '半拉子工程'],
  },
  {
    code: 'JS-06',
    categoryCode: 'JS',
    name: '施工扰民与工地扬尘',
    nameEn: 'Construction noise and dust',
    norm: 'GB 12523《建筑施工场界环境噪声排放标准》；JGJ 146《建设工程施工现场环境与卫生标准》',
    standard: '夜间（22时至次日6时）未经许可停止高噪声作业，工地落实围挡、覆盖、洒水、冲洗等防尘措施。',
    deadline: wd(3),
    defaultDuty: 'urban_management',
    highFrequency: false,
    keywords: ['工地', '夜间施工', '施工噪音', '扰民', '扬尘', '渣土车', '打桩', '半夜', '灰尘', '土堆', '未覆盖', '洒水', '泥头车', '搅拌机', '睡不着'],
  },
  // 管理类
  {
    code: 'GL-01',
    categoryCode: 'GL',
    name: '交通拥堵',
    nameEn: 'Traffic congestion',
    norm: 'GB/T 51328《城市综合交通体系规划标准》；GB 5768《道路交通标志和标线》',
    standard: '优化信号配时、渠化和交通组织，高峰时段拥堵指数下降并经复测确认。',
    deadline: wd(30),
    defaultDuty: 'transport',
    highFrequency: true,
    keywords: ['堵车', '拥堵', '交通拥堵', '早高峰', '晚高峰', '红绿灯', '信号灯', '排长队', '车流量', '路口', '掉头', '车道', '通行慢', '堵死', '学校门口堵'],
  },
  {
    code: 'GL-02',
    categoryCode: 'GL',
    name: '停车难与乱停车',
    nameEn: 'Parking shortage and illegal parking',
    norm: 'GB/T 51149《城市停车规划规范》；《城市停车设施规划导则》',
    standard: '清理占道停车，施划停车泊位或挖潜共享车位，新增泊位并公示收费标准。',
    deadline: wd(20),
    defaultDuty: 'transport',
    highFrequency: true,
    keywords: ['停车难', '停车位', '车位', '乱停', '乱停车', '占用消防通道', '停车场', '没地方停', '违停', '僵尸车', '停车费', '车位紧张', '占道停车', '共享单车', '电动车乱放'],
  },
  {
    code: 'GL-03',
    categoryCode: 'GL',
    name: '市容环境卫生',
    nameEn: 'Street cleanliness and waste',
    norm: 'CJJ 27《环境卫生设施设置标准》；GB/T 19095《生活垃圾分类标志》',
    standard: '垃圾、渣土、杂物当日清运，环卫设施修复到位，垃圾分类设施按标准配置。',
    deadline: wd(3),
    defaultDuty: 'urban_management',
    highFrequency: false,
    keywords: ['垃圾', '垃圾桶', '垃圾堆', '没人清理', '脏乱差', '垃圾分类', '清运', '满溢', '建筑垃圾', '卫生死角', '环卫', '苍蝇', '老鼠', '乱扔', '小广告'],
  },
  {
    code: 'GL-04',
    categoryCode: 'GL',
    name: '占道经营与户外广告',
    nameEn: 'Street vending and outdoor advertising',
    norm: 'CJJ/T 149《城市户外广告和招牌设施技术标准》；《城市市容和环境卫生管理条例》',
    standard: '清除占道经营和出店经营，拆除违规或破损广告招牌，恢复道路通行。',
    deadline: wd(5),
    defaultDuty: 'urban_management',
    highFrequency: false,
    keywords: ['占道经营', '摆摊', '小摊贩', '流动摊贩', '夜市', '出店经营', '广告牌', '招牌', '横幅', '店外摆放', '烧烤摊', '占用人行道', '广告', '灯箱'],
  },
  {
    code: 'GL-05',
    categoryCode: 'GL',
    name: '路灯与市政设施损坏',
    nameEn: 'Broken street lights and municipal fixtures',
    norm: 'CJJ 45《城市道路照明设计标准》；CJJ 89《城市道路照明工程施工及验收规程》',
    standard: '路灯、护栏、标志牌、公共座椅等设施修复或更换，亮灯率恢复到98%以上。',
    deadline: wd(5),
    defaultDuty: 'municipal_works',
    highFrequency: false,
    keywords: ['路灯', '路灯不亮', '灯不亮', '黑灯瞎火', '太黑', '照明', '护栏', '隔离栏', '指示牌', '路牌', '公交站', '座椅', '设施损坏', '倒了'],
  },
  // 安全类
  {
    code: 'AQ-01',
    categoryCode: 'AQ',
    name: '城市内涝积水',
    nameEn: 'Urban waterlogging',
    norm: 'GB 51222《城镇内涝防治技术标准》；GB 50014《室外排水设计标准》',
    standard: '积水点24小时内抽排清除，疏通雨水管渠，积水点纳入改造计划并达到内涝防治设计重现期标准。',
    deadline: hours(24),
    defaultDuty: 'water',
    highFrequency: true,
    keywords: ['积水', '内涝', '淹水', '下雨就淹', '水漫', '排水不畅', '雨水', '暴雨', '下穿隧道', '涵洞', '水深', '车被淹', '雨水篦子', '排涝', '蹚水', '水排不出去'],
  },
  {
    code: 'AQ-02',
    categoryCode: 'AQ',
    name: '房屋安全隐患',
    nameEn: 'Unsafe buildings',
    norm: 'JGJ 125《危险房屋鉴定标准》；GB 50292《民用建筑可靠性鉴定标准》',
    standard: '危房立即撤离人员并设置警戒，委托鉴定后按鉴定等级加固或拆除。',
    deadline: hours(24),
    defaultDuty: 'housing',
    highFrequency: false,
    keywords: ['危房', '房屋倾斜', '承重墙', '房子裂了', '随时倒塌', '墙体倾斜', '楼房开裂', '房屋鉴定', '危楼', '掉混凝土块', '阳台', '坠落', '外墙砖', '砸人'],
  },
  {
    code: 'AQ-03',
    categoryCode: 'AQ',
    name: '燃气安全隐患',
    nameEn: 'Gas safety hazards',
    norm: 'GB 50028《城镇燃气设计规范》；CJJ 51《城镇燃气设施运行、维护和抢修安全技术规程》',
    standard: '燃气泄漏立即关阀抢修，老化管道和违规用气设施限期更换，经燃气企业检测合格。',
    deadline: hours(4),
    defaultDuty: 'gas',
    highFrequency: false,
    keywords: ['燃气', '煤气', '天然气', '煤气味', '漏气', '燃气泄漏', '燃气管道', '液化气', '气瓶', '燃气表', '胶管', '报警器', '爆炸', '闻到气味'],
  },
  {
    code: 'AQ-04',
    categoryCode: 'AQ',
    name: '路面塌陷与井盖缺损',
    nameEn: 'Road collapse and missing manhole covers',
    norm: 'CJJ 36《城镇道路养护技术规范》；GB/T 23858《检查井盖》',
    standard: '塌陷和缺失井盖处立即设置围挡警示，24小时内补盖或回填，查明地下空洞成因并处置。',
    deadline: hours(12),
    defaultDuty: 'municipal_works',
    highFrequency: false,
    keywords: ['井盖', '井盖丢了', '井盖破损', '没有井盖', '塌陷', '路面塌陷', '地陷', '空洞', '下沉', '窨井', '掉进去', '沉降', '地面裂缝', '雨水井'],
  },
  {
    code: 'AQ-05',
    categoryCode: 'AQ',
    name: '施工安全隐患',
    nameEn: 'Construction site safety hazards',
    norm: 'JGJ 59《建筑施工安全检查标准》；JGJ 120《建筑基坑支护技术规程》',
    standard: '立即停止危险作业并整改，深基坑、高支模、起重机械经专项验收合格后复工。',
    deadline: hours(24),
    defaultDuty: 'emergency',
    highFrequency: false,
    keywords: ['塔吊', '脚手架', '安全帽', '深基坑', '高空作业', '安全网', '高支模', '坠物', '起重机', '没有防护', '临边', '违规作业', '安全隐患', '工人'],
  },
  // 生态环境类
  {
    code: 'ST-01',
    categoryCode: 'ST',
    name: '黑臭水体',
    nameEn: 'Black and odorous water',
    norm: '《城市黑臭水体整治工作指南》；GB 3838《地表水环境质量标准》',
    standard: '截污纳管、清淤和生态补水，水体透明度、溶解氧、氨氮等指标达到非黑臭标准且不返黑返臭。',
    deadline: wd(30),
    defaultDuty: 'water',
    highFrequency: true,
    keywords: ['黑臭', '臭水沟', '河水发黑', '河道', '水发臭', '死鱼', '臭味', '水体', '河沟', '池塘', '漂浮物', '水面', '发绿', '返黑返臭', '黑水'],
  },
  {
    code: 'ST-02',
    categoryCode: 'ST',
    name: '绿地侵占与绿化缺失',
    nameEn: 'Encroached or missing green space',
    norm: 'GB/T 51346《城市绿地规划标准》；CJJ/T 85《城市绿地分类标准》',
    standard: '退还被侵占绿地并补植复绿，枯死树木补种，绿地率恢复到规划指标。',
    deadline: wd(20),
    defaultDuty: 'landscape',
    highFrequency: false,
    keywords: ['绿地', '绿化', '毁绿', '砍树', '树木', '草坪', '公园', '口袋公园', '种菜', '枯死', '行道树', '绿化带', '侵占绿地', '树枝'],
  },
  {
    code: 'ST-03',
    categoryCode: 'ST',
    name: '大气与噪声污染',
    nameEn: 'Air and noise pollution',
    norm: 'GB 3095《环境空气质量标准》；GB 3096《声环境质量标准》；GB 18483《饮食业油烟排放标准》',
    standard: '污染源限期治理，油烟净化和降噪设施安装到位，监测结果达标。',
    deadline: wd(10),
    defaultDuty: 'environment',
    highFrequency: false,
    keywords: ['油烟', '异味', '废气', '烧垃圾', '冒黑烟', '噪音', '广场舞', '音响', '刺鼻', '空气污染', '工厂', '排放', '饭店', '烟囱', '焚烧'],
  },
  {
    code: 'ST-04',
    categoryCode: 'ST',
    name: '污水直排与雨污混接',
    nameEn: 'Sewage discharge and cross-connections',
    norm: 'GB 50014《室外排水设计标准》；GB 18918《城镇污水处理厂污染物排放标准》',
    standard: '封堵直排口，改正雨污混接，污水接入市政管网并经排水部门检测确认。',
    deadline: wd(15),
    defaultDuty: 'water',
    highFrequency: false,
    keywords: ['污水', '排污口', '直排', '污水横流', '下水道', '堵塞', '冒水', '化粪池', '雨污混接', '污水管', '反味', '下水道返水', '排污', '污水井'],
  },
  // 民生服务类
  {
    code: 'MS-01',
    categoryCode: 'MS',
    name: '加装电梯与无障碍设施',
    nameEn: 'Lift retrofits and accessibility',
    norm: 'GB 55019《建筑与市政工程无障碍通用规范》；GB/T 7588《电梯制造与安装安全规范》',
    standard: '具备条件的住宅加装电梯立项推进，无障碍坡道、扶手等设施修复或补建并通过验收。',
    deadline: wd(30),
    defaultDuty: 'housing',
    highFrequency: true,
    keywords: ['加装电梯', '电梯', '爬楼', '老人上下楼', '无障碍', '坡道', '轮椅', '扶手', '电梯故障', '困人', '残疾人', '楼层高', '电梯停运', '低层住户'],
  },
  {
    code: 'MS-02',
    categoryCode: 'MS',
    name: '供水与水质问题',
    nameEn: 'Water supply and drinking-water quality',
    norm: 'GB 5749《生活饮用水卫生标准》；CJJ 207《城镇供水管网运行、维护及安全技术规程》',
    standard: '停水、低压24小时内恢复供水，水质异常立即排查并公布检测结果。',
    deadline: hours(24),
    defaultDuty: 'water_supply',
    highFrequency: false,
    keywords: ['停水', '自来水', '水压低', '没水', '水质', '黄水', '水浑', '水管爆裂', '漏水', '水表', '二次供水', '水箱', '有异味的水', '供水'],
  },
  {
    code: 'MS-03',
    categoryCode: 'MS',
    name: '物业管理与小区设施',
    nameEn: 'Property management and estate facilities',
    norm: '《物业管理条例》；《住宅专项维修资金管理办法》',
    standard: '物业服务企业按合同履约，小区公共设施限期维修，维修资金使用情况公示。',
    deadline: wd(10),
    defaultDuty: 'housing',
    highFrequency: false,
    keywords: ['物业', '物业费', '物业不管', '门禁', '小区大门', '保安', '维修基金', '业委会', '公共设施', '监控坏了', '小区绿化', '开发商', '收费', '物业服务'],
  },
  {
    code: 'MS-04',
    categoryCode: 'MS',
    name: '充电桩与便民设施不足',
    nameEn: 'EV chargers and convenience facilities',
    norm: 'GB 50966《电动汽车充电站设计标准》；《城市居住区电动汽车充电设施建设指南》',
    standard: '按配建比例建设充电设施和便民设施，电动自行车集中充电点覆盖到每个小区。',
    deadline: wd(30),
    defaultDuty: 'district',
    highFrequency: false,
    keywords: ['充电桩', '充电难', '电动车充电', '飞线充电', '充电', '新能源车', '快递柜', '便民', '晾衣', '充电车棚', '电瓶车', '便利店', '充电口'],
  },
];

export const defaultTaxonomy: Taxonomy = { categories: defaultCategories, subcategories: defaultSubcategories };

/** The 8 high-frequency problem types of §4.1 (and §1.4 for lift retrofits), by subcategory. */
export const highFrequencyTypes: { code: string; name: string; nameEn: string }[] = defaultSubcategories
  .filter((s) => s.highFrequency)
  .map(({ code, name, nameEn }) => ({ code, name, nameEn }));

export const subcategoryCodePattern = /^[A-Z]{2,4}-\d{2,3}$/;
export const categoryCodePattern = /^[A-Z]{2,4}$/;

/** Largest deadline accepted: a year of working days, or a week of hours. */
export const maxDeadline: Record<DeadlineUnit, number> = { working_days: 250, hours: 168 };

/**
 * Everything wrong with an edited taxonomy; empty when it can be saved. Checks
 * what the rest of the platform relies on: unique codes, every subcategory in an
 * existing category, positive deadlines, a routable duty, keywords to learn from.
 */
export function taxonomyProblems(t: Taxonomy): string[] {
  const problems: string[] = [];
  if (t.categories.length === 0) problems.push('there must be at least one category');
  if (t.subcategories.length === 0) problems.push('there must be at least one subcategory');
  const categoryCodes = new Set<string>();
  for (const c of t.categories) {
    if (!categoryCodePattern.test(c.code)) problems.push(`category ${c.code}: code must be 2–4 capital letters`);
    if (categoryCodes.has(c.code)) problems.push(`category ${c.code}: duplicate code`);
    categoryCodes.add(c.code);
    if (!c.name.trim()) problems.push(`category ${c.code}: name is empty`);
  }
  const codes = new Set<string>();
  const used = new Set<string>();
  for (const s of t.subcategories) {
    const at = `subcategory ${s.code}`;
    if (!subcategoryCodePattern.test(s.code)) problems.push(`${at}: code must look like JS-03`);
    if (codes.has(s.code)) problems.push(`${at}: duplicate code`);
    codes.add(s.code);
    if (!categoryCodes.has(s.categoryCode)) problems.push(`${at}: category ${s.categoryCode} does not exist`);
    used.add(s.categoryCode);
    if (!s.name.trim()) problems.push(`${at}: name is empty`);
    if (!(deadlineUnits as readonly string[]).includes(s.deadline.unit)) problems.push(`${at}: deadline unit must be working_days or hours`);
    else if (!Number.isInteger(s.deadline.amount) || s.deadline.amount <= 0 || s.deadline.amount > maxDeadline[s.deadline.unit]) {
      problems.push(`${at}: deadline must be a whole number from 1 to ${maxDeadline[s.deadline.unit]} ${s.deadline.unit}`);
    }
    if (!(unitDuties as readonly string[]).includes(s.defaultDuty)) problems.push(`${at}: duty ${s.defaultDuty} is not one of ${unitDuties.join(', ')}`);
    if (s.keywords.filter((k) => k.trim()).length === 0) problems.push(`${at}: needs at least one keyword`);
  }
  for (const c of t.categories) if (!used.has(c.code)) problems.push(`category ${c.code}: has no subcategory`);
  return problems;
}

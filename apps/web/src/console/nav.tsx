import {
  lazy,
  type ComponentType,
  type LazyExoticComponent,
  type ReactNode,
} from "react";
import {
  ApartmentOutlined,
  AlertOutlined,
  AuditOutlined,
  BankOutlined,
  BorderOutlined,
  CalendarOutlined,
  ClockCircleOutlined,
  CarryOutOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  ExperimentOutlined,
  FileDoneOutlined,
  InboxOutlined,
  KeyOutlined,
  NotificationOutlined,
  ScheduleOutlined,
  SettingOutlined,
  SolutionOutlined,
  SafetyCertificateOutlined,
  CommentOutlined,
  TeamOutlined,
  UserOutlined,
} from "@ant-design/icons";
import type { Permission, Role } from "@cityloop/domain";

export interface NavItem {
  key: string;
  path: string;
  /** the main permission of the page: the menu shows it only to roles allowed to use it */
  permission: Permission;
  labelKey: string;
  icon: ReactNode;
  page: LazyExoticComponent<ComponentType> | ComponentType;
}

// The map page pulls in MapLibre GL (~200 kB gzip): a chunk of its own, loaded on demand.
const AreaMapPage = lazy(() => import("./map/AreaMapPage.tsx"));
const AreasPage = lazy(() => import("./pages/AreasPage.tsx"));
// 问题池: the list and drawer here; its map (MapLibre) is a further lazy chunk
const PoolPage = lazy(() => import("./pages/PoolPage.tsx"));
// 案件办理: list and case pages (研判, 交办, the unit's work, 销号)
const CasesPage = lazy(() => import("./cases/CasesPage.tsx"));
// 每日会商 / 回头看
const ConsolidationPage = lazy(() => import("./pages/ConsolidationPage.tsx"));
const RecheckPage = lazy(() => import("./pages/RecheckPage.tsx"));
// 三级督办: 督办 / 核查任务 / 约谈名单, and the loop's schedule
const EscalationsPage = lazy(() => import("./pages/EscalationsPage.tsx"));
const VerificationTasksPage = lazy(() => import("./pages/VerificationTasksPage.tsx"));
const InterviewsPage = lazy(() => import("./pages/InterviewsPage.tsx"));
const LoopSettingsPage = lazy(() => import("./pages/LoopSettingsPage.tsx"));
const UnitsPage = lazy(() => import("./pages/UnitsPage.tsx"));
const UsersPage = lazy(() => import("./pages/UsersPage.tsx"));
const TeamsPage = lazy(() => import("./pages/TeamsPage.tsx"));
const ExpertsPage = lazy(() => import("./pages/ExpertsPage.tsx"));
const ApiKeysPage = lazy(() => import("./pages/ApiKeysPage.tsx"));
// 通知渠道
const ChannelsPage = lazy(() => import("./pages/ChannelsPage.tsx"));
const SettingsPage = lazy(() => import("./pages/SettingsPage.tsx"));
const AuditPage = lazy(() => import("./pages/AuditPage.tsx"));
// 问题分类标准 / 分类模型 / 数据导入 / 传感器阈值
const TaxonomyPage = lazy(() => import("./pages/TaxonomyPage.tsx"));
const ClassifierPage = lazy(() => import("./pages/ClassifierPage.tsx"));
const ImportsPage = lazy(() => import("./pages/ImportsPage.tsx"));
// 工作日历
const CalendarPage = lazy(() => import("./pages/CalendarPage.tsx"));
const SensorThresholdsPage = lazy(
  () => import("./pages/SensorThresholdsPage.tsx"),
);

export const navItems: NavItem[] = [
  {
    key: "map",
    path: "/map",
    permission: "settings.read",
    labelKey: "menu.map",
    icon: <EnvironmentOutlined />,
    page: AreaMapPage,
  },
  {
    key: "pool",
    path: "/pool",
    permission: "problem.read",
    labelKey: "menu.pool",
    icon: <InboxOutlined />,
    page: PoolPage,
  },
  {
    key: "cases",
    path: "/cases",
    permission: "case.read",
    labelKey: "menu.cases",
    icon: <FileDoneOutlined />,
    page: CasesPage,
  },
  {
    key: "consolidation",
    path: "/consolidation",
    permission: "consolidation.read",
    labelKey: "menu.consolidation",
    icon: <ScheduleOutlined />,
    page: ConsolidationPage,
  },
  {
    key: "recheck",
    path: "/recheck",
    permission: "case.recheck",
    labelKey: "menu.recheck",
    icon: <CarryOutOutlined />,
    page: RecheckPage,
  },
  {
    key: "escalations",
    path: "/escalations",
    permission: "escalation.read",
    labelKey: "menu.escalations",
    icon: <AlertOutlined />,
    page: EscalationsPage,
  },
  {
    key: "verification",
    path: "/verification",
    permission: "escalation.read",
    labelKey: "menu.verification",
    icon: <SafetyCertificateOutlined />,
    page: VerificationTasksPage,
  },
  {
    key: "interviews",
    path: "/interviews",
    permission: "escalation.read",
    labelKey: "menu.interviews",
    icon: <CommentOutlined />,
    page: InterviewsPage,
  },
  {
    key: "imports",
    path: "/imports",
    permission: "import.read",
    labelKey: "menu.imports",
    icon: <CloudUploadOutlined />,
    page: ImportsPage,
  },
  {
    key: "taxonomy",
    path: "/taxonomy",
    permission: "taxonomy.read",
    labelKey: "menu.taxonomy",
    icon: <ApartmentOutlined />,
    page: TaxonomyPage,
  },
  {
    key: "classifier",
    path: "/classifier",
    permission: "taxonomy.classifier_read",
    labelKey: "menu.classifier",
    icon: <ExperimentOutlined />,
    page: ClassifierPage,
  },
  {
    key: "sensor-thresholds",
    path: "/sensor-thresholds",
    permission: "threshold.read",
    labelKey: "menu.sensorThresholds",
    icon: <DashboardOutlined />,
    page: SensorThresholdsPage,
  },
  {
    key: "calendar",
    path: "/calendar",
    permission: "calendar.read",
    labelKey: "menu.calendar",
    icon: <CalendarOutlined />,
    page: CalendarPage,
  },
  {
    key: "areas",
    path: "/areas",
    permission: "area.update",
    labelKey: "menu.areas",
    icon: <BorderOutlined />,
    page: AreasPage,
  },
  {
    key: "units",
    path: "/units",
    permission: "unit.read",
    labelKey: "menu.units",
    icon: <BankOutlined />,
    page: UnitsPage,
  },
  {
    key: "users",
    path: "/users",
    permission: "user.read",
    labelKey: "menu.users",
    icon: <UserOutlined />,
    page: UsersPage,
  },
  {
    key: "teams",
    path: "/teams",
    permission: "team.read",
    labelKey: "menu.teams",
    icon: <TeamOutlined />,
    page: TeamsPage,
  },
  {
    key: "experts",
    path: "/experts",
    permission: "expert.read",
    labelKey: "menu.experts",
    icon: <SolutionOutlined />,
    page: ExpertsPage,
  },
  {
    key: "api-keys",
    path: "/api-keys",
    permission: "apikey.manage",
    labelKey: "menu.apiKeys",
    icon: <KeyOutlined />,
    page: ApiKeysPage,
  },
  {
    key: "channels",
    path: "/channels",
    permission: "channel.manage",
    labelKey: "menu.channels",
    icon: <NotificationOutlined />,
    page: ChannelsPage,
  },
  {
    key: "loop-settings",
    path: "/loop-settings",
    permission: "loop.settings",
    labelKey: "menu.loopSettings",
    icon: <ClockCircleOutlined />,
    page: LoopSettingsPage,
  },
  {
    key: "settings",
    path: "/settings",
    permission: "settings.manage",
    labelKey: "menu.settings",
    icon: <SettingOutlined />,
    page: SettingsPage,
  },
  {
    key: "audit",
    path: "/audit",
    permission: "audit.read",
    labelKey: "menu.audit",
    icon: <AuditOutlined />,
    page: AuditPage,
  },
];

/**
 * Roles whose work is the cases handed to them (a responsible unit, the third party, an
 * expert): they land on 案件办理. Everyone else lands on their first menu item.
 */
const caseDeskRoles: readonly Role[] = ["unit", "thirdparty", "expert"];

/** Where a signed-in person lands: by role, not by menu order. */
export function landingPath(items: readonly NavItem[], roles: readonly string[]): string {
  const caseDesk = roles.length > 0 && roles.every((r) => (caseDeskRoles as readonly string[]).includes(r));
  const cases = caseDesk ? items.find((i) => i.key === "cases") : undefined;
  return cases?.path ?? items[0]?.path ?? "/map";
}

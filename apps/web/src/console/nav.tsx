import {
  lazy,
  type ComponentType,
  type LazyExoticComponent,
  type ReactNode,
} from "react";
import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BorderOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  ExperimentOutlined,
  InboxOutlined,
  KeyOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
} from "@ant-design/icons";
import type { Permission } from "@cityloop/domain";

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
const UnitsPage = lazy(() => import("./pages/UnitsPage.tsx"));
const UsersPage = lazy(() => import("./pages/UsersPage.tsx"));
const TeamsPage = lazy(() => import("./pages/TeamsPage.tsx"));
const ExpertsPage = lazy(() => import("./pages/ExpertsPage.tsx"));
const ApiKeysPage = lazy(() => import("./pages/ApiKeysPage.tsx"));
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

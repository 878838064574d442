/**
 * 区域地图: our own GeoJSON areas on MapLibre GL, with no internet dependency.
 * The style has only a background layer and our sources; no glyphs or sprites,
 * so names show in a hover card and the click panel, not as map labels.
 * Lives in its own lazily loaded chunk (MapLibre is large).
 */
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import {
  AttributionControl,
  Map as MlMap,
  Marker,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type GeoJSONSource,
  type LngLatBoundsLike,
  type MapGeoJSONFeature,
  type StyleSpecification,
} from "maplibre-gl";
import gcoord from "gcoord";
import type { FeatureCollection } from "geojson";
import { useEffect, useRef, useState } from "react";
import {
  Alert,
  Card,
  Checkbox,
  Empty,
  List,
  Spin,
  Tag,
  Typography,
} from "antd";
import {
  areaLevelLabels,
  areaLevels,
  levelRank,
  type AreaLevel,
} from "@cityloop/domain";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession, useShowError } from "../session.tsx";
import type {
  AreaCollectionT,
  AreaSummaryT,
  BasemapT,
  CityT,
  LocateResultT,
} from "../types.ts";

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** number of district features rendered, set once the district source has loaded (for tests) */
    __areaMapLoaded?: number;
  }
}

const palette = [
  "#e6553a",
  "#2f8fdd",
  "#3bb273",
  "#f2a93b",
  "#8e5bd6",
  "#d6457f",
  "#19a3a3",
  "#8c7b3e",
];
const lineColor: Record<AreaLevel, string> = {
  district: "#1d3557",
  county: "#264653",
  street: "#6c757d",
  community: "#9d8189",
  grid: "#adb5bd",
};
const lineWidth: Record<AreaLevel, number> = {
  district: 2.2,
  county: 1.6,
  street: 1.1,
  community: 0.8,
  grid: 0.5,
};
const GRID_MIN_ZOOM = 14;
const GRID_LIMIT = 5000;
const eagerLevels: AreaLevel[] = ["district", "county", "street", "community"];

type Visible = Record<AreaLevel, boolean>;
const initialVisible: Visible = {
  district: true,
  county: true,
  street: true,
  community: false,
  grid: true,
};

const style: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [
    {
      id: "background",
      type: "background",
      paint: { "background-color": "#eef2f5" },
    },
  ],
};

/** WGS-84 → display datum (GCJ-02 when the base map is AMap/Tencent); display only. */
function toDisplay(fc: AreaCollectionT, crs: BasemapT["crs"]): AreaCollectionT {
  if (crs !== "gcj02") return fc;
  const copy = structuredClone(fc);
  gcoord.transform(copy as never, gcoord.WGS84, gcoord.GCJ02);
  return copy;
}
function toWgs84(
  lng: number,
  lat: number,
  crs: BasemapT["crs"],
): [number, number] {
  if (crs !== "gcj02") return [lng, lat];
  const [x, y] = gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84) as [
    number,
    number,
  ];
  return [x, y];
}
function fromWgs84(
  lng: number,
  lat: number,
  crs: BasemapT["crs"],
): [number, number] {
  if (crs !== "gcj02") return [lng, lat];
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02) as [
    number,
    number,
  ];
  return [x, y];
}

function webglAvailable(): boolean {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") || c.getContext("webgl"));
  } catch {
    return false;
  }
}

interface Hover {
  x: number;
  y: number;
  area: AreaSummaryT;
}

export default function AreaMapPage() {
  const { t, pick } = useLang();
  const { city } = useSession();
  const showError = useShowError();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MlMap | null>(null);
  const [visible, setVisible] = useState<Visible>(initialVisible);
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  const [counts, setCounts] = useState<Partial<Record<AreaLevel, number>>>({});
  const [loading, setLoading] = useState(true);
  const [zoom, setZoom] = useState(0);
  const [gridCapped, setGridCapped] = useState(false);
  const [hover, setHover] = useState<Hover | null>(null);
  const [located, setLocated] = useState<LocateResultT | null>(null);
  const [locating, setLocating] = useState(false);
  const [noWebgl, setNoWebgl] = useState(false);
  const [basemapFailed, setBasemapFailed] = useState(false);

  useEffect(() => {
    if (!city || !container.current) return;
    if (!webglAvailable()) {
      setNoWebgl(true);
      setLoading(false);
      return;
    }
    const crs = city.basemap.crs;
    const ac = new AbortController();
    const [minX, minY] = fromWgs84(city.bbox[0], city.bbox[1], crs);
    const [maxX, maxY] = fromWgs84(city.bbox[2], city.bbox[3], crs);
    const bounds: LngLatBoundsLike = [minX, minY, maxX, maxY];
    const map = new MlMap({
      container: container.current,
      style,
      bounds,
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      maxZoom: 19,
      // position in the address (#map=zoom/lat/lng): shareable, and reloads keep the view
      hash: "map",
      dragRotate: false,
      pitchWithRotate: false,
    });
    mapRef.current = map;
    window.__areaMapLoaded = undefined;
    map.addControl(
      new NavigationControl({ showCompass: false }),
      "bottom-right",
    );
    map.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
    map.addControl(new AttributionControl({ compact: true }), "bottom-right");
    let marker: Marker | null = null;
    setBasemapFailed(false);
    // Tiles of an online base map fail when offline: say so once, keep our own layers.
    map.on("error", (e) => {
      const ev = e as unknown as { sourceId?: string; error?: Error };
      if (ev.sourceId === "basemap") setBasemapFailed(true);
      else console.warn("map error", ev.error ?? e);
    });

    map.on("load", () => {
      addLayers(map, city);
      setZoom(map.getZoom());
      for (const level of eagerLevels) {
        api
          .get<AreaCollectionT>("/areas", { level, limit: 5000 }, ac.signal)
          .then((fc) => {
            if (level === "district")
              fc.features.forEach(
                (f, i) =>
                  ((f.properties as Record<string, unknown>).color =
                    palette[i % palette.length]),
              );
            (
              map.getSource(`areas-${level}`) as GeoJSONSource | undefined
            )?.setData(toDisplay(fc, crs) as FeatureCollection);
            setCounts((c) => ({ ...c, [level]: fc.features.length }));
            if (level === "district") {
              setLoading(false);
              map.once("idle", () => {
                window.__areaMapLoaded = fc.features.length;
                container.current?.setAttribute(
                  "data-district-count",
                  String(fc.features.length),
                );
              });
            }
          })
          .catch((err) => {
            if ((err as Error).name !== "AbortError") showError(err);
            if (level === "district") setLoading(false);
          });
      }
    });

    // 单元网格: only when zoomed in, only what is in view.
    let gridAbort: AbortController | null = null;
    let gridTimer: ReturnType<typeof setTimeout> | undefined;
    const loadGrid = () => {
      const z = map.getZoom();
      setZoom(z);
      const src = map.getSource("areas-grid") as GeoJSONSource | undefined;
      if (!src) return;
      if (z < GRID_MIN_ZOOM || !visibleRef.current.grid) {
        gridAbort?.abort();
        void src.setData({ type: "FeatureCollection", features: [] });
        setCounts((c) => ({ ...c, grid: 0 }));
        setGridCapped(false);
        return;
      }
      const b = map.getBounds();
      const [w, s] = toWgs84(b.getWest(), b.getSouth(), crs);
      const [e, n] = toWgs84(b.getEast(), b.getNorth(), crs);
      gridAbort?.abort();
      gridAbort = new AbortController();
      api
        .get<AreaCollectionT>(
          "/areas",
          {
            level: "grid",
            bbox: [w, s, e, n].map((v) => v.toFixed(6)).join(","),
            limit: GRID_LIMIT,
          },
          gridAbort.signal,
        )
        .then((fc) => {
          void src.setData(toDisplay(fc, crs) as FeatureCollection);
          setCounts((c) => ({ ...c, grid: fc.features.length }));
          setGridCapped(fc.features.length >= GRID_LIMIT);
        })
        .catch((err) => {
          if ((err as Error).name !== "AbortError") showError(err);
        });
    };
    map.on("moveend", () => {
      clearTimeout(gridTimer);
      gridTimer = setTimeout(loadGrid, 250);
    });
    (map as unknown as { __loadGrid: () => void }).__loadGrid = loadGrid;

    const hitLayers = areaLevels.map((l) => `hit-${l}`);
    map.on("mousemove", (e) => {
      const layers = hitLayers.filter(
        (id) =>
          map.getLayer(id) &&
          map.getLayoutProperty(id, "visibility") !== "none",
      );
      const feats = map.queryRenderedFeatures(e.point, { layers });
      const deepest = pickDeepest(feats);
      map.getCanvas().style.cursor = deepest ? "pointer" : "";
      setHover(deepest ? { x: e.point.x, y: e.point.y, area: deepest } : null);
    });
    map.on("mouseout", () => setHover(null));

    map.on("click", (e) => {
      const [lng, lat] = toWgs84(e.lngLat.lng, e.lngLat.lat, crs);
      marker?.remove();
      marker = new Marker({ color: "#1f5fbf", scale: 0.7 })
        .setLngLat(e.lngLat)
        .addTo(map);
      setLocating(true);
      api
        .get<LocateResultT>("/areas/locate", {
          lng: lng.toFixed(6),
          lat: lat.toFixed(6),
        })
        .then(setLocated, showError)
        .finally(() => setLocating(false));
    });

    return () => {
      ac.abort();
      gridAbort?.abort();
      clearTimeout(gridTimer);
      map.remove();
      mapRef.current = null;
    };
  }, [city]);

  // layer toggles
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      for (const level of areaLevels) {
        const v = visible[level] ? "visible" : "none";
        for (const id of [`fill-${level}`, `line-${level}`, `hit-${level}`])
          if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", v);
      }
      (map as unknown as { __loadGrid?: () => void }).__loadGrid?.();
    };
    if (map.isStyleLoaded()) apply();
    else map.once("load", apply);
  }, [visible]);

  const areaName = (a: AreaSummaryT) =>
    pick({ zh: a.name, en: a.nameEn || a.name });

  return (
    <div className="cl-map-wrap">
      <div ref={container} className="cl-map" data-testid="area-map" />
      {noWebgl ? (
        <Alert
          type="error"
          showIcon
          title={t("map.noWebgl")}
          style={{
            position: "absolute",
            top: 12,
            left: 12,
            right: 12,
            zIndex: 3,
          }}
        />
      ) : null}
      <Card
        size="small"
        className="cl-map-panel"
        title={t("map.layers")}
        data-testid="map-layers"
      >
        {areaLevels.map((level) => (
          <div key={level}>
            <Checkbox
              checked={visible[level]}
              onChange={(e) =>
                setVisible((v) => ({ ...v, [level]: e.target.checked }))
              }
              data-testid={`layer-${level}`}
            >
              <span
                className="cl-swatch"
                style={{
                  background: level === "district" ? palette[0] : "transparent",
                  border: `2px solid ${lineColor[level]}`,
                }}
              />
              {pick(areaLevelLabels[level])}
              {counts[level] !== undefined ? (
                <Typography.Text type="secondary">
                  {" "}
                  ({counts[level]})
                </Typography.Text>
              ) : null}
            </Checkbox>
          </div>
        ))}
        {visible.grid && zoom < GRID_MIN_ZOOM ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("map.gridHint")}
          </Typography.Text>
        ) : null}
        {gridCapped ? (
          <Typography.Text
            type="warning"
            style={{ fontSize: 12, display: "block" }}
          >
            {t("map.gridTooMany", { n: GRID_LIMIT })}
          </Typography.Text>
        ) : null}
        {basemapFailed ? (
          <Typography.Text
            type="warning"
            style={{ fontSize: 12, display: "block" }}
            data-testid="basemap-failed"
          >
            {t("map.basemapFailed")}
          </Typography.Text>
        ) : null}
        {loading ? (
          <div style={{ marginTop: 8 }}>
            <Spin size="small" />{" "}
            <Typography.Text type="secondary">
              {t("map.loadingAreas")}
            </Typography.Text>
          </div>
        ) : null}
      </Card>
      <Card
        size="small"
        className="cl-map-info"
        title={t("map.located")}
        data-testid="locate-panel"
        extra={
          located ? (
            <a onClick={() => setLocated(null)}>{t("common.close")}</a>
          ) : null
        }
      >
        {locating ? (
          <Spin size="small" />
        ) : located ? (
          <>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("map.point")}: {located.lng.toFixed(5)},{" "}
              {located.lat.toFixed(5)}
            </Typography.Text>
            {located.areas.length ? (
              <List
                size="small"
                dataSource={located.areas}
                renderItem={(a) => (
                  <List.Item
                    data-testid="located-area"
                    style={{ paddingInline: 0 }}
                  >
                    <span>
                      <Tag color="blue">{pick(areaLevelLabels[a.level])}</Tag>
                      {areaName(a)}
                    </span>
                    <Typography.Text type="secondary" code>
                      {a.code}
                    </Typography.Text>
                  </List.Item>
                )}
              />
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t("map.outside")}
              />
            )}
          </>
        ) : (
          <Typography.Text type="secondary">
            {t("map.clickHint")}
          </Typography.Text>
        )}
      </Card>
      {hover ? (
        <div
          className="cl-hover"
          style={{ left: hover.x + 12, top: hover.y + 12 }}
          data-testid="map-hover"
        >
          <Tag color="blue" style={{ marginInlineEnd: 4 }}>
            {pick(areaLevelLabels[hover.area.level])}
          </Tag>
          {areaName(hover.area)}{" "}
          <Typography.Text type="secondary">{hover.area.code}</Typography.Text>
        </div>
      ) : null}
    </div>
  );
}

function pickDeepest(feats: MapGeoJSONFeature[]): AreaSummaryT | null {
  let best: AreaSummaryT | null = null;
  for (const f of feats) {
    const p = f.properties as AreaSummaryT;
    if (!p?.level) continue;
    if (!best || levelRank(p.level) > levelRank(best.level)) best = p;
  }
  return best;
}

function addLayers(map: MlMap, city: CityT) {
  const { basemap } = city;
  if (basemap.url) {
    const subdomains = /\{s\}/.test(basemap.url) ? ["a", "b", "c"] : null;
    const tiles = subdomains
      ? subdomains.map((s) => basemap.url.replace("{s}", s))
      : [basemap.url];
    map.addSource("basemap", {
      type: "raster",
      tiles,
      tileSize: 256,
      attribution: basemap.attribution,
      maxzoom: 18,
    });
    map.addLayer({ id: "basemap", type: "raster", source: "basemap" });
  }
  const empty: FeatureCollection = { type: "FeatureCollection", features: [] };
  // coarse levels drawn last so their outlines stay on top of finer ones
  const order: AreaLevel[] = [
    "grid",
    "community",
    "street",
    "county",
    "district",
  ];
  for (const level of order)
    map.addSource(`areas-${level}`, {
      type: "geojson",
      data: empty,
      promoteId: "id",
    });
  map.addLayer({
    id: "fill-district",
    type: "fill",
    source: "areas-district",
    paint: {
      "fill-color": ["coalesce", ["get", "color"], palette[0]!],
      "fill-opacity": basemap.url ? 0.18 : 0.32,
    },
  });
  for (const level of order) {
    // invisible fills: what the hover card and clicks hit
    map.addLayer({
      id: `hit-${level}`,
      type: "fill",
      source: `areas-${level}`,
      paint: { "fill-color": "#000", "fill-opacity": 0 },
    });
  }
  for (const level of order) {
    map.addLayer({
      id: `line-${level}`,
      type: "line",
      source: `areas-${level}`,
      minzoom: level === "grid" ? GRID_MIN_ZOOM : 0,
      paint: {
        "line-color": lineColor[level],
        "line-width": lineWidth[level],
        ...(level === "community" || level === "grid"
          ? { "line-dasharray": [2, 1] }
          : {}),
      },
    });
  }
  for (const level of areaLevels) {
    if (!initialVisible[level])
      for (const id of [`fill-${level}`, `line-${level}`, `hit-${level}`])
        if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", "none");
  }
}

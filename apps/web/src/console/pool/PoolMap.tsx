/**
 * The pool on a map: our district outlines, each problem a point coloured by
 * status; a click opens its drawer. MapLibre (a lazy chunk), no internet
 * needed unless the city configured an online base map.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import {
  AttributionControl,
  Map as MlMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type ExpressionSpecification,
  type GeoJSONSource,
  type StyleSpecification,
} from 'maplibre-gl';
import gcoord from 'gcoord';
import type { FeatureCollection } from 'geojson';
import { useEffect, useRef, useState } from 'react';
import { Alert, Space, Typography } from 'antd';
import { problemStatuses, problemStatusInfo, type ProblemStatus } from '@cityloop/domain';
import { api } from '../api.ts';
import { useLang } from '../i18n.ts';
import { useSession, useShowError } from '../session.tsx';
import type { AreaCollectionT } from '../types.ts';
import { statusHex } from './common.ts';
import type { ProblemCollectionT } from './types.ts';

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** number of problem points drawn, set once the pool source has loaded (for tests) */
    __poolMapLoaded?: number;
  }
}

const MAP_LIMIT = 5000;
const style: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [
    {
      id: 'background',
      type: 'background',
      paint: { 'background-color': '#eef2f5' },
    },
  ],
};
const colorByStatus = [
  'match',
  ['get', 'status'],
  ...problemStatuses.flatMap((s) => [s, statusHex[s]]),
  '#888',
] as unknown as ExpressionSpecification;

function toDisplay<T>(fc: T, gcj: boolean): T {
  if (!gcj) return fc;
  const copy = structuredClone(fc);
  gcoord.transform(copy as never, gcoord.WGS84, gcoord.GCJ02);
  return copy;
}

function webglAvailable(): boolean {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') || c.getContext('webgl'));
  } catch {
    return false;
  }
}

export default function PoolMap({
  query,
  version,
  onOpen,
}: {
  query: Record<string, string | undefined>;
  version: number;
  onOpen: (id: string) => void;
}) {
  const { t, pick } = useLang();
  const { city } = useSession();
  const showError = useShowError();
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MlMap | null>(null);
  const [ready, setReady] = useState(false);
  const [count, setCount] = useState<number | null>(null);
  const [noWebgl, setNoWebgl] = useState(false);
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const gcj = city?.basemap.crs === 'gcj02';

  useEffect(() => {
    if (!city || !box.current) return;
    if (!webglAvailable()) {
      setNoWebgl(true);
      return;
    }
    const [minX, minY] = gcj ? (gcoord.transform([city.bbox[0], city.bbox[1]], gcoord.WGS84, gcoord.GCJ02) as number[]) : city.bbox;
    const [maxX, maxY] = gcj
      ? (gcoord.transform([city.bbox[2], city.bbox[3]], gcoord.WGS84, gcoord.GCJ02) as number[])
      : city.bbox.slice(2);
    const map = new MlMap({
      container: box.current,
      style,
      bounds: [minX!, minY!, maxX!, maxY!],
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
    });
    mapRef.current = map;
    window.__poolMapLoaded = undefined;
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.addControl(new AttributionControl({ compact: true }), 'bottom-right');
    map.on('error', (e) => {
      const ev = e as unknown as { sourceId?: string; error?: Error };
      if (ev.sourceId !== 'basemap') console.warn('map error', ev.error ?? e);
    });
    const ac = new AbortController();
    map.on('load', () => {
      const { basemap } = city;
      if (basemap.url) {
        const tiles = /\{s\}/.test(basemap.url) ? ['a', 'b', 'c'].map((s) => basemap.url.replace('{s}', s)) : [basemap.url];
        map.addSource('basemap', {
          type: 'raster',
          tiles,
          tileSize: 256,
          attribution: basemap.attribution,
          maxzoom: 18,
        });
        map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' });
      }
      const empty: FeatureCollection = {
        type: 'FeatureCollection',
        features: [],
      };
      map.addSource('districts', { type: 'geojson', data: empty });
      map.addSource('problems', {
        type: 'geojson',
        data: empty,
        promoteId: 'id',
      });
      map.addLayer({
        id: 'district-fill',
        type: 'fill',
        source: 'districts',
        paint: {
          'fill-color': '#1d3557',
          'fill-opacity': basemap.url ? 0.04 : 0.07,
        },
      });
      map.addLayer({
        id: 'district-line',
        type: 'line',
        source: 'districts',
        paint: { 'line-color': '#1d3557', 'line-width': 1.6 },
      });
      map.addLayer({
        id: 'problem-points',
        type: 'circle',
        source: 'problems',
        paint: {
          'circle-color': colorByStatus,
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 5.5, 14, 8, 18, 12],
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 1.5,
          'circle-opacity': ['case', ['==', ['get', 'statusCategory'], 'closed'], 0.55, 0.95],
        },
      });
      map.on('click', 'problem-points', (e) => {
        const id = e.features?.[0]?.properties?.id as string | undefined;
        if (id) onOpenRef.current(id);
      });
      map.on('mouseenter', 'problem-points', () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', 'problem-points', () => (map.getCanvas().style.cursor = ''));
      api
        .get<AreaCollectionT>('/areas', { level: 'district', limit: 500 }, ac.signal)
        .then((fc) => (map.getSource('districts') as GeoJSONSource).setData(toDisplay(fc, gcj) as FeatureCollection))
        .catch((err) => (err as Error).name !== 'AbortError' && showError(err));
      setReady(true);
    });
    return () => {
      ac.abort();
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, [city]);

  // the points follow the filters
  const key = JSON.stringify(query);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    const ac = new AbortController();
    window.__poolMapLoaded = undefined;
    api
      .get<ProblemCollectionT>('/problems.geojson', query, ac.signal)
      .then((fc) => {
        (map.getSource('problems') as GeoJSONSource | undefined)?.setData(toDisplay(fc, gcj) as unknown as FeatureCollection);
        setCount(fc.features.length);
        map.once('idle', () => {
          window.__poolMapLoaded = fc.features.length;
          box.current?.setAttribute('data-problem-count', String(fc.features.length));
        });
        map.triggerRepaint();
      })
      .catch((err) => (err as Error).name !== 'AbortError' && showError(err));
    return () => ac.abort();
  }, [ready, key, version]);

  return (
    <div
      style={{
        position: 'relative',
        height: 'calc(100vh - 250px)',
        minHeight: 420,
        margin: '0 -12px',
      }}
    >
      <div ref={box} className="cl-map" data-testid="pool-map" />
      {noWebgl ? (
        <Alert
          type="error"
          showIcon
          title={t('map.noWebgl')}
          style={{
            position: 'absolute',
            top: 12,
            left: 12,
            right: 12,
            zIndex: 3,
          }}
        />
      ) : null}
      <div
        data-testid="pool-map-legend"
        style={{
          position: 'absolute',
          top: 12,
          left: 12,
          zIndex: 2,
          background: 'rgba(255,255,255,0.94)',
          padding: '8px 10px',
          borderRadius: 6,
          boxShadow: '0 1px 4px rgba(0,0,0,.15)',
          fontSize: 12,
        }}
      >
        {count !== null ? (
          <div style={{ marginBottom: 4 }}>
            <Typography.Text strong>{t('pool.mapCount', { n: count })}</Typography.Text>
            {count >= MAP_LIMIT ? (
              <Typography.Text type="warning" style={{ display: 'block' }}>
                {t('pool.mapCapped', { n: MAP_LIMIT })}
              </Typography.Text>
            ) : null}
          </div>
        ) : null}
        <Space direction="vertical" size={0}>
          {problemStatuses
            .filter((s) => s !== 'merged')
            .map((s: ProblemStatus) => (
              <span key={s}>
                <span
                  style={{
                    display: 'inline-block',
                    width: 10,
                    height: 10,
                    borderRadius: 5,
                    background: statusHex[s],
                    marginInlineEnd: 6,
                    border: '1px solid #fff',
                  }}
                />
                {pick(problemStatusInfo[s])}
              </span>
            ))}
        </Space>
      </div>
    </div>
  );
}

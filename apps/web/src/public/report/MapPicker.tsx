/** @jsxImportSource preact */
/**
 * The fallback place picker, loaded only when tapped (a chunk of its own).
 * Leaflet rather than MapLibre: ~40 kB gzip against ~430 kB, no WebGL needed
 * (old phones, battery savers), and a citizen only needs to tap a spot. The
 * background is our own district outlines; the city's raster base map is added
 * only when one is configured, so nothing depends on OpenStreetMap or internet.
 */
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import gcoord from 'gcoord';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../api.ts';
import type { AreaCollectionT, CityT } from '../types.ts';

interface Props {
  city: CityT | null;
  initial: { lng: number; lat: number } | null;
  t: (k: 'mapTitle' | 'mapLoading' | 'mapFailed' | 'ok' | 'cancel') => string;
  onPick: (lng: number, lat: number) => void;
  onCancel: () => void;
}

const palette = ['#e6553a', '#2f8fdd', '#3bb273', '#f2a93b', '#8e5bd6', '#d6457f', '#19a3a3', '#8c7b3e'];

export default function MapPicker({ city, initial, t, onPick, onCancel }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [picked, setPicked] = useState<{ lng: number; lat: number } | null>(initial);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!box.current) return;
    const gcj = city?.basemap.crs === 'gcj02';
    // WGS-84 is what we store; GCJ-02 only for drawing on AMap/Tencent tiles
    const toDisplay = (lng: number, lat: number): L.LatLngTuple => {
      if (!gcj) return [lat, lng];
      const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
      return [y, x];
    };
    const toWgs = (ll: L.LatLng): [number, number] => {
      if (!gcj) return [ll.lng, ll.lat];
      return gcoord.transform([ll.lng, ll.lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
    };
    // canvas, not SVG: district outlines have many vertices and phones are slow
    const map = L.map(box.current, {
      zoomControl: true,
      attributionControl: !!city?.basemap.url,
      tapTolerance: 20,
      preferCanvas: true,
      zoomSnap: 0.25,
    });
    if (city?.basemap.url)
      L.tileLayer(city.basemap.url, {
        attribution: city.basemap.attribution,
        maxZoom: 19,
      }).addTo(map);
    if (initial) map.setView(toDisplay(initial.lng, initial.lat), 16);
    else if (city) map.fitBounds([toDisplay(city.bbox[0], city.bbox[1]), toDisplay(city.bbox[2], city.bbox[3])]);
    else map.setView([34.75, 113.66], 11);

    let marker: L.CircleMarker | null = null;
    const place = (lng: number, lat: number) => {
      const at = toDisplay(lng, lat);
      if (marker) marker.setLatLng(at);
      else
        marker = L.circleMarker(at, {
          radius: 11,
          color: '#fff',
          weight: 3,
          fillColor: '#1f5fbf',
          fillOpacity: 1,
        }).addTo(map);
    };
    if (initial) place(initial.lng, initial.lat);
    map.on('click', (e: L.LeafletMouseEvent) => {
      const [lng, lat] = toWgs(e.latlng);
      place(lng, lat);
      setPicked({ lng, lat });
    });

    const ac = new AbortController();
    getJson<AreaCollectionT>('/areas?level=district&limit=500', ac.signal)
      .then((fc) => {
        const layer = L.geoJSON(fc as never, {
          coordsToLatLng: (c: number[]) => L.latLng(toDisplay(c[0]!, c[1]!)),
          style: (f) => {
            const i = fc.features.findIndex((x) => x.id === (f as { id?: string } | undefined)?.id);
            return {
              color: '#1d3557',
              weight: 1.5,
              fillColor: palette[Math.max(0, i) % palette.length],
              fillOpacity: 0.12,
            };
          },
          interactive: false,
        }).addTo(map);
        layer.bringToBack();
        if (!initial && !city && fc.features.length) map.fitBounds(layer.getBounds());
        box.current?.setAttribute('data-districts', String(fc.features.length));
      })
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') setFailed(true);
      })
      .finally(() => setLoading(false));
    return () => {
      ac.abort();
      map.remove();
    };
  }, []);

  return (
    <div class="pb-mapsheet" role="dialog" aria-modal="true" data-testid="map-picker">
      <div class="pb-mapsheet-head">{t('mapTitle')}</div>
      <div class="pb-mapsheet-map" ref={box} />
      {loading ? <div class="pb-mapsheet-note">{t('mapLoading')}</div> : null}
      {failed ? <div class="pb-mapsheet-note pb-warn">{t('mapFailed')}</div> : null}
      <div class="pb-mapsheet-foot">
        <button type="button" class="pb-btn" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button
          type="button"
          class="pb-btn pb-btn-primary"
          disabled={!picked}
          data-testid="map-ok"
          onClick={() => picked && onPick(picked.lng, picked.lat)}
        >
          {t('ok')}
        </button>
      </div>
    </div>
  );
}

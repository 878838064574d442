/** @jsxImportSource preact */
import type { DraftPlace } from './draft.ts';
import type { LocateResultT } from '../types.ts';
import type { strings } from './strings.ts';

export type LocState = 'idle' | 'locating' | 'located' | 'failed';

interface Props {
  place: DraftPlace | null;
  state: LocState;
  /** why locating failed, already in the page's language */
  failure: string | null;
  located: LocateResultT | null;
  t: (k: keyof typeof strings) => string;
  pick: (b: { zh: string; en: string }) => string;
  onDevice: () => void;
  onMap: () => void;
  onClear: () => void;
  mapLoading: boolean;
}

const levelOrder = ['district', 'county', 'street', 'community', 'grid'];

export function Place({ place, state, failure, located, t, pick, onDevice, onMap, onClear, mapLoading }: Props) {
  const label = {
    idle: t('locIdle'),
    locating: t('locating'),
    located: t('located'),
    failed: t('locFailed'),
  }[state];
  const from = place ? { photo: t('fromPhoto'), device: t('fromDevice'), map: t('fromMap') }[place.from] : '';
  // 片区 / 街道 / 社区: the named levels; the grid cell means nothing to a citizen
  const names = (located?.areas ?? [])
    .filter((a) => a.level !== 'grid')
    .sort((a, b) => levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level))
    .map((a) => pick({ zh: a.name, en: a.nameEn || a.name }));
  const outside = !!located && located.areas.length === 0;
  return (
    <div class="pb-place" data-testid="place" data-state={state}>
      <div class="pb-place-state">
        <span class={`pb-dot pb-dot-${state}`} aria-hidden="true" />
        <strong data-testid="place-state">{label}</strong>
        {place ? <span class="pb-muted"> · {from}</span> : null}
        {place ? (
          <button type="button" class="pb-link pb-place-clear" onClick={onClear} data-testid="place-clear">
            {t('clear')}
          </button>
        ) : null}
      </div>
      {place ? (
        <div class="pb-place-where">
          {names.length ? (
            <div class="pb-place-names" data-testid="place-names">
              {names.join(' · ')}
            </div>
          ) : null}
          <div class="pb-muted pb-small">
            {place.lng.toFixed(5)}, {place.lat.toFixed(5)}
          </div>
          {outside ? (
            <div class="pb-warn" data-testid="place-outside">
              {t('outside')}
            </div>
          ) : null}
        </div>
      ) : null}
      {state === 'failed' && failure ? <div class="pb-warn">{failure}</div> : null}
      <div class="pb-place-actions">
        <button type="button" class="pb-btn" onClick={onDevice} disabled={state === 'locating'} data-testid="place-device">
          {t('useMyLocation')}
        </button>
        <button type="button" class="pb-btn" onClick={onMap} disabled={mapLoading} data-testid="place-map">
          {mapLoading ? t('mapLoading') : t('pickOnMap')}
        </button>
      </div>
    </div>
  );
}

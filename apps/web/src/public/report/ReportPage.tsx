/** @jsxImportSource preact */
/**
 * /report — 城市随手拍. Phone first, no login. Photos upload at once; the place
 * comes from the first photo's EXIF GPS or the phone, the map is the fallback
 * (loaded when tapped); the category is suggested as the citizen types. The
 * form is kept in localStorage all along, so a failed submit loses nothing.
 */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorText, getJson, postJson, PublicApiError, uploadFile } from '../api.ts';
import { Header } from '../Header.tsx';
import { useLang } from '../i18n.ts';
import type { CityT, LocateResultT, ReportBodyT, ReportCreatedT, SuggestionT, TaxonomyT, UploadT } from '../types.ts';
import { clearDraft, deviceId, loadDraft, randomId, saveDraft, type DraftPlace } from './draft.ts';
import { Place, type LocState } from './Place.tsx';
import { MAX_PHOTOS, Photos, type Photo } from './Photos.tsx';
import { strings } from './strings.ts';
import { Done } from './Done.tsx';

type MapPickerT = ComponentType<{
  city: CityT | null;
  initial: { lng: number; lat: number } | null;
  t: (k: 'mapTitle' | 'mapLoading' | 'mapFailed' | 'ok' | 'cancel') => string;
  onPick: (lng: number, lat: number) => void;
  onCancel: () => void;
}>;

let seq = 0;
const newKey = () => `p${Date.now().toString(36)}${(seq++).toString(36)}`;
const validGps = (lng?: number, lat?: number) =>
  typeof lng === 'number' && typeof lat === 'number' && Number.isFinite(lng) && Number.isFinite(lat) && !(lng === 0 && lat === 0);

export function ReportPage() {
  const { lang, t, pick } = useLang(strings);
  const restored = useMemo(loadDraft, []);
  const [photos, setPhotos] = useState<Photo[]>(() =>
    (restored?.photos ?? []).map((p) => ({
      key: newKey(),
      src: `/api/v1/files/${p.id}/thumb`,
      status: 'done' as const,
      progress: 1,
      id: p.id,
      lng: p.lng,
      lat: p.lat,
    })),
  );
  const [clientId, setClientId] = useState(() => restored?.clientId ?? randomId());
  const [text, setText] = useState(restored?.text ?? '');
  const [name, setName] = useState(restored?.name ?? '');
  const [phone, setPhone] = useState(restored?.phone ?? '');
  const [subcategoryCode, setSubcategoryCode] = useState(restored?.subcategoryCode ?? '');
  const [place, setPlace] = useState<DraftPlace | null>(restored?.place ?? null);
  const [locState, setLocState] = useState<LocState>(restored?.place ? 'located' : 'idle');
  const [locFailure, setLocFailure] = useState<string | null>(null);
  const [located, setLocated] = useState<LocateResultT | null>(null);
  const [showRestored, setShowRestored] = useState(!!restored);
  const [city, setCity] = useState<CityT | null>(null);
  const [taxonomy, setTaxonomy] = useState<TaxonomyT | null>(null);
  const [suggestion, setSuggestion] = useState<SuggestionT['suggestion']>(null);
  const [MapPicker, setMapPicker] = useState<MapPickerT | null>(null);
  const [mapOpen, setMapOpen] = useState(false);
  const [mapLoading, setMapLoading] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<{ text: string; network: boolean } | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const [done, setDone] = useState<ReportCreatedT | null>(null);
  const [contactOpen, setContactOpen] = useState(!!(restored?.name || restored?.phone));
  /** a place the citizen chose (phone or map) is never overwritten by a photo's GPS */
  const placeRef = useRef(place);
  placeRef.current = place;
  const geoAsked = useRef(false);

  // the city (title, map extent) and, off the critical path, the taxonomy for the picker
  useEffect(() => {
    getJson<CityT>('/city').then(setCity, () => undefined);
    const timer = setTimeout(() => getJson<TaxonomyT>('/taxonomy').then(setTaxonomy, () => undefined), 1200);
    return () => clearTimeout(timer);
  }, []);

  // the draft follows every keystroke (photos by their upload id)
  useEffect(() => {
    if (done) return;
    const timer = setTimeout(
      () =>
        saveDraft({
          clientId,
          text,
          name,
          phone,
          subcategoryCode,
          place,
          photos: photos.flatMap((p) => {
            const id = p.upload?.id ?? p.id;
            return id && p.status === 'done' ? [{ id, lng: p.lng, lat: p.lat }] : [];
          }),
        }),
      300,
    );
    return () => clearTimeout(timer);
  }, [clientId, text, name, phone, subcategoryCode, place, photos, done]);

  // the 片区/街道/社区 of the place
  useEffect(() => {
    setLocated(null);
    if (!place) return;
    const ac = new AbortController();
    getJson<LocateResultT>(`/areas/locate?lng=${place.lng.toFixed(6)}&lat=${place.lat.toFixed(6)}`, ac.signal).then(
      setLocated,
      () => undefined,
    );
    return () => ac.abort();
  }, [place?.lng, place?.lat]);

  // a suggested category as the citizen types (debounced)
  useEffect(() => {
    const q = text.trim();
    if (q.length < 4) {
      setSuggestion(null);
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      postJson<SuggestionT>('/taxonomy/suggest', { text: q.slice(0, 5000) }, ac.signal).then(
        (s) => setSuggestion(s.suggestion),
        () => undefined,
      );
    }, 600);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [text]);

  // ---------------------------------------------------------------- photos

  const patch = (key: string, p: Partial<Photo>) => setPhotos((list) => list.map((x) => (x.key === key ? { ...x, ...p } : x)));

  function startUpload(photo: Photo) {
    const file = photo.file!;
    const handle = uploadFile<UploadT>('/uploads', file, file.name || 'photo.jpg', (f) => patch(photo.key, { progress: f }));
    patch(photo.key, {
      status: 'uploading',
      progress: 0,
      error: undefined,
      abort: handle.abort,
    });
    handle.promise.then(
      (up) => {
        const gps = validGps(up.exif.lng, up.exif.lat);
        patch(photo.key, {
          status: 'done',
          progress: 1,
          upload: up,
          id: up.id,
          lng: gps ? up.exif.lng : undefined,
          lat: gps ? up.exif.lat : undefined,
          abort: undefined,
        });
        if (gps && !placeRef.current) {
          const p: DraftPlace = {
            lng: up.exif.lng!,
            lat: up.exif.lat!,
            from: 'photo',
            photoId: up.id,
          };
          placeRef.current = p;
          setPlace(p);
          setLocState('located');
          setLocFailure(null);
        } else if (!gps && !placeRef.current && !geoAsked.current) {
          // no GPS in the photo: ask the phone once, the citizen can still pick on the map
          geoAsked.current = true;
          locateDevice();
        }
      },
      (err) => {
        if ((err as Error).name === 'AbortError') return;
        patch(photo.key, {
          status: 'error',
          error: errorText(err, lang),
          abort: undefined,
        });
        setError({
          text: errorText(err, lang),
          network: err instanceof PublicApiError && err.network,
        });
      },
    );
  }

  function addFiles(files: File[]) {
    setError(null);
    const room = MAX_PHOTOS - photos.length;
    if (files.length > room) setHint(t('tooMany'));
    const added = files.slice(0, Math.max(0, room)).map<Photo>((file) => ({
      key: newKey(),
      src: URL.createObjectURL(file),
      status: 'uploading',
      progress: 0,
      file,
    }));
    setPhotos((list) => [...list, ...added]);
    added.forEach(startUpload);
  }

  function removePhoto(key: string) {
    const photo = photos.find((p) => p.key === key);
    if (!photo) return;
    photo.abort?.();
    if (photo.file) URL.revokeObjectURL(photo.src);
    const rest = photos.filter((p) => p.key !== key);
    setPhotos(rest);
    const id = photo.upload?.id ?? photo.id;
    if (place?.from === 'photo' && place.photoId === id) {
      // the place came from this photo: take the next photo's GPS, else none
      const next = rest.find((p) => p.lat !== undefined && p.lng !== undefined);
      const np: DraftPlace | null = next
        ? {
            lng: next.lng!,
            lat: next.lat!,
            from: 'photo',
            photoId: next.upload?.id ?? next.id,
          }
        : null;
      setPlace(np);
      setLocState(np ? 'located' : 'idle');
    }
  }

  // ---------------------------------------------------------------- place

  function locateDevice() {
    if (!('geolocation' in navigator)) {
      setLocState('failed');
      setLocFailure(t('noGeo'));
      return;
    }
    setLocState('locating');
    setLocFailure(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const p: DraftPlace = {
          lng: pos.coords.longitude,
          lat: pos.coords.latitude,
          from: 'device',
        };
        placeRef.current = p;
        setPlace(p);
        setLocState('located');
      },
      (err) => {
        // keep a place we already had (e.g. from a photo); say why the phone could not
        setLocState(placeRef.current ? 'located' : 'failed');
        setLocFailure(err.code === err.PERMISSION_DENIED ? t('denied') : t('unavailable'));
        if (placeRef.current) setHint(err.code === err.PERMISSION_DENIED ? t('denied') : t('unavailable'));
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  async function openMap() {
    if (!MapPicker) {
      setMapLoading(true);
      try {
        const mod = await import('./MapPicker.tsx');
        setMapPicker(() => mod.default as MapPickerT);
      } catch (err) {
        setHint(t('mapFailed'));
        setMapLoading(false);
        return;
      }
      setMapLoading(false);
    }
    setMapOpen(true);
  }

  function clearPlace() {
    setPlace(null);
    placeRef.current = null;
    setLocState('idle');
    setLocFailure(null);
  }

  // ---------------------------------------------------------------- submit

  const uploading = photos.some((p) => p.status === 'uploading');
  const phoneOk = !phone.trim() || /^\+?[\d\s-]{5,20}$/.test(phone.trim());

  async function submit(e?: Event) {
    e?.preventDefault();
    setHint(null);
    if (uploading) return setHint(t('waitUploads'));
    if (!text.trim()) return setHint(t('needText'));
    if (!place) return setHint(t('needPlace'));
    if (!phoneOk) return setHint(t('phoneInvalid'));
    const body: ReportBodyT = {
      text: text.trim(),
      lng: place.lng,
      lat: place.lat,
      clientId,
      mediaIds: photos.flatMap((p) => (p.status === 'done' && (p.upload?.id ?? p.id) ? [(p.upload?.id ?? p.id)!] : [])),
    };
    if (subcategoryCode) body.subcategoryCode = subcategoryCode;
    if (phone.trim()) body.phone = phone.trim();
    if (name.trim()) body.name = name.trim();
    const device = deviceId();
    if (device) body.deviceId = device;
    setSubmitting(true);
    setError(null);
    try {
      const created = await postJson<ReportCreatedT>('/reports', body);
      clearDraft();
      setDone(created);
      window.scrollTo(0, 0);
    } catch (err) {
      setError({
        text: errorText(err, lang),
        network: err instanceof PublicApiError && (err.network || err.problem.status >= 500),
      });
    } finally {
      setSubmitting(false);
    }
  }

  function restart() {
    setClientId(randomId());
    photos.forEach((p) => p.file && URL.revokeObjectURL(p.src));
    setPhotos([]);
    setText('');
    setSubcategoryCode('');
    setSuggestion(null);
    clearPlace();
    setDone(null);
    setError(null);
    setHint(null);
    setShowRestored(false);
    geoAsked.current = false;
  }

  function discardDraft() {
    clearDraft();
    restart();
    setName('');
    setPhone('');
  }

  const subName = (code: string) => {
    const s = taxonomy?.subcategories.find((x) => x.code === code);
    return s ? pick({ zh: s.name, en: s.nameEn || s.name }) : null;
  };
  const suggestedName = suggestion ? (subName(suggestion.code) ?? suggestion.name) : null;
  const cityName = city ? pick({ zh: city.name, en: city.nameEn || city.name }) : '';

  return (
    <>
      <Header title={t('title')} lang={lang}>
        <a class="pb-navlink" href="/track">
          {t('track')}
        </a>
      </Header>
      {done ? (
        <Done created={done} t={t} onAgain={restart} />
      ) : (
        <form class="pb-main" data-testid="report-form" onSubmit={submit} noValidate>
          <p class="pb-lead">
            {cityName ? <strong>{cityName} · </strong> : null}
            {t('subtitle')}
          </p>
          {showRestored ? (
            <div class="pb-note" data-testid="draft-restored">
              {t('draftRestored')}
              <button type="button" class="pb-link" onClick={discardDraft}>
                {t('discard')}
              </button>
            </div>
          ) : null}

          <section class="pb-card">
            <h2>
              {t('photos')} <small class="pb-muted">{t('photosHint')}</small>
            </h2>
            <Photos
              photos={photos}
              onAdd={addFiles}
              onRemove={removePhoto}
              onRetry={(key) => {
                const p = photos.find((x) => x.key === key);
                if (p?.file) startUpload(p);
              }}
              t={t}
            />
          </section>

          <section class="pb-card">
            <h2>{t('place')}</h2>
            <Place
              place={place}
              state={locState}
              failure={locFailure}
              located={located}
              t={t}
              pick={pick}
              onDevice={locateDevice}
              onMap={() => void openMap()}
              onClear={clearPlace}
              mapLoading={mapLoading}
            />
          </section>

          <section class="pb-card">
            <label class="pb-label" for="pb-text">
              {t('describe')}
            </label>
            <textarea
              id="pb-text"
              class="pb-textarea"
              rows={4}
              maxLength={2000}
              value={text}
              placeholder={t('describeHint')}
              data-testid="report-text"
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <div class="pb-counter pb-muted pb-small">{text.length}/2000</div>
            {suggestedName ? (
              <div class="pb-suggest" data-testid="suggestion" data-code={suggestion!.code}>
                {t('suggested')}：<strong>{suggestedName}</strong>
              </div>
            ) : null}
            <label class="pb-label" for="pb-cat">
              {t('category')}
            </label>
            <select
              id="pb-cat"
              class="pb-select"
              value={subcategoryCode}
              data-testid="report-category"
              onChange={(e) => setSubcategoryCode(e.currentTarget.value)}
            >
              <option value="">{suggestedName ? t('autoWith').replace('{name}', suggestedName) : t('auto')}</option>
              {taxonomy?.categories.map((c) => (
                <optgroup key={c.code} label={pick({ zh: c.name, en: c.nameEn || c.name })}>
                  {taxonomy.subcategories
                    .filter((s) => s.categoryCode === c.code)
                    .map((s) => (
                      <option key={s.code} value={s.code}>
                        {pick({ zh: s.name, en: s.nameEn || s.name })}
                      </option>
                    ))}
                </optgroup>
              ))}
              {/* a restored choice before the taxonomy has loaded */}
              {!taxonomy && subcategoryCode ? <option value={subcategoryCode}>{subcategoryCode}</option> : null}
            </select>
          </section>

          <section class="pb-card">
            <button
              type="button"
              class="pb-disclose"
              aria-expanded={contactOpen}
              onClick={() => setContactOpen((o) => !o)}
              data-testid="contact-toggle"
            >
              {t('contact')} <span aria-hidden="true">{contactOpen ? '▴' : '▾'}</span>
            </button>
            {contactOpen ? (
              <div class="pb-contact">
                <p class="pb-muted pb-small">{t('contactHint')}</p>
                <label class="pb-label" for="pb-name">
                  {t('name')}
                </label>
                <input
                  id="pb-name"
                  class="pb-input"
                  maxLength={50}
                  autocomplete="name"
                  value={name}
                  onInput={(e) => setName(e.currentTarget.value)}
                  data-testid="report-name"
                />
                <label class="pb-label" for="pb-phone">
                  {t('phone')}
                </label>
                <input
                  id="pb-phone"
                  class="pb-input"
                  type="tel"
                  inputMode="tel"
                  autocomplete="tel"
                  maxLength={20}
                  value={phone}
                  onInput={(e) => setPhone(e.currentTarget.value)}
                  data-testid="report-phone"
                />
                {!phoneOk ? <div class="pb-warn">{t('phoneInvalid')}</div> : null}
              </div>
            ) : null}
          </section>

          {hint ? (
            <div class="pb-warn pb-block" role="alert" data-testid="report-hint">
              {hint}
            </div>
          ) : null}
          {error ? (
            <div class="pb-error pb-block" role="alert" data-testid="report-error" data-network={error.network ? '1' : '0'}>
              {error.network ? t('offline') : error.text}
              {error.network ? (
                <button type="button" class="pb-btn pb-btn-small" onClick={() => void submit()} data-testid="report-retry">
                  {t('retry')}
                </button>
              ) : null}
            </div>
          ) : null}
          <button type="submit" class="pb-btn pb-btn-primary pb-btn-block" disabled={submitting} data-testid="report-submit">
            {submitting ? t('submitting') : uploading ? t('waitUploads') : t('submit')}
          </button>
        </form>
      )}
      {mapOpen && MapPicker ? (
        <MapPicker
          city={city}
          initial={place}
          t={t}
          onCancel={() => setMapOpen(false)}
          onPick={(lng, lat) => {
            const p: DraftPlace = { lng, lat, from: 'map' };
            placeRef.current = p;
            setPlace(p);
            setLocState('located');
            setLocFailure(null);
            setMapOpen(false);
          }}
        />
      ) : null}
    </>
  );
}

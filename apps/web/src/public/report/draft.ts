/**
 * The unsent report, kept in localStorage as the citizen types, so a dropped
 * network, a reload or a closed tab never loses it. Photos already uploaded
 * are kept by id (the server has them); photos not yet uploaded are not.
 */
export interface DraftPhoto {
  id: string;
  lng?: number;
  lat?: number;
}

export interface DraftPlace {
  lng: number;
  lat: number;
  from: 'photo' | 'device' | 'map';
  /** the photo (upload id) the place came from, if any */
  photoId?: string;
}

export interface Draft {
  /** the idempotency key of this report: a retried submit gets the first receipt back */
  clientId: string;
  text: string;
  name: string;
  phone: string;
  subcategoryCode: string;
  place: DraftPlace | null;
  photos: DraftPhoto[];
  savedAt: number;
}

const KEY = 'cityloop.report.draft';
/** a draft older than this is stale: the citizen has moved on */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function loadDraft(): Draft | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d !== 'object' || !d || typeof d.savedAt !== 'number' || Date.now() - d.savedAt > MAX_AGE_MS) return null;
    const draft: Draft = {
      clientId: typeof d.clientId === 'string' && d.clientId ? d.clientId : randomId(),
      text: typeof d.text === 'string' ? d.text : '',
      name: typeof d.name === 'string' ? d.name : '',
      phone: typeof d.phone === 'string' ? d.phone : '',
      subcategoryCode: typeof d.subcategoryCode === 'string' ? d.subcategoryCode : '',
      place: d.place && typeof d.place.lng === 'number' && typeof d.place.lat === 'number' ? d.place : null,
      photos: Array.isArray(d.photos) ? d.photos.filter((p) => p && typeof p.id === 'string').slice(0, 9) : [],
      savedAt: d.savedAt,
    };
    return isEmpty(draft) ? null : draft;
  } catch {
    return null;
  }
}

export function randomId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** An anonymous id this phone keeps, so the server can tie one person's reports together. */
export function deviceId(): string {
  const key = 'cityloop.device';
  try {
    let id = localStorage.getItem(key);
    if (!id) localStorage.setItem(key, (id = randomId()));
    return id;
  } catch {
    return '';
  }
}

export function isEmpty(d: Omit<Draft, 'savedAt' | 'clientId'>): boolean {
  return !d.text.trim() && !d.name.trim() && !d.phone.trim() && !d.place && d.photos.length === 0;
}

export function saveDraft(d: Omit<Draft, 'savedAt'>) {
  try {
    if (isEmpty(d)) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify({ ...d, savedAt: Date.now() }));
  } catch {
    /* full or private mode: the form itself still holds it */
  }
}

export function clearDraft() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}

/** @jsxImportSource preact */
import type { UploadT } from '../types.ts';

export const MAX_PHOTOS = 9;

export interface Photo {
  /** local key (stable across the upload) */
  key: string;
  /** what the thumbnail shows: a local object URL, or the server's thumb for a restored draft */
  src: string;
  status: 'uploading' | 'done' | 'error';
  progress: number;
  upload?: UploadT;
  /** the draft keeps only ids: a restored photo has an id but no full upload answer */
  id?: string;
  lng?: number;
  lat?: number;
  error?: string;
  file?: File;
  abort?: () => void;
}

interface Props {
  photos: Photo[];
  onAdd: (files: File[]) => void;
  onRemove: (key: string) => void;
  onRetry: (key: string) => void;
  t: (k: 'takePhoto' | 'pickPhoto' | 'remove' | 'uploading' | 'uploadFailed' | 'retryUpload') => string;
}

export function Photos({ photos, onAdd, onRemove, onRetry, t }: Props) {
  const full = photos.length >= MAX_PHOTOS;
  const pick = (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const files = Array.from(el.files ?? []);
    el.value = '';
    if (files.length) onAdd(files);
  };
  return (
    <div class="pb-photos" data-testid="photos">
      {photos.map((p) => (
        <figure class={`pb-thumb pb-thumb-${p.status}`} key={p.key} data-testid="photo" data-status={p.status}>
          <img src={p.src} alt="" decoding="async" />
          {p.status === 'uploading' ? (
            <div class="pb-progress" aria-label={t('uploading')}>
              <div class="pb-progress-bar" style={{ width: `${Math.round(p.progress * 100)}%` }} />
              <span>{Math.round(p.progress * 100)}%</span>
            </div>
          ) : null}
          {p.status === 'error' ? (
            <button type="button" class="pb-thumb-error" onClick={() => onRetry(p.key)} title={p.error}>
              {t('uploadFailed')}
              <br />
              <u>{t('retryUpload')}</u>
            </button>
          ) : null}
          {p.lat !== undefined ? (
            <span class="pb-thumb-gps" aria-hidden="true">
              GPS
            </span>
          ) : null}
          <button type="button" class="pb-thumb-remove" aria-label={t('remove')} data-testid="photo-remove" onClick={() => onRemove(p.key)}>
            ×
          </button>
        </figure>
      ))}
      {full ? null : (
        <>
          {/* capture opens the camera at once (no gallery on Android), so picking is a second button */}
          <label class="pb-add" data-testid="photo-camera-add">
            <span class="pb-add-icon" aria-hidden="true">
              ◉
            </span>
            <span>{t('takePhoto')}</span>
            <input type="file" accept="image/*" capture="environment" data-testid="photo-camera" onChange={pick} />
          </label>
          <label class="pb-add" data-testid="photo-add">
            <span class="pb-add-icon" aria-hidden="true">
              +
            </span>
            <span>{t('pickPhoto')}</span>
            <span class="pb-add-count">
              {photos.length}/{MAX_PHOTOS}
            </span>
            <input type="file" accept="image/*" multiple data-testid="photo-input" onChange={pick} />
          </label>
        </>
      )}
    </div>
  );
}

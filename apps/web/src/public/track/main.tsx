/** @jsxImportSource preact */
import { render } from 'preact';
import '../public.css';
import { TrackPage } from './TrackPage.tsx';

render(<TrackPage />, document.getElementById('root')!);

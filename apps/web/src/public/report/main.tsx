/** @jsxImportSource preact */
import { render } from 'preact';
import '../public.css';
import { ReportPage } from './ReportPage.tsx';

render(<ReportPage />, document.getElementById('root')!);

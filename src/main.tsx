// The studio's entry: read the link, then render. Training never runs here: it runs in the worker.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './ui/app.css';
import { App } from './ui/App';
import { boot } from './ui/boot';
import { openResultsLink } from './ui/results-link/reported';

const link = boot();
openResultsLink();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App backend={link.backend} panel={link.panel} />
  </StrictMode>,
);

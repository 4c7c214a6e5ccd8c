// Before the first render: load the experiment from the address (every control restored, ignored
// keys reported), pick up the UI keys (run=1, backend=, theme=, panel=).
import { studio } from './store';
import { configureSession } from './session/session';
import { readOpeningLink, type OpeningLink } from './url/url-sync';

export function boot(): OpeningLink {
  const link = readOpeningLink();
  const s = studio.getState();
  if (link.hasExperiment) s.setConfig(link.decoded.config);
  s.setIgnored(link.decoded.ignored);
  if (link.theme) s.setThemeChoice(link.theme);
  configureSession({ backend: link.backend, autostart: link.autostart });
  return link;
}

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
  if (link.localData && link.decoded.config.dataset !== 'synthetic')
    s.pushNotice({
      tone: 'warn', title: 'This link was made with imported data files',
      lines: [`Files are not part of a link: import the same ${link.decoded.config.dataset} files (Data → Import files…) to train on them; without them Start uses this server's copy, where it has one (the Data section says).`],
    });
  configureSession({ backend: link.backend, autostart: link.autostart });
  return link;
}

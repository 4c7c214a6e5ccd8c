// The studio: header, banners, then three columns: experiment controls, run + charts, heat maps.
import { Fragment, useEffect } from 'react';
import { selectorOn } from '../engine/facts';
import { useActiveConfig, useStudio, useTheme } from './store';
import { connect } from './session/session';
import { startUrlSync } from './url/url-sync';
import { useShortcuts } from './keyboard';
import { startTitleSync } from './title';
import { useFileDrop } from './drop';
import { warmUpRenderers } from './panels/warmup';
import type { BackendName } from '../protocol/messages';
import { Auto, Help, Logo, Moon, Sun } from './controls/icons';
import { ExperimentPanel } from './panels/experiment/ExperimentPanel';
import { RunPanel } from './panels/run/RunPanel';
import { Banners } from './panels/run/Banners';
import { BackendBadge } from './panels/run/BackendBadge';
import { Charts } from './panels/charts/Charts';
import { ConfusionPanel } from './panels/confusion/ConfusionPanel';
import { MasksPanel } from './panels/masks/MasksPanel';
import { DensityPanel } from './panels/density/DensityPanel';
import { HeadsPanel } from './panels/heads/HeadsPanel';
import { NeuronsPanel } from './panels/neurons/NeuronsPanel';
import { TokensPanel } from './panels/tokens/TokensPanel';
import { TryItPanel } from './panels/tryit/TryItPanel';
import { FlopsPanel } from './panels/flops/FlopsPanel';
import { HelpOverlay } from './panels/help/HelpOverlay';
import { ShareButton } from './panels/share/ShareButton';
import { ReportedBanner } from './results-link/ReportedBanner';
import { RunsPanel } from './runs/RunsPanel';
import { RunsButton } from './runs/RunsButton';

export function App({ backend, panel }: { backend?: BackendName; panel?: string }) {
  const theme = useTheme();
  const dragging = useStudio((s) => s.dragging);

  useEffect(() => connect(), []);
  useEffect(() => warmUpRenderers(), []);
  useEffect(() => startUrlSync(backend), [backend]);
  useEffect(() => startTitleSync(), []);
  useShortcuts();
  useFileDrop();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = (): void => useStudio.getState().setSystemTheme(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  useEffect(() => {
    if (panel) document.getElementById(`panel-${panel}`)?.scrollIntoView({ block: 'start' });
  }, [panel]);

  return (
    <div className="app">
      <Header />
      <Banners />
      <ReportedBanner />
      <RunsPanel />
      <main className="layout">
        <ExperimentPanel />
        <section className="centre" aria-label="Training">
          <RunPanel />
          <Charts />
          <div className="centre-row">
            <ConfusionPanel />
            <FlopsPanel />
          </div>
          <TryItPanel />
        </section>
        <Maps />
      </main>
      <HelpOverlay />
      {dragging ? <div className="drop-overlay" aria-hidden="true"><div>Drop data files to import them<br /><small>IDX (.gz), CIFAR-10 .bin batches or cifar-10-binary.tar.gz; or a .safetensors model to load</small></div></div> : null}
    </div>
  );
}

/** The heat maps; those that apply to the method on screen come first, the others follow as one-line notes. */
function Maps() {
  const c = useActiveConfig();
  const panels = [
    { key: 'masks', applies: c.method === 'svite', el: <MasksPanel /> },
    { key: 'density', applies: c.method !== 'dense', el: <DensityPanel /> },
    { key: 'heads', applies: c.method === 's2vite', el: <HeadsPanel /> },
    { key: 'neurons', applies: c.method === 's2vite', el: <NeuronsPanel /> },
    { key: 'tokens', applies: selectorOn(c), el: <TokensPanel /> },
  ];
  const ordered = [...panels.filter((p) => p.applies), ...panels.filter((p) => !p.applies)];
  return (
    <section className="maps" aria-label="Sparsity maps">
      {ordered.map((p) => <Fragment key={p.key}>{p.el}</Fragment>)}
    </section>
  );
}

function Header() {
  const choice = useStudio((s) => s.themeChoice);
  const setChoice = useStudio((s) => s.setThemeChoice);
  const setHelp = useStudio((s) => s.setHelpOpen);
  const next = choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
  return (
    <header className="top">
      <div className="brand">
        <Logo />
        <div>
          <h1>Sparse ViT Studio</h1>
          <p>Sparse training of Vision Transformers from scratch: SViTE · S²ViTE · SViTE+</p>
        </div>
      </div>
      <div className="top-actions">
        <BackendBadge />
        <RunsButton />
        <ShareButton />
        <button type="button" className="icon-btn" data-testid="theme-toggle" title={`Theme: ${choice} (click for ${next})`}
          aria-label={`Theme: ${choice}`} onClick={() => setChoice(next)}>
          {choice === 'system' ? <Auto /> : choice === 'light' ? <Sun /> : <Moon />}
        </button>
        <button type="button" className="icon-btn" title="Help and about (?)" aria-label="Help" onClick={() => setHelp(true)}><Help /></button>
      </div>
    </header>
  );
}

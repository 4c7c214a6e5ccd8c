// Start / pause / step / stop / reset, with the reason when Start is not possible.
import { useStudio } from '../../store';
import * as session from '../../session/session';
import { Pause, Play, Reset, StepIcon, Stop, Gauge } from '../../controls/icons';
import { pendingEdits } from '../../config/pending';
import { ExportMenu } from '../../export/ExportMenu';
import { ImportModelButton } from '../../export/ImportModelButton';
import { useReported } from '../../results-link/reported';
import { useRuns } from '../../runs/store';
import { useServed } from '../../session/served';

export function RunControls() {
  const status = useStudio((s) => s.status);
  const config = useStudio((s) => s.config);
  const issues = useStudio((s) => s.issues.length);
  const backendPending = useStudio((s) => s.backendPending);
  // Both feed startBlocker: re-render when the server's answer about the data set comes, or files are imported.
  useServed((s) => (config.dataset === 'synthetic' ? null : s[config.dataset]));
  useStudio((s) => s.data);
  const blocker = session.startBlocker(config, issues);
  // A start that failed (data refused) leaves no model: nothing to evaluate.
  const noModel = useStudio((s) => s.meta === null && s.frames === 0);
  const active = status === 'running' || status === 'starting';
  const paused = status === 'paused';
  const evaluating = status === 'evaluating';
  const live = active || paused || evaluating;
  const edited = useStudio((s) => pendingEdits(s.config, s.runConfig));
  // Results opened from a link have no model in the worker to evaluate.
  const linkOnly = useReported((s) => s.reported !== null && !s.verifying);
  // A saved run reopened from the history: its model is not in the worker, so nothing to evaluate.
  const viewing = useRuns((s) => s.viewingId !== null);
  return (
    <div className="run-controls">
      {/* A mouse click leaves no run button focused: space is the start/pause shortcut, and a focused
          Step button would take it and step again. Keyboard focus (Tab) works as usual. */}
      <div className="buttons" role="toolbar" aria-label="Run"
        onMouseDown={(e) => { if ((e.target as HTMLElement).closest('button')) e.preventDefault(); }}>
        {paused ? (
          <button type="button" className="btn primary" onClick={session.resume} title="Resume (space)" data-testid="resume">
            <Play /> Resume
          </button>
        ) : evaluating ? (
          <button type="button" className="btn primary" disabled title="The final evaluation is running: the run finishes when it is done" data-testid="pause">
            <Pause /> Evaluating…
          </button>
        ) : active ? (
          <button type="button" className="btn primary" onClick={session.pause} title="Pause (space)" data-testid="pause">
            <Pause /> Pause
          </button>
        ) : (
          <button type="button" className="btn primary" onClick={() => session.start()} disabled={Boolean(blocker) || backendPending}
            title={blocker ?? 'Start training (space)'} data-testid="start">
            <Play /> {status === 'idle' ? 'Start' : viewing ? 'New run' : 'Restart'}
          </button>
        )}
        <button type="button" className="btn" onClick={session.step} disabled={active || evaluating || (!paused && Boolean(blocker))}
          title="One step while paused (→)" data-testid="step"><StepIcon /> Step</button>
        <button type="button" className="btn" onClick={session.stop} disabled={!live || evaluating} title={evaluating ? 'The final evaluation is running: nothing left to stop' : 'Stop after this step; the model stays for evaluation'} data-testid="stop">
          <Stop /> Stop
        </button>
        <button type="button" className="btn" onClick={session.reset} disabled={status === 'idle'} title="Clear the screen (r); the run stays in Runs, the settings stay" data-testid="reset">
          <Reset /> Reset
        </button>
        <button type="button" className="btn ghost" onClick={session.evaluate} disabled={status === 'idle' || status === 'starting' || evaluating || linkOnly || viewing || noModel}
          title={viewing ? 'A saved run: its model is not loaded' : noModel && status !== 'idle' ? 'This run stopped before training began: there is no model to evaluate' : 'Evaluate on the test split now'} data-testid="evaluate"><Gauge /> Evaluate</button>
        <ExportMenu />
        <ImportModelButton />
      </div>
      {blocker && !live ? <p className="blocker" role="note" data-testid="start-blocker">{blocker}</p> : null}
      {edited && live ? (
        <p className="blocker" role="note" data-testid="pending-edits">
          Changed settings apply to the next run: this one continues with the settings it started with.
        </p>
      ) : null}
    </div>
  );
}

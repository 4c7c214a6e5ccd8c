// The centre's head: run controls and progress. For paper-scale models, which do not train in a
// tab, the FLOPs calculator takes the progress block's place.
import { useStudio } from '../../store';
import { paperScaleReason } from '../../config/relevance';
import { FlopsCalculator } from '../experiment/FlopsCalculator';
import { RunControls } from './RunControls';
import { Progress } from './Progress';

export function RunPanel() {
  const paperScale = useStudio((s) => s.status === 'idle' && paperScaleReason(s.config) !== null);
  return (
    <section className="card run-panel" aria-label="Run">
      <RunControls />
      {paperScale ? (
        <div className="paper-calc" data-testid="paper-calculator">
          <h3>FLOPs calculator <span className="muted">(paper scale: counted, not trained)</span></h3>
          <FlopsCalculator />
        </div>
      ) : <Progress />}
    </section>
  );
}

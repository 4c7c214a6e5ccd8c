// Controls of the experiment, grouped like the paper's knobs. Only the controls of the chosen
// method are shown; the others keep their values in the config (and in the link).
import { useStudio } from '../../store';
import { PRESETS, type PresetName } from '../../../engine/config';
import { Section, SelectField } from '../../controls/fields';
import { DataSection } from './DataSection';
import { ModelSection } from './ModelSection';
import { SparsitySection } from './SparsitySection';
import { OptimSection } from './OptimSection';
import { FlopsCalculator } from './FlopsCalculator';
import { presetLabel } from '../../config/preset-label';

export function ExperimentPanel() {
  const applyPreset = useStudio((s) => s.applyPreset);
  const issues = useStudio((s) => s.issues.length);
  return (
    <aside className="controls" aria-label="Experiment">
      <div className="panel-title">
        <h2>Experiment</h2>
        {issues > 0 ? <span className="pill bad">{issues} to fix</span> : <span className="pill ok">valid</span>}
      </div>
      <SelectField<PresetName>
        field="preset" label="Preset" onPick={applyPreset}
        options={PRESETS.map((p) => ({ value: p, label: presetLabel(p) }))}
        hint="A complete starting point; the link stores only what you change."
      />
      <DataSection />
      <SparsitySection />
      <ModelSection />
      <OptimSection />
      <Section title="FLOPs and parameters">
        <FlopsCalculator />
      </Section>
    </aside>
  );
}

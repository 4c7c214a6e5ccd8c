// Optimiser (AdamW, warmup + cosine), run length, evaluation and seed.
import { useStudio } from '../../store';
import { NumberField, Section } from '../../controls/fields';
import { Dice } from '../../controls/icons';

export function OptimSection() {
  const setField = useStudio((s) => s.setField);
  const steps = useStudio((s) => s.config.steps);
  const batch = useStudio((s) => s.config.batchSize);
  return (
    <Section title="Training" aside={`${steps} steps × ${batch}`}>
      <div className="grid2">
        <NumberField field="steps" label="Steps" integer min={1} step={50} />
        <NumberField field="batchSize" label="Batch size" integer min={1} step={8} />
        <NumberField field="lr" label="Learning rate" min={0} step={0.0005} />
        <NumberField field="minLr" label="Min LR" min={0} step={0.00001} />
        <NumberField field="weightDecay" label="Weight decay" min={0} max={1} step={0.01} />
        <NumberField field="warmupSteps" label="Warmup steps" integer min={0} step={10} />
        <NumberField field="labelSmoothing" label="Label smoothing" min={0} max={0.99} step={0.05} />
        <NumberField field="clipNorm" label="Grad clip" min={0} step={0.5} hint="0 = off" />
        <NumberField field="evalEvery" label="Eval every" integer min={0} step={50} hint="0 = at the end" />
        <NumberField field="evalSize" label="Eval images" integer min={0} step={100} hint="0 = whole test set" />
      </div>
      <p className="hint">AdamW (no decay on biases, norms, tokens); linear warmup, then cosine to the min LR.</p>
      <div className="seed-row">
        <NumberField field="seed" label="Seed" integer min={0} hint="Same seed, same data order and initial weights" />
        <button type="button" className="icon-btn" title="New random seed" aria-label="New random seed"
          onClick={() => setField('seed', Math.floor(Math.random() * 1e6))}><Dice /></button>
      </div>
    </Section>
  );
}

// The method and its knobs: SViTE (unstructured), S²ViTE (heads + neurons), SViTE+ (tokens).
import { DISTRIBUTIONS, GROWTHS, METHODS, MOMENT_RULES, TOKEN_SELECTORS, type Method, type MomentRule, type TokenSelector } from '../../../engine/config';
import { keptHeads, keptNeurons, keptTokens, mlpHidden, numPatches, selectorOn, topologyUpdateSteps } from '../../../engine/facts';
import { useStudio } from '../../store';
import { CheckField, FieldRow, NumberField, Section, SelectField, SliderField } from '../../controls/fields';
import { METHOD_FIELDS, METHOD_LABEL } from '../../config/relevance';
import { pct } from '../../format';

const MOMENT_RULE_LABEL: Record<MomentRule, string> = {
  reset: 'reset to zero',
  restart: 'reset, bias correction restarted',
  keep: 'kept, dense gradients (reference)',
};
/** The selector's choices: the config's methods, and SViTE+ (SViTE with the token selector on) beside SViTE. */
type Choice = Method | 'svite+';
const CHOICES: Choice[] = [...METHODS.slice(0, METHODS.indexOf('svite') + 1), 'svite+', ...METHODS.slice(METHODS.indexOf('svite') + 1)];
const METHOD_SHORT: Record<Choice, string> = { dense: 'Dense', svite: 'SViTE', 'svite+': 'SViTE+', s2vite: 'S²ViTE' };
const METHOD_HINT: Record<Choice, string> = {
  dense: 'Every weight trains; the baseline.',
  svite: 'Unstructured sparse weights from the start; every ΔT steps prune the smallest |W| and regrow as many, by largest |∇W| (RigL) or at random (SET).',
  'svite+': 'SViTE, plus a learned token selector that keeps only the top patches (data sparsity): set how many with the token keep ratio.',
  s2vite: 'Whole attention heads and MLP neurons: prune by first-order Taylor scores, regrow by gradient.',
};
const SELECTOR_LABEL: Record<TokenSelector, string> = { learned: 'learned (SViTE+)', centre: 'fixed centre patches (the baseline)' };
/** SViTE+ picked: the paper-table's keep ratios, the first that drops a patch at this shape. */
const PLUS_KEEP = [0.9, 0.7, 0.5];

export function SparsitySection() {
  const c = useStudio((s) => s.config);
  const setField = useStudio((s) => s.setField);
  const shown = new Set(METHOD_FIELDS[c.method] ?? []);
  const updates = topologyUpdateSteps(c).length;
  const patchesOk = Number.isInteger(c.imageSize / c.patchSize);
  const tokens = selectorOn(c);
  const choice: Choice = c.method === 'svite' && tokens ? 'svite+' : c.method;
  const pick = (m: Choice): void => {
    if (m === 'svite+') {
      setField('method', 'svite');
      if (!tokens) setField('tokenKeep', PLUS_KEEP.find((k) => selectorOn({ ...c, tokenKeep: k })) ?? PLUS_KEEP.at(-1)!);
      return;
    }
    setField('method', m);
    if (m === 'svite' && tokens) setField('tokenKeep', 1); // plain SViTE: the selector off
  };
  return (
    <Section title="Sparsity" aside={choice === 'svite+' ? 'SViTE+ (unstructured + tokens)' : `${METHOD_LABEL[c.method]}${tokens ? ' + tokens' : ''}`}>
      <FieldRow label="Method" hint={METHOD_HINT[choice]}>
        <div className="segmented" role="radiogroup" aria-label="Method">
          {CHOICES.map((m) => (
            <label key={m} className={choice === m ? 'on' : ''}>
              <input type="radio" name="method" data-field="method" value={m} checked={choice === m} onChange={() => pick(m)} />
              {METHOD_SHORT[m]}
            </label>
          ))}
        </div>
      </FieldRow>
      {shown.has('density') && (
        <SliderField field="density" label="Weight density d" min={0.05} max={1} step={0.05}
          hint={`sparsity ${pct(1 - c.density, 0)} of every weight matrix`} />
      )}
      {shown.has('distribution') && (
        <div className="grid2">
          <SelectField field="distribution" label="Distribution" options={DISTRIBUTIONS.map((d) => ({ value: d, label: d === 'erk' ? 'ERK' : 'uniform' }))} />
          <SelectField field="growth" label="Growth" options={GROWTHS.map((g) => ({ value: g, label: g === 'gradient' ? 'gradient (RigL)' : 'random (SET)' }))} />
        </div>
      )}
      {shown.has('sparseMoments') && (
        <SelectField field="sparseMoments" label="AdamW moments of pruned and regrown weights"
          options={MOMENT_RULES.map((r) => ({ value: r, label: MOMENT_RULE_LABEL[r] }))} />
      )}
      {shown.has('attnDensity') && (
        <>
          <SliderField field="attnDensity" label="Attention density a" min={0.1} max={1} step={0.05}
            hint={`${keptHeads(c)} of ${c.numHeads} heads per block`} />
          <SliderField field="mlpDensity" label="MLP density m" min={0.05} max={1} step={0.05}
            hint={`${keptNeurons(c)} of ${mlpHidden(c)} neurons per block`} />
          <CheckField field="regrowPruned" label="Just-pruned units may regrow at once (reference)"
            hint={c.regrowPruned ? 'Their intact proj/fc2 rows usually win them back, and such a swap changes nothing.' : 'Off: every swap brings in a fresh head or neuron (it ping-pongs, and costs accuracy on tiny).'} />
        </>
      )}
      {shown.has('updateInterval') && (
        <div className="grid3">
          <NumberField field="updateInterval" label="ΔT" integer min={1} title="Steps between topology updates (updateInterval)" />
          {c.method === 's2vite'
            ? <NumberField field="unitFraction" label="α" min={0.01} max={1} step={0.05} title="dr(0): fraction of live heads and neurons swapped at the first update (unitFraction)" />
            : <NumberField field="updateFraction" label="α" min={0.01} max={1} step={0.05} title="dr(0): fraction swapped at the first update (updateFraction)" />}
          <NumberField field="updateEnd" label="t_end" min={0} max={1} step={0.05} title="Updates stop at this fraction of the run (updateEnd)" />
        </div>
      )}
      {shown.has('updateInterval') && (
        <p className={`hint${updates < 5 ? ' warn' : ''}`}>
          {updates} topology update{updates === 1 ? '' : 's'} over the run; dr(t) = 0.005 + (α − 0.005)(1 + cos πt/T)/2 {updates < 20 ? '(the paper aims for 20–80)' : ''}
        </p>
      )}
      <SliderField field="tokenKeep" label="Token keep ratio (SViTE+)" min={0.1} max={1} step={0.05}
        format={(v) => (v >= 1 ? 'off' : v.toFixed(2))}
        hint={!selectorOn(c) ? 'All patches kept: the token selector is off.' : !patchesOk ? undefined
          : c.tokenSelector === 'centre' ? `The ${keptTokens(c)} patches nearest the centre of ${numPatches(c)}, in every image` : `A learned selector keeps ${keptTokens(c)} of ${numPatches(c)} patches`} />
      {tokens && (
        <>
          <SelectField field="tokenSelector" label="Which patches" options={TOKEN_SELECTORS.map((t) => ({ value: t, label: SELECTOR_LABEL[t] }))} />
          {c.tokenSelector === 'learned' && (
            <div className="grid2">
              <NumberField field="tokenPrior" label="Centre prior" min={0} max={1000} step={1}
                title="The selector starts as the centre crop: a learnable score bias of this margin on the centre patches (tokenPrior, tpr; 0 = none)" />
              <NumberField field="tokenLr" label="Selector lr ×" min={0} max={10} step={0.1}
                title="The selector's learning rate as a fraction of lr (tokenLr, tlr)" />
            </div>
          )}
        </>
      )}
    </Section>
  );
}

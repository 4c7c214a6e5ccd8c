// The ViT's shape. Image geometry follows the data set (editable only for the synthetic set).
import { headDim, mlpHidden, numPatches } from '../../../engine/facts';
import { useStudio } from '../../store';
import { FieldRow, NumberField, Section, SelectField } from '../../controls/fields';

export function ModelSection() {
  const c = useStudio((s) => s.config);
  const synthetic = c.dataset === 'synthetic';
  const patchesOk = Number.isInteger(c.imageSize / c.patchSize);
  const headsOk = Number.isInteger(c.embedDim / c.numHeads);
  return (
    <Section title="Model" aside={`${c.depth}×${c.embedDim}, ${c.numHeads} heads`}>
      <div className="grid2">
        <NumberField field="embedDim" label="Embed dim D" integer min={4} step={4} />
        <NumberField field="depth" label="Depth" integer min={1} max={48} />
        <NumberField field="numHeads" label="Heads" integer min={1} hint={headsOk ? `head dim ${headDim(c)}` : undefined} />
        <NumberField field="mlpRatio" label="MLP ratio" min={0.25} step={0.25} hint={`hidden ${mlpHidden(c)}`} />
        <NumberField field="patchSize" label="Patch size" integer min={1}
          hint={patchesOk ? `${numPatches(c)} patches + cls` : undefined} />
        {synthetic ? (
          <NumberField field="imageSize" label="Image size" integer min={8} step={4} />
        ) : (
          <FieldRow label="Image size"><span className="readonly">{c.imageSize}×{c.imageSize}</span></FieldRow>
        )}
      </div>
      {synthetic ? (
        <SelectField field="inChans" label="Channels" options={[{ value: '1', label: '1 (grey)' }, { value: '3', label: '3 (colour)' }]}
          onPick={(v) => useStudio.getState().setField('inChans', Number(v))} />
      ) : (
        <p className="muted small">{c.inChans === 3 ? 'Colour' : 'Grey'} images, {c.numClasses} classes: fixed by the data set.</p>
      )}
    </Section>
  );
}

// Data set choice, where its images come from, and import of local files (picker + drop).
import { useEffect, useRef } from 'react';
import { DATASETS, type DatasetName } from '../../../engine/config';
import { OFFICIAL_PAGE } from '../../../engine/data/official-sources';
import { useStudio } from '../../store';
import { CheckField, NumberField, Section, SelectField } from '../../controls/fields';
import { Upload, Close } from '../../controls/icons';
import { importFiles, removeImport } from '../../session/import-files';
import { compatible } from '../../session/imported';
import { checkServed, useServed } from '../../session/served';
import { bytes } from '../../format';

const LABEL: Record<DatasetName, string> = {
  synthetic: 'Synthetic shapes (built in)',
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  cifar10: 'CIFAR-10',
};

export function DataSection() {
  const dataset = useStudio((s) => s.config.dataset);
  const data = useStudio((s) => s.data);
  const setDataset = useStudio((s) => s.setDataset);
  const input = useRef<HTMLInputElement>(null);
  const files = data.kind === 'files' && compatible(data.dataset, dataset) ? data.files : null;
  const served = useServed((s) => (dataset === 'synthetic' ? null : s[dataset]));
  useEffect(() => checkServed(dataset), [dataset]);
  return (
    <Section title="Data">
      <SelectField<DatasetName> field="dataset" label="Data set" onPick={setDataset}
        options={DATASETS.map((d) => ({ value: d, label: LABEL[d] }))} />
      <div className="source" data-testid="data-source">
        {files ? (
          <>
            <span className="source-kind">Imported</span>
            <ul className="files">{files.map((f) => <li key={f.name}>{f.name} <span className="muted">{bytes(f.size)}</span></li>)}</ul>
            <button type="button" className="link" onClick={removeImport}><Close size={12} /> use the served copy instead</button>
          </>
        ) : dataset === 'synthetic' ? (
          <span className="muted">Ten classes of shapes and textures, generated in the worker from the seed: no download.</span>
        ) : served === 'missing' ? (
          <p className="source-missing" role="status" data-testid="data-not-served">
            <strong>Not on this server yet.</strong> Run <code>npm run datasets</code> in the project folder (it fetches the
            files from the official source, <a href={OFFICIAL_PAGE[dataset]} target="_blank" rel="noreferrer noopener">{new URL(OFFICIAL_PAGE[dataset]).host}</a>,
            and serves them under <code>/datasets/</code>), then reload; or import the files you have below.
          </p>
        ) : served === 'served' ? (
          <span className="muted" data-testid="data-served">
            Served by this server under <code>/datasets/{dataset}/</code>, prepared by <code>npm run datasets</code> from the
            official source (<a href={OFFICIAL_PAGE[dataset]} target="_blank" rel="noreferrer noopener">{new URL(OFFICIAL_PAGE[dataset]).host}</a>).
          </span>
        ) : (
          <span className="muted">Looking for <code>/datasets/{dataset}/</code> on this server…</span>
        )}
      </div>
      <div className="import-row">
        <button type="button" className="btn small" onClick={() => input.current?.click()}>
          <Upload size={14} /> Import files…
        </button>
        <span className="muted small">or drop them anywhere: IDX (.gz), CIFAR-10 .bin or .tar.gz</span>
        <input ref={input} type="file" multiple hidden data-testid="file-input"
          accept=".gz,.bin,.tar,.tgz,.txt,.idx1-ubyte,.idx3-ubyte,application/gzip,application/octet-stream"
          onChange={(e) => {
            const list = e.target.files ? [...e.target.files] : [];
            e.target.value = '';
            void importFiles(list);
          }} />
      </div>
      <CheckField field="augment" label="Augment (random crop + flip)" />
      <NumberField field="trainSize" label="Training images" integer min={0} step={100} hint="0 = all of them" />
    </Section>
  );
}

// Share → Run at scale: the torchrun command for the current experiment, with a copy button.
import { useState } from 'react';
import type { ExperimentConfig } from '../../../engine/config';
import { torchrunCommand } from './run-at-scale';

export function RunAtScale({ config }: { config: ExperimentConfig }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const command = torchrunCommand(config);
  const copy = (): void => {
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(command).then(() => setCopied('yes'), () => setCopied('no'));
    else setCopied('no');
  };
  return (
    <div className="share-results" data-testid="share-scale">
      <p><strong>Run at scale</strong> <span className="muted">(PyTorch DDP on CPUs or GPUs, from the repository's <code>python/</code> folder; README, "Scale out")</span></p>
      <input readOnly value={command} data-testid="scale-command" onFocus={(e) => e.target.select()} />
      <div className="row">
        <button type="button" className="btn small" data-testid="copy-scale" onClick={copy}>Copy command</button>
        <span className="muted">{copied === 'yes' ? 'Copied.' : copied === 'no' ? 'No clipboard: select the command and copy it by hand.' : ''}</span>
      </div>
    </div>
  );
}

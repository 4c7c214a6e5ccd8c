// "Load model…": a .safetensors file (CLI or studio) to evaluate, inspect or train further.
import { useRef } from 'react';
import { Upload } from '../controls/icons';
import { importModelFile } from './import-model';

export function ImportModelButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="btn ghost" data-testid="load-model" onClick={() => input.current?.click()}
        title="Load a .safetensors model (from Export or `cli export`) to evaluate it, view its masks, heads and neurons, or train it further; or drop it on the page">
        <Upload /> Load model
      </button>
      <input ref={input} type="file" accept=".safetensors" hidden data-testid="load-model-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = ''; // the same file again must fire again
          if (f) void importModelFile(f);
        }} />
    </>
  );
}

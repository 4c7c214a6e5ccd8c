// Keyboard shortcuts, the method in two lines, the paper's citation and its reference results.
import { useEffect, useRef } from 'react';
import { useStudio } from '../../store';
import { Close } from '../../controls/icons';

export function HelpOverlay() {
  const open = useStudio((s) => s.helpOpen);
  const setOpen = useStudio((s) => s.setHelpOpen);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) ref.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" role="presentation" onClick={() => setOpen(false)}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" tabIndex={-1} ref={ref}
        onClick={(e) => e.stopPropagation()} data-testid="help">
        <header>
          <h2 id="help-title">Sparse ViT Studio</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={() => setOpen(false)}><Close /></button>
        </header>
        <About />
        <h3>Keyboard</h3>
        <dl className="keys">
          <div><dt><kbd>Space</kbd></dt><dd>start, pause or resume</dd></div>
          <div><dt><kbd>→</kbd></dt><dd>one step (while paused)</dd></div>
          <div><dt><kbd>R</kbd></dt><dd>reset the run (the settings stay)</dd></div>
          <div><dt><kbd>?</kbd></dt><dd>this help</dd></div>
          <div><dt><kbd>Esc</kbd></dt><dd>close</dd></div>
        </dl>
        <h3>Training backend</h3>
        <p className="small">
          The worker times a few training steps of your config on WebGPU, WebGL and WASM and trains on the fastest
          (remembered per adapter and model shape; a software GPU such as SwiftShader is flagged). Click the backend
          badge for the measurements, the picker and <em>Measure again</em>. In the link, <code>&amp;backend=webgpu</code>
          (or <code>webgl</code>, <code>wasm</code>, <code>cpu</code>) forces one backend; without it the choice is measured.
        </p>
        <h3>Paper results (ImageNet top-1, for reference)</h3>
        <table className="ref">
          <thead><tr><th>model</th><th>dense</th><th>SViTE 50%</th><th>S²ViTE (0.7, 0.6)</th><th>SViTE+ 95% tokens</th></tr></thead>
          <tbody>
            <tr><td>DeiT-Small</td><td>79.8</td><td>≈79.7</td><td>≈79.2</td><td>≈80.2 (−49.3% FLOPs)</td></tr>
            <tr><td>DeiT-Base</td><td>81.8</td><td>≈81.5</td><td>≈82.2</td><td>–</td></tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function About() {
  return (
    <div className="about">
      <p>
        <strong>The method, in two lines.</strong> Train a Vision Transformer sparse from the first step under a fixed
        parameter budget, and keep exploring its connectivity: every ΔT steps prune the least important weights
        (SViTE), attention heads and MLP neurons (S²ViTE) and grow as many back where the gradient is largest;
        SViTE+ also learns which image patches to keep.
      </p>
      <p className="cite">
        Tianlong Chen, Yu Cheng, Zhe Gan, Lu Yuan, Lei Zhang, Zhangyang Wang.{' '}
        <em>Chasing Sparsity in Vision Transformers: An End-to-End Exploration.</em> NeurIPS 2021.{' '}
        <a href="https://arxiv.org/abs/2106.04533" target="_blank" rel="noreferrer noopener">arXiv:2106.04533</a>
      </p>
      <p className="muted small">
        Training runs in a Web Worker on the fastest backend measured here (WebGPU, WebGL or WASM); the page itself only draws.
        The address bar always holds the experiment: share it, and the same seed reproduces the run.
      </p>
    </div>
  );
}

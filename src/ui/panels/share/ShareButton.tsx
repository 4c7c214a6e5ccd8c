// Share: copies the experiment's link; the popover shows it selected, so it can be copied by hand
// where the clipboard is not available, and offers a link that starts training at once.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClickAway } from '../../controls/click-away';
import { useStudio } from '../../store';
import { linkFor } from '../../url/url-sync';
import { Share } from '../../controls/icons';
import { pendingEdits } from '../../config/pending';
import { resultsLink } from '../../results-link/results-link';
import { RunAtScale } from './RunAtScale';

export function ShareButton() {
  const open = useStudio((s) => s.shareOpen);
  const setOpen = useStudio((s) => s.setShareOpen);
  const config = useStudio((s) => s.config);
  const edited = useStudio((s) => pendingEdits(s.config, s.runConfig));
  const [autorun, setAutorun] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const link = linkFor(config, { run: autorun });
  const finished = useStudio((s) => s.status === 'finished' && s.lastEval !== null);
  const results = open && finished ? resultsLink() : null;

  const copy = (text: string): void => {
    setCopied(null);
    const done = (ok: boolean) => {
      setCopied(ok ? 'yes' : 'no');
      input.current?.select();
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).then(() => done(true), () => done(false));
    else done(false);
  };

  useEffect(() => {
    if (open) input.current?.select();
  }, [open, link]);
  const closeMenu = useCallback(() => setOpen(false), [setOpen]);
  const root = useClickAway<HTMLDivElement>(open, closeMenu);

  return (
    <div className="share" ref={root}>
      <button type="button" className="btn" data-testid="share" aria-expanded={open}
        onClick={() => {
          if (!open) copy(link);
          setOpen(!open);
        }}>
        <Share /> Share
      </button>
      {open ? (
        <div className="popover" role="dialog" aria-label="Share this experiment" data-testid="share-popover">
          <p><strong>Link to this experiment</strong> <span className="muted">(every setting and the seed)</span></p>
          <input ref={input} readOnly value={link} data-testid="share-link" onFocus={(e) => e.target.select()} />
          {edited ? <p className="muted" data-testid="share-edited">It holds the settings as edited since Start, not those of the run on screen.</p> : null}
          <label className="check">
            <input type="checkbox" checked={autorun} onChange={(e) => { setAutorun(e.target.checked); copy(linkFor(config, { run: e.target.checked })); }} />
            start training when opened (<code>run=1</code>)
          </label>
          <p className={`copy-status ${copied ?? ''}`} data-testid="copy-status">
            {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Could not reach the clipboard: the link is selected, press Ctrl+C (⌘C).' : '\u00a0'}
          </p>
          {results ? (
            <div className="share-results" data-testid="share-results">
              <p><strong>Share results</strong> <span className="muted">(final metrics, curves, maps, FLOPs: shown at once, marked as reported; {results.length} characters)</span></p>
              <input readOnly value={results} data-testid="results-link" onFocus={(e) => e.target.select()} />
              <div className="row">
                <button type="button" className="btn small" data-testid="copy-results" onClick={() => copy(results)}>Copy results link</button>
              </div>
            </div>
          ) : null}
          <RunAtScale config={config} />
          <div className="row">
            <button type="button" className="btn small" onClick={() => copy(link)}>Copy again</button>
            <button type="button" className="btn small ghost" onClick={() => setOpen(false)}>Close</button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

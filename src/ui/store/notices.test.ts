import { describe, expect, it } from 'vitest';
import { useStudio } from './index';

describe('notices', () => {
  it('a notice on the same topic replaces the last one (three Load models leave one banner); other topics stay', () => {
    const s = useStudio.getState();
    s.pushNotice({ tone: 'info', title: 'This link was made with imported data files', lines: [] });
    for (const name of ['a.safetensors', 'b.safetensors', 'c.safetensors'])
      s.pushNotice({ topic: 'model', tone: 'info', title: `Loaded ${name} (svite, dense layout)`, lines: [] });
    expect(useStudio.getState().notices.map((n) => n.title)).toEqual(['This link was made with imported data files', 'Loaded c.safetensors (svite, dense layout)']);
  });
});

// A model file (.safetensors from `cli export` or the studio's Export) into the studio: checked here
// with the CLI's own importer (same errors, word for word), then loaded into a paused run of its
// config and evaluated on the whole test split, as `cli eval` does. Resume trains it further.
import { importModel } from '../../engine/io/checkpoint';
import { studio } from '../store';
import * as session from '../session/session';

export const isModelFile = (name: string): boolean => name.toLowerCase().endsWith('.safetensors');

export async function importModelFile(file: File): Promise<boolean> {
  const s = studio.getState();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    s.pushNotice({ topic: 'model', tone: 'error', title: `Could not read ${file.name}`, lines: [err instanceof Error ? err.message : String(err)] });
    return false;
  }
  let imported;
  try {
    imported = importModel(bytes, file.name);
  } catch (err) {
    s.pushNotice({ topic: 'model', tone: 'error', title: 'This model file cannot be loaded: the experiment is unchanged', lines: (err instanceof Error ? err.message : String(err)).split('\n') });
    return false;
  }
  s.setConfig(imported.config);
  // The worker reads the file itself (the tensors are not copied twice on this side).
  if (!session.start({ paused: true, model: { name: file.name, bytes } })) {
    s.pushNotice({ topic: 'model', tone: 'error', title: `${file.name} cannot run here`, lines: [session.startBlocker(imported.config, studio.getState().issues.length) ?? 'The training worker is not available.'] });
    return false;
  }
  session.evaluateWholeTestSet();
  s.pushNotice({
    topic: 'model', tone: 'info', title: `Loaded ${file.name} (${imported.method}, ${imported.layout} layout)`,
    lines: [
      'Evaluating on the whole test set; its masks, heads and neurons are in the panels. Resume trains it further (fine-tune) with these settings.',
      ...imported.configNotes,
    ],
  });
  return true;
}

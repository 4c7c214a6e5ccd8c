// Drag and drop of data files anywhere on the page.
import { useEffect } from 'react';
import { studio } from './store';
import { importFiles } from './session/import-files';
import { importModelFile, isModelFile } from './export/import-model';

const hasFiles = (e: DragEvent): boolean => Boolean(e.dataTransfer?.types?.includes('Files'));

export function useFileDrop(): void {
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      studio.getState().setDragging(true);
    };
    const over = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) studio.getState().setDragging(false);
    };
    const drop = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      studio.getState().setDragging(false);
      const files = e.dataTransfer ? [...e.dataTransfer.files] : [];
      // A model file loads a model; anything else is data.
      const model = files.find((f) => isModelFile(f.name));
      if (model) void importModelFile(model);
      else void importFiles(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

// The two themes the canvases know (DOM-free, so pure renderers and their tests can use it).
export type Theme = 'light' | 'dark';

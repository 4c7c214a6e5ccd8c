// Label-smoothed cross-entropy on WebGPU under the contract of ../cross-entropy.ts:
// SvSmoothedCrossEntropy logits [B, C], int32 labels [B] → mean loss [] and softmax [B, C];
// SvSmoothedCrossEntropyGrad dy [], softmax, labels → d logits = dy · (softmax − target) / B.
// Forward: two dispatches (softmax, one workgroup per row; the loss, one workgroup), backward one.
import { elementwise, f32, perRow, registerWebGpuKernel, WG } from './program';

/** Target probability of class c for a sample of class `label`: (1 − s)·onehot + s/C. */
const TARGET = `
  fn smoothedTarget(c : i32, label : i32, C : i32) -> f32 {
    return select(0.0, 1.0 - uniforms.smoothing, c == label) + uniforms.smoothing / f32(C);
  }
`;

export function registerCrossEntropy(): void {
  registerWebGpuKernel('SvSmoothedCrossEntropy', ([logits, labels], backend, attrs) => {
    const [B, C] = logits.shape;
    const smoothing = [f32(attrs.smoothing as number)];
    const probs = backend.runWebGPUProgram(perRow('ce_softmax', ['logits'], [B, C], B, `
      let C = uniforms.logitsShape[1];
      let o = row * C;
      var m = -3.402823e+38;
      for (var c = tid; c < C; c += ${WG}) { m = max(m, logits[o + c]); }
      let rowMax = workgroupMax(m);
      var s = 0.0;
      for (var c = tid; c < C; c += ${WG}) { s += exp(logits[o + c] - rowMax); }
      let total = workgroupSum(s);
      for (var c = tid; c < C; c += ${WG}) { result[o + c] = exp(logits[o + c] - rowMax) / total; }`, 'smoothing : f32,'), [logits], 'float32', smoothing);
    // −Σ_b Σ_c target·log softmax, log softmax = logit − (max + log Σ exp(logit − max)); rows split over the threads.
    const loss = backend.runWebGPUProgram(perRow('ce_loss', ['logits', 'labels'], [], 1, `
      let B = uniforms.logitsShape[0];
      let C = uniforms.logitsShape[1];
      var acc = 0.0;
      for (var b = tid; b < B; b += ${WG}) {
        let o = b * C;
        var m = -3.402823e+38;
        for (var c = 0; c < C; c++) { m = max(m, logits[o + c]); }
        var s = 0.0;
        for (var c = 0; c < C; c++) { s += exp(logits[o + c] - m); }
        let lse = m + log(s);
        for (var c = 0; c < C; c++) { acc -= smoothedTarget(c, labels[b], C) * (logits[o + c] - lse); }
      }
      let total = workgroupSum(acc);
      if (tid == 0) { result[0] = total / f32(B); }`, 'smoothing : f32,', TARGET), [logits, labels], 'float32', smoothing);
    return [loss, probs];
  });

  registerWebGpuKernel('SvSmoothedCrossEntropyGrad', ([dy, probs, labels], backend, attrs) =>
    backend.runWebGPUProgram(elementwise('ce_grad', ['dy', 'probs', 'labels'], probs.shape, `
      let B = uniforms.probsShape[0];
      let C = uniforms.probsShape[1];
      let b = index / C;
      value = dy[0] / f32(B) * (probs[index] - smoothedTarget(index % C, labels[b], C));`, 'smoothing : f32,', TARGET),
    [dy, probs, labels], 'float32', [f32(attrs.smoothing as number)]));
}

#!/usr/bin/env bash
# The PyTorch package's tests (unittest): TypeScript = PyTorch cross-check, DDP exactness with 2
# gloo processes on the CPU, and the artefacts (model files, load_model, the README snippet,
# --resume, the run file). The link-spec and link-corpus tests are vitest's (src/cli/python/).
# Needs torch (Debian: apt-get install -y python3-torch); node for the cross-check and run file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PY="${PYTHON:-}"
if [[ -z "${PY}" ]]; then
  for candidate in python3 /usr/bin/python3; do
    if "${candidate}" -c 'import torch' 2>/dev/null; then PY="${candidate}"; break; fi
  done
fi
[[ -n "${PY}" ]] || { echo "no python3 with torch: install it (apt-get install -y python3-torch)" >&2; exit 1; }
# A machine's OPENBLAS_CORETYPE/L2_SIZE can make torch pick a wrong kernel; one BLAS thread per process.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "${PY}" -m unittest discover -s tests -v "$@"

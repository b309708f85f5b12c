// Times an ONNX model with ONNX Runtime (onnxruntime-node, CPU provider).
//   node ort_time.js MODULE_DIR MODEL.onnx INPUT.npy THREADS RUNS [REF.npy]
// MODULE_DIR is where `npm install onnxruntime-node` put node_modules.
// Prints "median_ms N" and, with REF.npy, "max_rel_err E" (max |ort - ref| /
// max |ref|), so a wrong run cannot pass for a fast one.
'use strict';
const fs = require('fs');
const path = require('path');

const [moduleDir, modelPath, inputPath, threadsArg, runsArg, refPath] =
    process.argv.slice(2);
const ort = require(path.join(moduleDir, 'node_modules', 'onnxruntime-node'));

// A little-endian float32 .npy file (what models.py writes).
function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${file}: only C-order float32 .npy files are read`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
                    .split(',').filter((s) => s.trim()).map(Number);
  const start = 10 + headerLen;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start,
                                                 buf.byteOffset + buf.length));
  return {shape, data};
}

async function main() {
  const threads = Number(threadsArg), runs = Number(runsArg);
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const x = readNpy(inputPath);
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape)};
  let out;
  for (let i = 0; i < 5; ++i) // warm-up
    out = await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  console.log(`median_ms ${median.toFixed(4)}`);
  if (refPath) {
    const ref = readNpy(refPath).data, got = out[session.outputNames[0]].data;
    let diff = 0, scale = 0;
    for (let i = 0; i < ref.length; ++i) {
      diff = Math.max(diff, Math.abs(got[i] - ref[i]));
      scale = Math.max(scale, Math.abs(ref[i]));
    }
    console.log(`max_rel_err ${(diff / (scale || 1)).toExponential(2)}`);
  }
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });

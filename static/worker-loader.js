// Starts the scanning worker: loads wasm-bindgen's no-modules glue (worker.js) and its Wasm. Served
// from the app's own origin, so the Content-Security-Policy needs no blob: workers.
// Messages that arrive while the Wasm loads are kept and handed over once the worker listens.
const early = [];
self.onmessage = (event) => early.push(event);
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' })
  .then(() => {
    for (const event of early.splice(0)) self.onmessage(event);
  })
  .catch((error) => {
    self.postMessage(JSON.stringify({ kind: 'panic', data: { message: 'the scanner could not load: ' + error } }));
  });

// Starts the app. An external module (not trunk's inline loader) so the Content-Security-Policy can
// forbid inline scripts.
import init from './app.js';

const fatal = (text) => {
  const box = document.getElementById('fatal');
  if (box) {
    box.querySelector('.fatal-text').textContent = text;
    box.hidden = false;
  }
};

try {
  await init({ module_or_path: './app_bg.wasm' });
} catch (error) {
  fatal('Trailhound could not start: ' + error);
}

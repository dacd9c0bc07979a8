// Progressive enhancement: keeps this page readable offline after one visit. Without JavaScript (or without
// service workers) nothing changes. Registered from pages that opt in with <script src=…offline.js defer>.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('/sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = [
        location.pathname,
        ...Array.from(document.querySelectorAll('link[rel=stylesheet], link[rel=icon]'), (l) =>
          l.getAttribute('href'),
        ),
      ];
      registration.active?.postMessage({ type: 'keep', urls });
    })
    .catch(() => {});
}
